using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.IntegrationTests.Pipeline;
using PenguinMails.Analytics.Maintenance;
using PenguinMails.Analytics.Pools;
using PenguinMails.Analytics.Security;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.IntegrationTests.Auditing;

/// <summary>Every administrative action writes its admin_audit_logs row, on both engines.</summary>
public abstract class AdminAuditConformanceTests : IAsyncLifetime
{
    private static readonly AdminActor Operator = new("key:ops1", "10.1.2.3", "curl/8.0");

    private PipelineFixture? fixture;

    protected abstract StorageEngine Engine { get; }

    private PipelineFixture Pipeline => fixture!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => fixture = await PipelineFixture.CreateAsync(Engine);

    public async ValueTask DisposeAsync()
    {
        if (fixture is not null)
        {
            await fixture.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    private Task<string?> RowAsync(string action, string columns = "admin_user_id || '|' || resource_id || '|' || tenant_id || '|' || COALESCE(ip_address, '') || '|' || COALESCE(user_agent, '') || '|' || CAST(affected_rows AS TEXT)") =>
        Pipeline.ScalarAsync<string>($"SELECT {columns} FROM admin_audit_logs WHERE action = $1 ORDER BY id DESC LIMIT 1", action);

    [Fact]
    public async Task creating_and_revoking_a_key_is_audited_with_who_and_never_the_secret()
    {
        var store = new ApiKeyStore(Pipeline.Database);
        var (key, token) = await store.CreateAsync("t1", ApiKeyRole.Viewer, "reporting", Operator, Ct);

        Assert.Equal($"key:ops1|{key.Id}|t1|10.1.2.3|curl/8.0|1", await RowAsync("api_key.create"));
        Assert.Matches("\"role\":\\s?\"viewer\"", await RowAsync("api_key.create", "CAST(new_values AS TEXT)"));
        Assert.Equal("restricted|fast", await RowAsync("api_key.create", "data_classification || '|' || COALESCE(performance_category, 'fast')"));

        Assert.True(await store.RevokeAsync(key.Id, Operator, Ct));
        Assert.False(await store.RevokeAsync(key.Id, Operator, Ct)); // already revoked: no second row
        Assert.False(await store.RevokeAsync("nope", Operator, Ct));
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM admin_audit_logs WHERE action = 'api_key.revoke'"));
        Assert.Contains("\"revoked\"", await RowAsync("api_key.revoke", "CAST(old_values AS TEXT) || CAST(new_values AS TEXT)"), StringComparison.Ordinal);

        var secret = token.Split('_', 3)[2];
        Assert.Equal(0L, await Pipeline.ScalarAsync<long>(
            "SELECT COUNT(*) FROM admin_audit_logs WHERE COALESCE(CAST(new_values AS TEXT), '') LIKE $1 OR COALESCE(CAST(old_values AS TEXT), '') LIKE $1", $"%{secret}%"));
    }

    [Fact]
    public async Task a_rate_limit_change_is_audited_with_its_old_and_new_values()
    {
        var settings = new RateLimitSettings(Pipeline.Database);
        Assert.Null(await settings.SetAsync(new RateLimitSettings.RateLimit("t1", "dashboard", 100, 60, true), Operator, Ct));
        var old = await settings.SetAsync(new RateLimitSettings.RateLimit("t1", "dashboard", 250, 60, true), Operator, Ct);

        Assert.Equal(100, old!.MaxQueries);
        Assert.Equal([new RateLimitSettings.RateLimit("t1", "dashboard", 250, 60, true)], await settings.ListAsync("t1", Ct));
        var audit = await RowAsync("rate_limit.set", "CAST(old_values AS TEXT) || ' -> ' || CAST(new_values AS TEXT)");
        Assert.Matches("max_queries\"?:\\s?100.* -> .*max_queries\"?:\\s?250", audit!);
        Assert.Equal(2L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM admin_audit_logs WHERE action = 'rate_limit.set' AND tenant_id = 't1'"));
        var refused = await Assert.ThrowsAsync<AnalyticsException>(() => settings.SetAsync(new RateLimitSettings.RateLimit("t1", "gossip", 1, 60, true), Operator, Ct));
        Assert.Contains("Unknown query type 'gossip'", refused.Message, StringComparison.Ordinal);
        Assert.Equal(2L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM admin_audit_logs WHERE action = 'rate_limit.set'"));
    }

    [Fact]
    public async Task a_maintenance_run_and_a_pool_tuning_are_audited()
    {
        var result = await new Maintainer(Pipeline.Database).RunAsync(new MaintenanceOptions { Actor = AdminActor.CommandLine }, Ct);

        Assert.Equal($"{AdminActor.CommandLine.UserId}|{Engine}|platform||penguin-analytics cli|0", await RowAsync("maintenance.run"));
        Assert.Equal(AdminAuditLog.PerformanceCategory((int)Math.Round(result.Elapsed.TotalMilliseconds)),
            await RowAsync("maintenance.run", "performance_category"));

        var pools = await WorkloadPools.LoadAsync(Pipeline.Database, Ct);
        await Pipeline.ExecuteAsync("INSERT INTO analytics_pool_metrics (pool_type, active_queries, avg_query_duration_ms, query_timeout_count) VALUES ('dashboard_queries', 12, 500, 0)");
        Assert.Single(await PoolTuner.OptimizeAsync(Pipeline.Database, pools, Ct));
        Assert.Equal("system:pool-tuner|dashboard_queries|platform||penguin-analytics|1", await RowAsync("pool.tune"));
        var change = await RowAsync("pool.tune", "CAST(old_values AS TEXT) || ' -> ' || CAST(new_values AS TEXT)");
        Assert.Matches("max_connections\"?:\\s?15.* -> .*max_connections\"?:\\s?18", change!);
    }
}

public sealed class DuckDbAdminAuditTests : AdminAuditConformanceTests
{
    protected override StorageEngine Engine => StorageEngine.DuckDb;
}

public sealed class PostgresAdminAuditTests : AdminAuditConformanceTests
{
    protected override StorageEngine Engine => StorageEngine.Postgres;
}
