using PenguinMails.Analytics.Cluster;
using PenguinMails.Analytics.Pools;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Api.Routing;

/// <summary>
/// The service graph a request runs on. On a single node that is the process's one graph. Served
/// from a cluster's coordinator (DESIGN.md, "Scale-out": a shard is a complete PenguinMails
/// database that ingests, folds and serves its own tenants), each shard gets a graph of its own —
/// the same registrations (<see cref="ApiServer"/>) over the shard's database, with its own
/// workers — and a request runs on its tenant's shard's graph (Citus calls these router queries);
/// the admin reading across tenants runs on the cross-tenant graph, over the coordinator's
/// cluster-wide tables. <see cref="Auth.ApiKeys"/> picks the graph once the caller is known.
/// As a hosted service it starts and stops the shards' workers with the process.
/// </summary>
public sealed class ServiceGraphs(ClusterTopology? cluster) : IHostedService, IAsyncDisposable
{
    private Dictionary<string, ServiceProvider> shards = [];
    private ServiceProvider? crossTenant;
    private readonly List<IHostedService> started = [];

    /// <summary>The cluster served, or null on a single node.</summary>
    public ClusterTopology? Cluster => cluster;

    /// <summary>Builds the graphs with <paramref name="build"/> (the database it runs on, whether it is the cross-tenant one → its graph).</summary>
    internal void Attach(Func<AnalyticsDatabase, bool, ServiceProvider> build)
    {
        if (cluster is null)
        {
            return;
        }
        // Built without connecting: a shard that is down fails its own requests, not the start.
        shards = cluster.Shards.ToDictionary(s => s.Name, s => build(cluster.DatabaseOf(s), false), StringComparer.Ordinal);
        crossTenant = build(cluster.CrossTenant, true);
    }

    /// <summary>
    /// The services of a request of <paramref name="tenantId"/> (null: the admin across tenants):
    /// on a single node <paramref name="requestServices"/> itself; on a cluster the tenant's shard's
    /// graph (or the cross-tenant one), falling back to <paramref name="requestServices"/> for the
    /// host's own services (JSON options, problem details, logging). A tenant no shard holds yet
    /// has no rows anywhere: it reads (nothing) on the first shard, under its own tenant context.
    /// </summary>
    public async ValueTask<IServiceProvider> ForTenantAsync(IServiceProvider requestServices, string? tenantId, CancellationToken cancellationToken)
    {
        if (cluster is null)
        {
            return requestServices;
        }
        var graph = tenantId is null
            ? crossTenant!
            : shards[(await cluster.ShardOfTenantAsync(tenantId, cancellationToken) ?? cluster.Shards[0]).Name];
        return new WithFallback(graph, requestServices);
    }

    /// <summary>
    /// The services of the admin's request about the row <paramref name="id"/> of
    /// <paramref name="table"/> (an export, a system event) across tenants: on a cluster the graph of
    /// the shard that holds it (ids are unique cluster-wide), the process's own for the
    /// coordinator's own rows, and the cross-tenant graph when no node has it (the endpoint then
    /// finds nothing: 404).
    /// </summary>
    public async ValueTask<IServiceProvider> ForRowAsync(IServiceProvider requestServices, string table, string id, CancellationToken cancellationToken)
    {
        if (cluster is null)
        {
            return requestServices;
        }
        await using var connection = await cluster.CrossTenant.OpenCrossTenantConnectionAsync(cancellationToken);
        // The table name comes from the endpoint's metadata, never from the request.
        var shard = await connection.ScalarAsync<string>($"SELECT shard FROM {table} WHERE CAST(id AS TEXT) = $1 LIMIT 1", cancellationToken, id);
        return shard switch
        {
            null => new WithFallback(crossTenant!, requestServices),
            ClusterTopology.CoordinatorRows => requestServices,
            _ => OnShard(requestServices, cluster.Shard(shard)),
        };
    }

    /// <summary>The services of a request about a row of <paramref name="shard"/> (a system event, say), as <see cref="ForTenantAsync"/>.</summary>
    public IServiceProvider OnShard(IServiceProvider requestServices, Shard shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        return new WithFallback(shards[shard.Name], requestServices);
    }

    /// <summary>Reads each shard's workload pool settings, then starts every shard's workers (folds, maintenance, audit, pool metrics).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var graph in shards.Values)
        {
            try
            {
                await graph.GetRequiredService<WorkloadPools>().ReloadAsync(cancellationToken);
            }
            catch (DatabaseUnavailableException e)
            {
                // A shard that is down keeps the default pools until its tuner reloads them; its
                // tenants' requests fail with the shard's 503 meanwhile anyway.
                graph.GetRequiredService<ILogger<ServiceGraphs>>().LogWarning("{Shard}: pool settings not read: {Reason}", e.Target.Display, e.Message);
            }
            foreach (var service in graph.GetServices<IHostedService>())
            {
                await service.StartAsync(cancellationToken);
                started.Add(service);
            }
        }
    }

    /// <summary>Stops them, the last started first (each drains as it does in a single node's process).</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        for (var i = started.Count - 1; i >= 0; i--)
        {
            await started[i].StopAsync(cancellationToken);
        }
        started.Clear();
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var graph in shards.Values.Append(crossTenant).OfType<ServiceProvider>())
        {
            await graph.DisposeAsync();
        }
        if (cluster is not null)
        {
            await cluster.DisposeAsync();
        }
    }

    // A graph's own services first, then the request's (the host's) for everything it lacks.
    private sealed class WithFallback(IServiceProvider own, IServiceProvider fallback) : IServiceProvider
    {
        public object? GetService(Type serviceType) => own.GetService(serviceType) ?? fallback.GetService(serviceType);
    }
}
