using System.Text;
using PenguinMails.Analytics.Aggregation;
using PenguinMails.Analytics.Generation;
using PenguinMails.Analytics.Ingestion;
using PenguinMails.Analytics.IntegrationTests.Infrastructure;
using PenguinMails.Analytics.Storage;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.IntegrationTests.Pipeline;

/// <summary>A fresh, migrated database on one engine with the pipeline's parts, for one test.</summary>
public sealed class PipelineFixture : IAsyncDisposable
{
    private PipelineFixture(TestDatabase testDatabase, AnalyticsDatabase database)
    {
        TestDatabase = testDatabase;
        Database = database;
        Aggregator = new Aggregator(database);
    }

    public TestDatabase TestDatabase { get; }

    public AnalyticsDatabase Database { get; }

    public Aggregator Aggregator { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<PipelineFixture> CreateAsync(StorageEngine engine)
    {
        var testDatabase = await TestDatabase.CreateAsync(engine);
        var database = await testDatabase.OpenAsync();
        await new SchemaMigrator(database).MigrateAsync(Ct);
        return new PipelineFixture(testDatabase, database);
    }

    public Task<IngestResult> IngestAsync(string ndjson, int batchLines = 100_000) =>
        new Ingestor(Database, new IngestOptions { BatchLines = batchLines })
            .IngestAsync(new MemoryStream(Encoding.UTF8.GetBytes(ndjson)), null, Ct);

    public Task<IngestResult> IngestAsync(byte[] ndjson, string? tenantId = null, int batchLines = 100_000) =>
        new Ingestor(Database, new IngestOptions { BatchLines = batchLines, TenantId = tenantId })
            .IngestAsync(new MemoryStream(ndjson), null, Ct);

    public Task<IngestResult> IngestAsync(IEnumerable<string> lines, string tenantId) =>
        IngestAsync(Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"), tenantId);

    public Task<IngestResult> IngestAsync(IEnumerable<string> lines, int batchLines = 100_000) =>
        IngestAsync(string.Join('\n', lines) + "\n", batchLines);

    public Task<FoldResult> FoldAsync() => Aggregator.FoldAsync(Ct);

    public async Task<T?> ScalarAsync<T>(string sql, params object?[] parameters)
    {
        await using var connection = await Database.OpenCrossTenantConnectionAsync(Ct);
        return await connection.ScalarAsync<T>(sql, Ct, parameters);
    }

    public async Task ExecuteAsync(string sql, params object?[] parameters)
    {
        await using var connection = await Database.OpenCrossTenantConnectionAsync(Ct);
        await connection.ExecuteAsync(sql, Ct, parameters);
    }

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
        await Database.DisposeAsync();
        await TestDatabase.DisposeAsync();
    }
}
