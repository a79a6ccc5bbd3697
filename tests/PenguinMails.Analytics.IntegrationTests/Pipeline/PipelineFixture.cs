using System.Text;
using PenguinMails.Analytics.Aggregation;
using PenguinMails.Analytics.Cluster;
using PenguinMails.Analytics.Generation;
using PenguinMails.Analytics.Ingestion;
using PenguinMails.Analytics.IntegrationTests.Infrastructure;
using PenguinMails.Analytics.Storage;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.IntegrationTests.Pipeline;

/// <summary>
/// A fresh, migrated database on one engine with the pipeline's parts, for one test; or a fresh
/// cluster of the local test cluster's servers (<see cref="CreateOnClusterAsync"/>), where
/// <see cref="Database"/> is the coordinator and the same calls go where the product sends them.
/// </summary>
public sealed class PipelineFixture : IAsyncDisposable
{
    private PipelineFixture(TestDatabase? testDatabase, AnalyticsDatabase database, ClusterTopology? cluster = null)
    {
        TestDatabase = testDatabase;
        Database = database;
        Cluster = cluster;
        Aggregator = new Aggregator(database);
    }

    /// <summary>The single node's database (null on a cluster).</summary>
    public TestDatabase? TestDatabase { get; }

    /// <summary>The database, or a cluster's coordinator.</summary>
    public AnalyticsDatabase Database { get; }

    /// <summary>The cluster <see cref="Database"/> coordinates, or null on a single node.</summary>
    public ClusterTopology? Cluster { get; }

