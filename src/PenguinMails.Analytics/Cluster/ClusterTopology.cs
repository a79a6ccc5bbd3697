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
    // A request is routed by a placement at most this old; an unknown tenant reads them afresh.
    // A move switches the placement and keeps the old copy at least this long (DESIGN.md, "Scale-out").
    internal static readonly TimeSpan PlacementCacheFor = TimeSpan.FromSeconds(1);

    private readonly Dictionary<string, AnalyticsDatabase> shardDatabases;
    private readonly SemaphoreSlim placing = new(1, 1);
    private (IReadOnlyDictionary<string, Shard> Placements, long Expires) cachedPlacements = (new Dictionary<string, Shard>(), 0);

    private ClusterTopology(AnalyticsDatabase coordinator, AnalyticsDatabase crossTenant, IReadOnlyList<Shard> shards)
    {
        Coordinator = coordinator;
        CrossTenant = crossTenant;
        Shards = shards;
        // Opened without connecting: a shard that is down fails its own work when it is used
        // (DatabaseUnavailableException, naming the shard), never the cluster's opening.
        shardDatabases = shards.ToDictionary(s => s.Name, s => (AnalyticsDatabase)Storage.Postgres.PostgresDatabase.Create(
            DatabaseTarget.Postgres(WithConnectTimeout(s.ConnectionString), $"shard {s.Name}")), StringComparer.Ordinal);
        // A read across tenants that cannot reach a shard names the shard as a routed request does
        // (cross_tenant_view.sql names each foreign server penguin_<shard>).
        if (crossTenant is Storage.Postgres.PostgresDatabase postgres)
        {
            postgres.ForeignServerTargets = shardDatabases.ToDictionary(s => "penguin_" + s.Key, s => s.Value.Target, StringComparer.Ordinal);
        }
    }

    /// <summary>
    /// The <c>shard</c> of the coordinator's own rows in the cluster-wide tables it writes too
    /// (audit logs, system events, the access audit: cross_tenant_view.sql).
    /// </summary>
    public const string CoordinatorRows = "coordinator";

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

    /// <summary>The shard's database (kept for the cluster's lifetime; connecting to it says whether the shard is up).</summary>
    public AnalyticsDatabase DatabaseOf(Shard shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        return shardDatabases[shard.Name];
    }

    /// <summary>The database of the shard that holds <paramref name="tenantId"/>.</summary>
    public async Task<AnalyticsDatabase> DatabaseOfTenantAsync(string tenantId, CancellationToken cancellationToken = default) =>
        await ShardOfTenantAsync(tenantId, cancellationToken) is { } shard
            ? DatabaseOf(shard)
            : throw new AnalyticsException($"Unknown tenant '{tenantId}': no shard of this cluster holds it.");

    /// <summary>
    /// The shard of <paramref name="tenantId"/>, or null when it has none yet, from placements read
    /// at most <see cref="PlacementCacheFor"/> ago (a tenant not among them reads them afresh).
    /// </summary>
    public async Task<Shard?> ShardOfTenantAsync(string tenantId, CancellationToken cancellationToken = default)
    {
        var cached = cachedPlacements;
        if (cached.Expires > Environment.TickCount64 && cached.Placements.TryGetValue(tenantId, out var shard))
        {
            return shard;
        }
        return (await PlacementsAsync(cancellationToken)).GetValueOrDefault(tenantId);
    }

    /// <summary>Every placed tenant and its shard.</summary>
    public async Task<IReadOnlyDictionary<string, Shard>> PlacementsAsync(CancellationToken cancellationToken = default)
    {
        var placements = new Dictionary<string, Shard>(StringComparer.Ordinal);
        await using (var connection = await Coordinator.OpenConnectionAsync(cancellationToken))
        await using (var command = connection.CreateCommand("SELECT tenant_id, shard FROM penguin_topology.placements"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                placements[reader.GetString(0)] = Shard(reader.GetString(1));
            }
        }
        cachedPlacements = (placements, Environment.TickCount64 + (long)PlacementCacheFor.TotalMilliseconds);
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
        foreach (var database in shardDatabases.Values)
        {
            await database.DisposeAsync();
        }
        await CrossTenant.DisposeAsync();
        placing.Dispose();
    }

    // A shard whose server does not answer fails its tenants' requests within seconds, not after
    // Npgsql's default 15 s; a connection string that sets its own timeout keeps it.
    private static string WithConnectTimeout(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Timeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.Timeout = 5;
        }
        return builder.ConnectionString;
    }
}
