using System.CommandLine;
using PenguinMails.Analytics.Cluster;
using PenguinMails.Analytics.Maintenance;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.Cli.Commands;

/// <summary><c>penguin-analytics maintain</c>: partitions ahead, archiving past retention, view refresh, statistics.</summary>
public static class MaintainCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var retention = new Option<int>("--retention-days") { Description = "Move rows older than this many days into the archive tables.", DefaultValueFactory = _ => 730 };
        var ahead = new Option<int>("--months-ahead") { Description = "Monthly partitions to create ahead (PostgreSQL).", DefaultValueFactory = _ => 3 };
        var command = new Command("maintain", "Run maintenance: partitions, archiving, view refresh, ANALYZE.") { retention, ahead };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Database), async (database, ct) =>
        {
            await new SchemaMigrator(database).EnsureCurrentAsync(ct);
            if (parse.GetValue(retention) < 1)
            {
                throw new AnalyticsException("--retention-days must be at least 1.");
            }
            var options = new MaintenanceOptions { Retention = TimeSpan.FromDays(parse.GetValue(retention)), MonthsAhead = parse.GetValue(ahead), Actor = Auditing.AdminActor.CommandLine };
            // On a cluster every shard holds data of its own to maintain (the coordinator holds none).
            await using var cluster = await ClusterTopology.OpenAsync(database, ct);
            foreach (var (name, shard) in cluster is null ? [(null, database)] : cluster.Shards.Select(s => ((string?)s.Name, cluster.DatabaseOf(s))))
            {
                var result = await new Maintainer(shard).RunAsync(options, ct);
                Console.Out.WriteLine(name is null ? $"{result}" : $"{name}: {result}");
            }
            return 0;
        }, cancellationToken));
        return command;
    }
}
