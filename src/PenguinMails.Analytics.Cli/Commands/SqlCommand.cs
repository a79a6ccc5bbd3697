using System.CommandLine;
using PenguinMails.Analytics.Cli.Output;
using PenguinMails.Analytics.Cluster;
using PenguinMails.Analytics.Queries;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.Cli.Commands;

/// <summary>
/// <c>penguin-analytics sql "SELECT ..."</c>: one reading statement on the guide's
/// <c>ad_hoc_analytics</c> workload, printed as a table, JSON or CSV.
/// </summary>
public static class SqlCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var statement = new Argument<string>("statement") { Description = "One SELECT (or WITH ... SELECT) statement." };
        var format = OutputFormatOption.Create();
        var command = new Command("sql", "Run one read-only SQL statement (the ad_hoc_analytics workload).") { statement, format };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Database), async (database, ct) =>
        {
            await new SchemaMigrator(database).EnsureCurrentAsync(ct);
            // On a coordinator the usual table names are the cluster-wide tables over every shard.
            await using var cluster = await ClusterTopology.OpenAsync(database, ct);
            await using var result = await new AdHocQuery(cluster?.CrossTenant ?? database).ExecuteAsync(parse.GetRequiredValue(statement), ct);
            await RowsPrinter.PrintAsync(result, parse.GetValue(format), ct);
            return 0;
        }, cancellationToken));
        return command;
    }
}
