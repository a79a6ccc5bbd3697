using System.CommandLine;
using PenguinMails.Analytics.Cluster;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.Cli.Commands;

/// <summary><c>penguin-analytics migrate</c>: creates or upgrades the schema; a no-op when current.</summary>
public static class MigrateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("migrate", "Create or upgrade the analytics schema (idempotent, one transaction per version).");
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Database), async (database, ct) =>
        {
            if (await ClusterTopology.IsCoordinatorAsync(database, ct))
            {
                // The coordinator and every shard, then the cluster-wide tables anew.
                foreach (var shard in await ClusterSetup.UpgradeAsync(database, ct))
                {
                    Console.WriteLine($"{shard.Shard.Name} ({shard.Shard.Uri}): schema version {shard.Migration.CurrentVersion}"
                        + (shard.Migration.Applied.Count > 0 ? $" (from {shard.Migration.PreviousVersion})" : ""));
                }
                Console.WriteLine($"cluster coordinator {database.Target.Display} is current");
                return 0;
            }
            var result = await new SchemaMigrator(database).MigrateAsync(ct);
            foreach (var migration in result.Applied)
            {
                Console.WriteLine($"applied {migration.Version:000} {migration.Name}");
            }
            Console.WriteLine(result.Applied.Count == 0
                ? $"{database.Target.Display} is current at schema version {result.CurrentVersion}"
                : $"{database.Target.Display} migrated from version {result.PreviousVersion} to {result.CurrentVersion}");
            return 0;
        }, cancellationToken));
        return command;
    }
}
