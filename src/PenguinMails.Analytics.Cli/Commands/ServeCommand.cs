using System.CommandLine;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PenguinMails.Analytics.Api;
using PenguinMails.Analytics.Compliance;
using PenguinMails.Analytics.Generation;
using PenguinMails.Analytics.Security;
using PenguinMails.Analytics.Storage;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.Cli.Commands;

/// <summary>
/// <c>penguin-analytics serve</c>: the HTTP API, the dashboard and the background workers in one
/// process (<c>--role api</c> or <c>--role worker</c> for one of them). Stops gracefully on
/// Ctrl+C / SIGTERM. <c>--demo</c> fills an empty database with a demo workload first and prints
/// keys to sign in with.
/// </summary>
public static class ServeCommand
{
    /// <summary>The database <c>--demo</c> uses when none is named.</summary>
    public const string DemoDatabasePath = "penguin-analytics-demo.duckdb";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var defaults = new ApiOptions();
        var urls = new Option<string>("--urls") { Description = "Where to listen (port 0: any free port).", DefaultValueFactory = _ => defaults.Urls };
        var role = new Option<string>("--role") { Description = "all, api or worker.", DefaultValueFactory = _ => "all" };
        role.AcceptOnlyFromAmong("all", "api", "worker");
        var demo = new Option<bool>("--demo")
        {
            Description = $"Generate a demo workload into an empty database (default ./{DemoDatabasePath}), print sign-in keys.",
        };
        var maintenanceAt = new Option<string>("--maintenance-at")
        {
            Description = "UTC time of day (HH:mm) of the daily maintenance job, or off.",
            DefaultValueFactory = _ => "03:00",
        };
        var retention = new Option<int?>("--retention-days") { Description = "Retention window of the scheduled maintenance (default 730)." };
        var noCache = new Option<bool>("--no-cache") { Description = "Answer every read from the database (no response cache): to measure the database path." };
        var command = new Command("serve", "Run the HTTP API, the dashboard and the background workers.") { urls, role, demo, maintenanceAt, retention, noCache };
        command.SetAction((parse, cancellationToken) =>
        {
            var isDemo = parse.GetValue(demo);
            var db = parse.GetValue(CommonOptions.Database);
            if (isDemo && string.IsNullOrWhiteSpace(db) && string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(DatabaseTarget.EnvironmentVariable)))
            {
                db = DemoDatabasePath;
            }
            return CommandRunner.RunAsync(db, async (database, ct) =>
            {
                if (isDemo && await Cluster.ClusterTopology.IsCoordinatorAsync(database, ct))
                {
                    throw new AnalyticsException("serve --demo fills a single node's database: name one with --db (not a cluster's coordinator).");
                }
                // The demo sets up its own database; a real one is migrated on purpose, not by serve.
                var migrator = new SchemaMigrator(database);
                await (isDemo ? migrator.MigrateAsync(ct) : migrator.EnsureCurrentAsync(ct));
                var keys = isDemo ? (await new DemoWorkspace(database).PrepareAsync(Console.Error, ct)).Keys : [];
                var options = new ApiOptions
                {
                    Urls = parse.GetRequiredValue(urls),
                    Role = parse.GetValue(role) switch { "api" => ServeRole.Api, "worker" => ServeRole.Worker, _ => ServeRole.All },
                    MaintenanceAt = ParseTimeOfDay(parse.GetRequiredValue(maintenanceAt)),
                    MaintenanceRetentionDays = parse.GetValue(retention) is { } days and > 0 ? days
                        : parse.GetValue(retention) is null ? null : throw new AnalyticsException("--retention-days must be at least 1."),
                    Exports = DemoExports(isDemo, database.Target),
                    ResponseCacheFor = parse.GetValue(noCache) ? TimeSpan.Zero : defaults.ResponseCacheFor,
                    PseudonymKey = string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(PseudonymKey.EnvironmentVariable)) ? null : PseudonymKey.FromEnvironment(),
                };
                await using var app = await ApiServer.BuildAsync(database, options, ct);
                try
                {
                    await app.StartAsync(ct);
                }
                catch (IOException e) when (e.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException)
                {
                    throw new AnalyticsException($"Cannot listen on {options.Urls}: the address is in use (another serve?). Choose another with --urls, or port 0 for any free port.", e);
                }
                var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? options.Urls;
                Console.Out.WriteLine($"serving {address}/");
                if (keys.Count > 0)
                {
                    PrintKeys(keys, address);
                }
                await app.WaitForShutdownAsync(ct);
                return 0;
            }, cancellationToken);
        });
        return command;
    }

    // The demo encrypts its exports with a key of its own run when none is configured (they
    // expire within a day; a new run cannot read the previous run's files).
    private static Exports.ExportOptions? DemoExports(bool isDemo, Storage.DatabaseTarget target)
    {
        var options = Exports.ExportOptions.FromEnvironment(target);
        return !isDemo || options.Cipher is not null ? null
            : new Exports.ExportOptions { Directory = options.Directory, Cipher = new Exports.ExportCipher(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)) };
    }

    private static TimeSpan? ParseTimeOfDay(string text) =>
        text == "off" ? null
        : TimeOnly.TryParseExact(text, "HH:mm", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var time) ? time.ToTimeSpan()
        : throw new AnalyticsException($"--maintenance-at must be a UTC time like 03:00, or off; got \"{text}\"");

    private static void PrintKeys(IReadOnlyList<DemoWorkspace.DemoKey> keys, string address)
    {
        Console.Out.WriteLine("sign in with one of these keys (new on every run; the previous run's are revoked):");
        foreach (var key in keys)
        {
            Console.Out.WriteLine($"  {key.Role.ToName(),-13} {key.TenantId,-4} {key.TenantName,-16} {key.Token}");
        }
        var viewer = keys.First(k => k.Role == ApiKeyRole.Viewer);
        Console.Out.WriteLine($"open {address}/ and paste a key, or ask the API: curl -H \"Authorization: Bearer {viewer.Token}\" {address}/v1/campaigns");
        Console.Out.Flush();
    }
}
