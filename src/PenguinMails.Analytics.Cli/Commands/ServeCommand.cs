using System.CommandLine;
using PenguinMails.Analytics.Api;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.Cli.Commands;

/// <summary>
/// <c>penguin-analytics serve</c>: the HTTP API and the background workers in one process
/// (<c>--role api</c> or <c>--role worker</c> for one of them). Stops gracefully on Ctrl+C / SIGTERM.
/// </summary>
public static class ServeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var defaults = new ApiOptions();
        var urls = new Option<string>("--urls") { Description = "Where to listen.", DefaultValueFactory = _ => defaults.Urls };
        var role = new Option<string>("--role") { Description = "all, api or worker.", DefaultValueFactory = _ => "all" };
        role.AcceptOnlyFromAmong("all", "api", "worker");
        var command = new Command("serve", "Run the HTTP API and the background workers.") { urls, role };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Database), async (database, ct) =>
        {
            await new SchemaMigrator(database).EnsureCurrentAsync(ct);
            var options = new ApiOptions
            {
                Urls = parse.GetRequiredValue(urls),
                Role = parse.GetValue(role) switch { "api" => ServeRole.Api, "worker" => ServeRole.Worker, _ => ServeRole.All },
            };
            await using var app = await ApiServer.BuildAsync(database, options, ct);
            await app.RunAsync();
            return 0;
        }, cancellationToken));
        return command;
    }
}