    /// <summary>The single node's aggregator (a cluster folds each shard: <see cref="FoldAsync"/>).</summary>
    public Aggregator Aggregator { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<PipelineFixture> CreateAsync(StorageEngine engine)
    {
        var testDatabase = await TestDatabase.CreateAsync(engine);
        var database = await testDatabase.OpenAsync();
        await new SchemaMigrator(database).MigrateAsync(Ct);
        return new PipelineFixture(testDatabase, database);
    }

    /// <summary>
    /// A coordinator and two shards (new databases on the local cluster's servers, the shards'
    /// owned by roles that are no superusers), set up as <c>cluster init</c> does.
    /// </summary>
    public static async Task<PipelineFixture> CreateOnClusterAsync()
    {
        var (coordinator, shards) = await TestCluster.CreateDatabasesAsync(shardOwners: true);
        var database = await AnalyticsDatabase.OpenAsync(DatabaseTarget.Postgres(coordinator), Ct);
        await ClusterSetup.InitAsync(database, shards, Ct);
        return new PipelineFixture(null, database, await ClusterTopology.OpenAsync(database, Ct));
    }

    public Task<IngestResult> IngestAsync(string ndjson, int batchLines = 100_000) =>
        IngestAsync(Encoding.UTF8.GetBytes(ndjson), null, batchLines);

    public async Task<IngestResult> IngestAsync(byte[] ndjson, string? tenantId = null, int batchLines = 100_000)
    {
        var options = new IngestOptions { BatchLines = batchLines, TenantId = tenantId };
        if (Cluster is null)
        {
            return await new Ingestor(Database, options).IngestAsync(new MemoryStream(ndjson), null, Ct);
        }
        var result = await new ClusterIngestor(Cluster, options).IngestAsync(new MemoryStream(ndjson), Ct);
        Assert.True(result.Refused.Count == 0, string.Join("; ", result.Refused.Select(r => r.Describe())));
        return new IngestResult(result.Accepted, result.Rejected, result.Errors);
    }

    public Task<IngestResult> IngestAsync(IEnumerable<string> lines, string tenantId) =>
        IngestAsync(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"), tenantId);

    public Task<IngestResult> IngestAsync(IEnumerable<string> lines, int batchLines = 100_000) =>
        IngestAsync(string.Join('\n', lines) + "\n", batchLines);

    /// <summary>Folds the queue (on a cluster: every shard's, summed).</summary>
    public async Task<FoldResult> FoldAsync()
    {
        if (Cluster is null)
        {
            return await Aggregator.FoldAsync(Ct);
        }
        var sum = FoldResult.None;
        foreach (var database in Shards)
        {
            var fold = await new Aggregator(database).FoldAsync(Ct);
            sum = new FoldResult(sum.EventsRead + fold.EventsRead, sum.NewEmails + fold.NewEmails, sum.StillPending + fold.StillPending, sum.DeadLettered + fold.DeadLettered);
        }
        return sum;
    }

    /// <summary>Rebuilds <paramref name="scope"/> from the raw store (on a cluster: on every shard, or its tenant's).</summary>
    public async Task RecomputeAsync(RecomputeScope scope)
    {
        foreach (var database in scope.TenantId is { } tenant ? [await DatabaseOfAsync(tenant)] : Shards)
        {
            await new Aggregator(database).RecomputeAsync(scope, Ct);
        }
    }

    /// <summary>A read across tenants (on a cluster: the coordinator's cluster-wide tables).</summary>
    public async Task<T?> ScalarAsync<T>(string sql, params object?[] parameters)
    {
        await using var connection = await (Cluster?.CrossTenant ?? Database).OpenCrossTenantConnectionAsync(Ct);
        return await connection.ScalarAsync<T>(sql, Ct, parameters);
    }

    /// <summary>
    /// A write behind the product's back, on the database (on a cluster: on every shard, where
    /// the rows of a tenant that lives elsewhere are never read).
    /// </summary>
    public async Task ExecuteAsync(string sql, params object?[] parameters)
    {
        foreach (var database in Shards)
        {
            await using var connection = await database.OpenCrossTenantConnectionAsync(Ct);
            await connection.ExecuteAsync(sql, Ct, parameters);
        }
    }

    /// <summary>A write on the database of <paramref name="tenantId"/> (on a cluster: its shard's only).</summary>
    public async Task ExecuteForTenantAsync(string tenantId, string sql, params object?[] parameters)
    {
        await using var connection = await (await DatabaseOfAsync(tenantId)).OpenCrossTenantConnectionAsync(Ct);
        await connection.ExecuteAsync(sql, Ct, parameters);
    }

    /// <summary>
    /// The database that holds <paramref name="tenantId"/>: the single node, or its shard (a tenant
    /// not placed yet: the first shard, where serve runs its requests).
    /// </summary>
    public async Task<AnalyticsDatabase> DatabaseOfAsync(string tenantId) =>
        Cluster is null ? Database : Cluster.DatabaseOf(await Cluster.ShardOfTenantAsync(tenantId, Ct) ?? Cluster.Shards[0]);

    /// <summary>A read on <paramref name="database"/> itself (a shard's own settings, say).</summary>
    public static async Task<T?> ScalarAsync<T>(AnalyticsDatabase database, string sql, params object?[] parameters)
    {
        await using var connection = await database.OpenCrossTenantConnectionAsync(Ct);
        return await connection.ScalarAsync<T>(sql, Ct, parameters);
    }

    /// <summary>The databases that hold tenant data: the single node, or every shard.</summary>
    private IEnumerable<AnalyticsDatabase> Shards => Cluster is null ? [Database] : Cluster.Shards.Select(Cluster.DatabaseOf);

    /// <summary>A generated workload as lines.</summary>
    public static List<string> Workload(int seed, int tenants, long emails, int days = 40)
    {
        using var stream = new MemoryStream();
        new WorkloadGenerator(new WorkloadOptions
        {
            Seed = seed, Tenants = tenants, Emails = emails, Days = days, End = new DateOnly(2026, 6, 1),
            DuplicateRate = 0.02, OutOfOrderRate = 0.05, LateRate = 0.02,
        }).WriteAsync(stream).GetAwaiter().GetResult();
        return Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
        await Database.DisposeAsync();
        if (TestDatabase is not null)
        {
            await TestDatabase.DisposeAsync();
        }
    }
}
