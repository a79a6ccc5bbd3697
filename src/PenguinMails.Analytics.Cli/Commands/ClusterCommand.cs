using System.CommandLine;
using System.Text.Json;
using PenguinMails.Analytics.Cluster;

namespace PenguinMails.Analytics.Cli.Commands;

/// <summary>
/// <c>penguin-analytics cluster init|status|add-shard|move-tenant</c>: one product over several PostgreSQL
/// servers (README, "Scaling out"). <c>--db</c> names the coordinator.
/// </summary>
public static class ClusterCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var command = new Command("cluster", "Run the product over several PostgreSQL nodes: a coordinator (--db) and shards holding whole tenants.")
        {
            Init(), Status(), AddShard(), MoveTenant(),
        };
        return command;
    }

    private static Command Init()
    {
        var shards = new Option<string[]>("--shard") { Description = "A shard's connection string or postgresql:// URI (repeat for each shard).", Required = true, AllowMultipleArgumentsPerToken = false };
        var command = new Command("init", "Create or upgrade the cluster: the coordinator (--db) and every shard (idempotent, like migrate).") { shards };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Database), async (database, ct) =>
        {
            var results = await ClusterSetup.InitAsync(database, parse.GetRequiredValue(shards), ct);
            PrintShards(results);
            Console.WriteLine($"cluster coordinator {database.Target.Display}: {results.Count} shard(s)");
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command AddShard()
    {
        var uri = new Argument<string>("shard") { Description = "The new shard's connection string or postgresql:// URI." };
        var command = new Command("add-shard", "Add a shard: migrated, then part of every cluster-wide table; new tenants are placed on it first.") { uri };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Database), async (database, ct) =>
        {
            if (!await ClusterTopology.IsCoordinatorAsync(database, ct))
            {
                throw new AnalyticsException($"{database.Target.Display} is not a cluster coordinator (run cluster init first).");
            }
            var results = await ClusterSetup.InitAsync(database, [parse.GetRequiredValue(uri)], ct);
            PrintShards(results);
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command Status()
    {
        var format = new Option<string>("--format") { Description = "text or json.", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var command = new Command("status", "Each shard: reachable or not, its tenants, emails and queue depth.") { format };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Database), async (database, ct) =>
        {
            await using var cluster = await ClusterTopology.OpenAsync(database, ct)
                ?? throw new AnalyticsException($"{database.Target.Display} is not a cluster coordinator (run cluster init first).");
            var placements = await cluster.PlacementsAsync(ct);
            var shards = new List<object>();
            var down = 0;
            foreach (var shard in cluster.Shards)
            {
                var tenants = placements.Where(p => p.Value.Name == shard.Name).Select(p => p.Key).Order(StringComparer.Ordinal).ToList();
                var load = await ShardLoad.TryMeasureAsync(cluster, shard, tenants.Count, ct);
                down += load is null ? 1 : 0;
                if (parse.GetValue(format) == "json")
                {
                    shards.Add(new { name = shard.Name, uri = shard.Uri, reachable = load is not null, tenants, emails = load?.Emails, queue_depth = load?.QueueDepth });
                }
                else
                {
                    Console.WriteLine(load is null
                        ? $"{shard.Name}  {shard.Uri}  UNREACHABLE  {tenants.Count} tenants"
                        : $"{shard.Name}  {shard.Uri}  reachable  {tenants.Count} tenants, {load.Emails:N0} emails, {load.QueueDepth} queued jobs");
                }
            }
            if (parse.GetValue(format) == "json")
            {
                Console.WriteLine(JsonSerializer.Serialize(new { shards }));
            }
            return down == 0 ? 0 : CommandRunner.Failure;
        }, cancellationToken));
        return command;
    }

    private static Command MoveTenant()
    {
        var tenant = new Argument<string>("tenant") { Description = "The tenant to move." };
        var to = new Option<string>("--to") { Description = "The shard to move it to (cluster status lists them).", Required = true };
        var command = new Command("move-tenant", "Move a tenant to another shard: copy, check every table's count, switch, remove the old copy. "
            + "Its new lines are refused while it copies; run it again to finish a move that was cut off.") { tenant, to };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Database), async (database, ct) =>
        {
            await using var cluster = await ClusterTopology.OpenAsync(database, ct)
                ?? throw new AnalyticsException($"{database.Target.Display} is not a cluster coordinator (run cluster init first).");
            var outcome = await new TenantMover(cluster, new SynchronousProgress<string>(Console.Error.WriteLine))
                .MoveAsync(parse.GetRequiredValue(tenant), parse.GetRequiredValue(to), ct);
            Console.WriteLine(outcome.AlreadyThere
                ? $"tenant {outcome.TenantId} is on {outcome.To} already"
                : $"moved tenant {outcome.TenantId} from {outcome.From} to {outcome.To}: {outcome.Rows.Values.Sum():N0} rows in {outcome.Rows.Count(r => r.Value > 0)} tables, every count checked");
            return 0;
        }, cancellationToken));
        return command;
    }

    private static void PrintShards(IReadOnlyList<ClusterSetup.ShardResult> results)
    {
        foreach (var result in results)
        {
            Console.WriteLine($"{result.Shard.Name} ({result.Shard.Uri}): schema version {result.Migration.CurrentVersion}");
        }
    }
}
