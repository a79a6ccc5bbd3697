using PenguinMails.Analytics.Aggregation;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary>
/// The freshness of every read: when the aggregates last changed (<see cref="Aggregator.AsOfAsync"/>:
/// when the transaction of the last fold, recompute, archiving or anonymization began). Events
/// received before it are in the numbers (unless still waiting for their email.sent). Read at
/// most every half second, however many requests ask. Across a cluster's tenants the reads'
/// <c>as_of</c> is the latest of the shards' (each shard folds on its own; a tenant's reads take
/// its shard's).
/// </summary>
public sealed class AsOf(Func<CancellationToken, Task<AsOf.Reading>> read)
{
    /// <summary>
    /// One reading: <see cref="Value"/> is the <c>as_of</c> a response shows, <see cref="Version"/>
    /// what response caches key on. They differ across shards: a shard's <c>as_of</c> is when its
    /// fold began, so a fold that began first can commit last and leave the latest unchanged; the
    /// version names every shard's, so any commit moves it.
    /// </summary>
    public readonly record struct Reading(DateTime? Value, string Version);

    public AsOf(AnalyticsDatabase database)
        : this(async cancellationToken => Of([await Aggregator.AsOfAsync(database, cancellationToken)]))
    {
    }

    /// <summary>The reading of <paramref name="databases"/> (a cluster's shards) together.</summary>
    public static AsOf AcrossShards(IReadOnlyList<AnalyticsDatabase> databases) => new(async cancellationToken =>
    {
        var values = new DateTime?[databases.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = await Aggregator.AsOfAsync(databases[i], cancellationToken);
        }
        return Of(values);
    });

    private static Reading Of(DateTime?[] values) =>
        new(values.Max(), string.Join(',', values.Select(v => v?.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture))));

    private static readonly TimeSpan CacheFor = TimeSpan.FromMilliseconds(500);

    private (Reading Value, long Expires) cached = (default, 0);
    private Task<Reading>? refreshing;

    public async Task<Reading> ReadAsync(CancellationToken cancellationToken)
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

    private async Task<Reading> RefreshAsync()
    {
        var reading = await read(CancellationToken.None);
        cached = (reading, Environment.TickCount64 + (long)CacheFor.TotalMilliseconds);
        return reading;
    }
}
