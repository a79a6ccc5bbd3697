using PenguinMails.Analytics.Aggregation;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary>
/// The freshness of every read: when the aggregates last changed (<see cref="Aggregator.AsOfAsync"/>:
/// a fold committed, or a recompute, archiving or anonymization). Events received before the fold began are in the
/// numbers (unless still waiting for their email.sent). Read at most every half second, however
/// many requests ask. Across a cluster's tenants it is the latest of the shards' (each shard folds
/// on its own; a tenant's reads take its shard's).
/// </summary>
public sealed class AsOf(Func<CancellationToken, Task<DateTime?>> read)
{
    public AsOf(AnalyticsDatabase database)
        : this(cancellationToken => Aggregator.AsOfAsync(database, cancellationToken))
    {
    }

    /// <summary>The latest change of any of <paramref name="databases"/> (a cluster's shards).</summary>
    public static AsOf Latest(IReadOnlyList<AnalyticsDatabase> databases) => new(async cancellationToken =>
    {
        DateTime? latest = null;
        foreach (var database in databases)
        {
            if (await Aggregator.AsOfAsync(database, cancellationToken) is { } value && (latest is null || value > latest))
            {
                latest = value;
            }
        }
        return latest;
    });

    private static readonly TimeSpan CacheFor = TimeSpan.FromMilliseconds(500);

    private (DateTime? Value, long Expires) cached = (null, 0);
    private Task<DateTime?>? refreshing;

    public async Task<DateTime?> ReadAsync(CancellationToken cancellationToken)
    {
        var current = cached;
        if (current.Expires > Environment.TickCount64)
        {
            return current.Value;
        }
        // One refresh at a time: the requests that find the value expired share it.
        var task = Volatile.Read(ref refreshing);
        if (task is null || task.IsCompleted)
        {
            var mine = RefreshAsync();
            task = Interlocked.CompareExchange(ref refreshing, mine, task) == task ? mine : Volatile.Read(ref refreshing)!;
        }
        return await task.WaitAsync(cancellationToken);
    }

    private async Task<DateTime?> RefreshAsync()
    {
        var utc = await read(CancellationToken.None);
        cached = (utc, Environment.TickCount64 + (long)CacheFor.TotalMilliseconds);
        return utc;
    }
}
