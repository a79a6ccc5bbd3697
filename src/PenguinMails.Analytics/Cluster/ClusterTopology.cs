using System.Collections.Concurrent;
using Npgsql;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Cluster;

/// <summary>
/// A cluster seen from its coordinator (DESIGN.md, "Scale-out"): the shards, the placement of
/// each tenant, a database per shard for the tenant's own reads and writes, and <see cref="CrossTenant"/>,
/// the coordinator with the cluster-wide tables (<c>penguin_cluster</c>) first on its search path,
/// for the admin's reads across tenants and for <c>sql</c>.
/// </summary>
public sealed class ClusterTopology : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<Task<AnalyticsDatabase>>> shardDatabases = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim placing = new(1, 1);

    private ClusterTopology(AnalyticsDatabase coordinator, AnalyticsDatabase crossTenant, IReadOnlyList<Shard> shards)
    {
        Coordinator = coordinator;
        CrossTenant = crossTenant;
        Shards = shards;
    }

    /// <summary>The coordinator database as opened (its own tables: topology, keys).</summary>
    public AnalyticsDatabase Coordinator { get; }

    /// <summary>The coordinator where the usual table names are the cluster-wide tables over every shard.</summary>
    public AnalyticsDatabase CrossTenant { get; }

    /// <summary>The shards, by ordinal.</summary>
    public IReadOnlyList<Shard> Shards { get; }

    /// <summary>Whether <paramref name="database"/> is a cluster's coordinator (it has the topology tables).</summary>
    public static async Task<bool> IsCoordinatorAsync(AnalyticsDatabase database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (database.Engine != StorageEngine.Postgres)
        {
            return false;
        }
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await connection.ScalarAsync<bool>("SELECT to_regclass('penguin_topology.shards') IS NOT NULL", cancellationToken);
    }

    /// <summary>The cluster <paramref name="coordinator"/> coordinates, or null when it is a single node.</summary>
    public static async Task<ClusterTopology?> OpenAsync(AnalyticsDatabase coordinator, CancellationToken cancellationToken = default)
    {
        if (!await IsCoordinatorAsync(coordinator, cancellationToken))
        {
            return null;
        }
        var shards = new List<Shard>();
        await using (var connection = await coordinator.OpenConnectionAsync(cancellationToken))
        await using (var command = connection.CreateCommand("SELECT name, ordinal, connection_string FROM penguin_topology.shards ORDER BY ordinal"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                shards.Add(new Shard(reader.GetString(0), reader.GetInt32(1), reader.GetString(2)));
            }
        }
        // The cluster-wide tables shadow the coordinator's own (empty) ones, and a GROUP BY on the
        // partition key `shard` is aggregated on the shards.
        var builder = new NpgsqlConnectionStringBuilder(coordinator.Target.ConnectionString)
        {
            SearchPath = "penguin_cluster,public",
            Options = "-c enable_partitionwise_aggregate=on -c enable_partitionwise_join=on",
        };
        var crossTenant = await AnalyticsDatabase.OpenAsync(DatabaseTarget.Postgres(builder.ConnectionString), cancellationToken);
        return new ClusterTopology(coordinator, crossTenant, shards);
    }

    /// <summary>The shard named <paramref name="name"/>.</summary>
    public Shard Shard(string name) =>
        Shards.FirstOrDefault(s => s.Name == name)
        ?? throw new AnalyticsException($"No shard '{name}' in this cluster (cluster status lists them).");

    /// <summary>The shard's database (opened once, kept for the cluster's lifetime).</summary>
    public async Task<AnalyticsDatabase> DatabaseOfAsync(Shard shard, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(shard);
        var lazy = shardDatabases.GetOrAdd(shard.Name, _ => new Lazy<Task<AnalyticsDatabase>>(() => OpenShardAsync(shard)));
        try
        {
            return await lazy.Value.WaitAsync(cancellationToken);
        }
        catch
        {
            shardDatabases.TryRemove(shard.Name, out _); // a shard that was down is tried again next time
            throw;
        }
    }

    /// <summary>The database of the shard that holds <paramref name="tenantId"/>.</summary>
    public async Task<AnalyticsDatabase> DatabaseOfTenantAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var placements = await PlacementsAsync(cancellationToken);
        if (!placements.TryGetValue(tenantId, out var shard))
        {
            throw new AnalyticsException($"Unknown tenant '{tenantId}': no shard of this cluster holds it.");
        }
        return await DatabaseOfAsync(shard, cancellationToken);
    }

    /// <summary>Every placed tenant and its shard.</summary>
    public async Task<IReadOnlyDictionary<string, Shard>> PlacementsAsync(CancellationToken cancellationToken = default)
    {
        var placements = new Dictionary<string, Shard>(StringComparer.Ordinal);
        await using var connection = await Coordinator.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand("SELECT tenant_id, shard FROM penguin_topology.placements");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            placements[reader.GetString(0)] = Shard(reader.GetString(1));
        }
        return placements;
    }

    /// <summary>
    /// Places the tenants of <paramref name="tenantIds"/> that have no shard yet, each on the
    /// least-loaded reachable shard (fewest tenants, then fewest emails), and returns every
    /// placement. The placement is written before any of the tenant's rows.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, Shard>> PlaceAsync(IEnumerable<string> tenantIds, CancellationToken cancellationToken = default)
    {
        await placing.WaitAsync(cancellationToken);
        try
        {
            var placements = await PlacementsAsync(cancellationToken);
            var unplaced = tenantIds.Where(id => !placements.ContainsKey(id)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (unplaced.Count == 0)
            {
                return placements;
            }
            var loads = new List<ShardLoad>();
            foreach (var shard in Shards)
            {
                if (await ShardLoad.TryMeasureAsync(this, shard, placements.Values.Count(s => s.Name == shard.Name), cancellationToken) is { } load)
                {
                    loads.Add(load);
                }
            }
            if (loads.Count == 0)
            {
                throw new AnalyticsException("No shard of this cluster is reachable: new tenants cannot be placed.");
            }
            await using (var connection = await Coordinator.OpenConnectionAsync(cancellationToken))
            {
                foreach (var tenant in unplaced)
                {
                    var target = loads.OrderBy(l => l.Tenants).ThenBy(l => l.Emails).ThenBy(l => l.Shard.Ordinal).First();
                    await connection.ExecuteAsync(
                        "INSERT INTO penguin_topology.placements (tenant_id, shard) VALUES ($1, $2) ON CONFLICT (tenant_id) DO NOTHING",
                        cancellationToken, tenant, target.Shard.Name);
                    target.Tenants++;
                }
            }
            // Read back: another process may have placed one of them first, and its row wins.
            return await PlacementsAsync(cancellationToken);
        }
        finally
        {
            placing.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var lazy in shardDatabases.Values)
        {
            if (lazy.IsValueCreated && lazy.Value.IsCompletedSuccessfully)
            {
                await lazy.Value.Result.DisposeAsync();
            }
        }
        await CrossTenant.DisposeAsync();
        placing.Dispose();
    }

    private static async Task<AnalyticsDatabase> OpenShardAsync(Shard shard)
    {
        try
        {
            return await AnalyticsDatabase.OpenAsync(DatabaseTarget.Postgres(shard.ConnectionString));
        }
        catch (AnalyticsException e)
        {
            throw new ShardUnavailableException(shard, e);
        }
    }
}
