using System.Collections.Concurrent;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Pools;

/// <summary>
/// The guide's workload pools, read from <c>analytics_connection_pools</c>: each request class gets
/// its own connection limit, acquire timeout and statement timeout, so that an export cannot
/// starve the dashboards. <see cref="ReloadAsync"/> picks up changes (the tuner's, or an admin's):
/// new leases use the new limits, leases in flight finish under the old ones.
/// </summary>
public sealed class WorkloadPools(AnalyticsDatabase database) : IDisposable
{
    private readonly ConcurrentDictionary<string, WorkloadPool> pools = new(StringComparer.Ordinal);
    private readonly List<WorkloadPool> retired = [];

    public IReadOnlyCollection<WorkloadPool> All => pools.Values.ToList();

    /// <summary>The pool of a workload class (a default one if the table has no active row for it).</summary>
    public WorkloadPool this[string poolType] =>
        pools.GetOrAdd(poolType, type => new WorkloadPool(type, 10, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(30)));

    public static async Task<WorkloadPools> LoadAsync(AnalyticsDatabase database, CancellationToken cancellationToken = default)
    {
        var pools = new WorkloadPools(database);
        await pools.ReloadAsync(cancellationToken);
        return pools;
    }

    /// <summary>Re-reads the pool table; returns the pools whose settings changed.</summary>
    public async Task<IReadOnlyList<string>> ReloadAsync(CancellationToken cancellationToken = default)
    {
        var changed = new List<string>();
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand(
            "SELECT pool_type, max_connections, COALESCE(acquire_timeout_seconds, connection_timeout_seconds, 60), COALESCE(query_timeout_seconds, 30) "
            + "FROM analytics_connection_pools WHERE is_active");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var fresh = new WorkloadPool(reader.GetString(0), reader.GetInt32(1), TimeSpan.FromSeconds(reader.GetInt32(2)), TimeSpan.FromSeconds(reader.GetInt32(3)));
            if (pools.TryGetValue(fresh.Type, out var current)
                && current.MaxConnections == fresh.MaxConnections && current.AcquireTimeout == fresh.AcquireTimeout && current.QueryTimeout == fresh.QueryTimeout)
            {
                fresh.Dispose();
                continue;
            }
            if (current is not null)
            {
                retired.Add(current); // its leases in flight still release into it
            }
            pools[fresh.Type] = fresh;
            changed.Add(fresh.Type);
        }
        return changed;
    }

    public void Dispose()
    {
        foreach (var pool in pools.Values.Concat(retired))
        {
            pool.Dispose();
        }
    }
}
