using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using PenguinMails.Analytics.Aggregation;
using PenguinMails.Analytics.Cluster;
using PenguinMails.Analytics.Jobs;
using PenguinMails.Analytics.Pools;
using PenguinMails.Analytics.Storage;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.Cli.Commands;

/// <summary>
/// <c>penguin-analytics aggregate</c>: runs all queued work (folds of ingested batches and any
/// other jobs) to completion and returns. With <c>--recompute</c>, then rebuilds the analytics
/// tables from the raw store for a tenant and date range (whole billing periods).
/// </summary>
public static class AggregateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var recompute = new Option<bool>("--recompute") { Description = "Rebuild from the raw store (after running queued work)." };
        var tenant = new Option<string?>("--tenant") { Description = "Recompute only this tenant." };
        var from = CommonOptions.Day("--from", "Recompute from this UTC day, widened to its billing period.");
        var to = CommonOptions.Day("--to", "Recompute up to this UTC day, exclusive.");
        var lease = new Option<int>("--lease-seconds") { Description = "How long a claimed job stays this process's if it dies.", DefaultValueFactory = _ => (int)new JobOptions().Lease.TotalSeconds };
        var foldSize = new Option<int>("--max-events-per-fold") { Description = "New events per fold transaction.", DefaultValueFactory = _ => new AggregationOptions().MaxEventsPerFold };
        var workers = new Option<int>("--workers") { Description = "Jobs run in parallel.", DefaultValueFactory = _ => 1 };
        var command = new Command("aggregate", "Run queued aggregation work to completion; --recompute rebuilds from the raw store.")
        {
            recompute, tenant, from, to, lease, foldSize, workers,
        };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Database), async (database, ct) =>
        {
            if (!parse.GetValue(recompute) && (parse.GetValue(tenant) is not null || parse.GetValue(from) is not null || parse.GetValue(to) is not null))
            {
                throw new AnalyticsException("--tenant, --from and --to choose what --recompute rebuilds; add --recompute.");
            }
            await using var cluster = await ClusterTopology.OpenAsync(database, ct);
            if (cluster is null)
            {
                return await AggregateAsync(parse, database, ct);
            }
            // A cluster: every shard's own queue (or the one shard of --tenant), one shard after the other.
            AnalyticsDatabase[] shards = parse.GetValue(tenant) is { } only
                ? [await cluster.DatabaseOfTenantAsync(only, ct)]
                : [.. cluster.Shards.Select(cluster.DatabaseOf)];
            var status = 0;
            foreach (var shard in shards)
            {
                Console.Error.WriteLine($"{shard.Target.Display}:");
                status = Math.Max(status, await AggregateAsync(parse, shard, ct));
            }
            return status;
        }, cancellationToken));
        return command;

        async Task<int> AggregateAsync(ParseResult parse, AnalyticsDatabase database, CancellationToken ct)
        {
            using var pools = await WorkloadPools.LoadAsync(database, ct);
            await using var services = new ServiceCollection().AddPenguinAnalytics(database, pools).BuildServiceProvider();
            await new SchemaMigrator(database).EnsureCurrentAsync(ct);
            // One line per committed fold transaction on stderr: progress for long runs.
            var foldProgress = new SynchronousProgress<FoldResult>(f => Console.Error.WriteLine(
                $"folded {f.EventsRead:N0} events ({f.NewEmails:N0} new emails, {f.StillPending:N0} waiting for their email.sent, {f.DeadLettered:N0} dead-lettered)"
                + (f.Queued > 0 ? $"; {f.Queued:N0} queued for the next fold" : "")));
            var aggregator = new Aggregator(database, new AggregationOptions { MaxEventsPerFold = Math.Max(1, parse.GetValue(foldSize)) }, progress: foldProgress);
            var scope = parse.GetValue(recompute)
                ? new RecomputeScope(parse.GetValue(tenant), parse.GetValue(from), parse.GetValue(to))
                : null;
            if (scope is not null)
            {
                // Before the queued work runs: a typo must not cost a whole fold first.
                await aggregator.CheckScopeAsync(scope, ct);
            }
            var jobOptions = new JobOptions { Lease = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(lease))) };
            // Export jobs queued by serve are written here too, into the same folder with the same key.
            var started = DateTime.UtcNow;
            var runners = Enumerable.Range(0, Math.Max(1, parse.GetValue(workers)))
                .Select(_ => services.CreateJobRunner(jobOptions, aggregator).RunUntilIdleAsync(ct));
            var summaries = await Task.WhenAll(runners);
            Console.Out.WriteLine(
                $"jobs: {summaries.Sum(s => s.Succeeded)} succeeded, {summaries.Sum(s => s.Retried)} retried, {summaries.Sum(s => s.Dead)} dead-lettered "
                + $"({(DateTime.UtcNow - started).TotalSeconds:0.00} s)");

            if (scope is not null)
            {
                started = DateTime.UtcNow;
                await aggregator.RecomputeAsync(scope, ct);
                Console.Out.WriteLine($"recomputed {scope} ({(DateTime.UtcNow - started).TotalSeconds:0.00} s)");
            }
            return summaries.Sum(s => s.Dead) == 0 ? 0 : CommandRunner.Failure;
        }
    }
}

/// <summary>An <see cref="IProgress{T}"/> that reports on the caller's thread, in order (<see cref="Progress{T}"/> posts to the thread pool).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
