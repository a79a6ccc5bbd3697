using Npgsql;
using PenguinMails.Analytics.IntegrationTests.Infrastructure;
using PenguinMails.Analytics.Storage;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.IntegrationTests.Storage;

/// <summary>What only PostgreSQL has: the guide's indexes, monthly partitions, the materialized view.</summary>
public sealed class PostgresSchemaTests : IAsyncLifetime
{
    private static readonly string[] GuideIndexes =
    [
        "idx_admin_audit_action", "idx_admin_audit_admin_user", "idx_admin_audit_analytics", "idx_admin_audit_classification",
        "idx_admin_audit_complexity", "idx_admin_audit_compliance", "idx_admin_audit_performance", "idx_admin_audit_resource",
        "idx_admin_audit_tenant", "idx_admin_audit_timestamp", "idx_admin_system_events_active_sessions",
        "idx_admin_system_events_admin_user", "idx_admin_system_events_session_token", "idx_admin_system_events_severity",
        "idx_admin_system_events_tenant", "idx_admin_system_events_timestamp", "idx_admin_system_events_type",
        "idx_admin_system_events_unresolved", "idx_analytics_access_tenant", "idx_analytics_access_user",
        "idx_analytics_rate_limits_tenant", "idx_billing_analytics_period", "idx_billing_analytics_subscription",
        "idx_billing_analytics_tenant", "idx_billing_analytics_tenant_period", "idx_campaign_analytics_billing",
        "idx_campaign_analytics_campaign", "idx_campaign_analytics_company", "idx_campaign_analytics_status",
        "idx_campaign_performance_company", "idx_campaign_performance_status", "idx_campaign_performance_updated",
        "idx_lead_analytics_billing", "idx_lead_analytics_campaign", "idx_lead_analytics_lead", "idx_lead_analytics_status",
        "idx_mailbox_analytics_billing", "idx_mailbox_analytics_company", "idx_mailbox_analytics_health",
        "idx_mailbox_analytics_mailbox", "idx_mailbox_analytics_warmup", "idx_sequence_step_analytics_billing",
        "idx_sequence_step_analytics_campaign", "idx_sequence_step_analytics_company", "idx_sequence_step_analytics_step",
        "idx_warmup_analytics_billing", "idx_warmup_analytics_company", "idx_warmup_analytics_health",
        "idx_warmup_analytics_mailbox", "idx_warmup_analytics_progress",
    ];

    private TestDatabase? testDatabase;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        testDatabase = await TestDatabase.CreateAsync(StorageEngine.Postgres);
        await using var database = await testDatabase.OpenAsync();
        await new SchemaMigrator(database).MigrateAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (testDatabase is not null)
        {
            await testDatabase.DisposeAsync();
        }
    }

    private async Task<NpgsqlConnection> OwnerAsync()
    {
        var connection = new NpgsqlConnection(TestPostgres.WithAdminContext(testDatabase!.ConnectionString));
        await connection.OpenAsync(Ct);
        return connection;
    }

    [Fact]
    public async Task every_index_of_the_guide_exists()
    {
        await using var connection = await OwnerAsync();
        var indexes = new HashSet<string>(StringComparer.Ordinal);
        await using (var reader = await connection.CreateCommand("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()").ExecuteReaderAsync(Ct))
        {
            while (await reader.ReadAsync(Ct))
            {
                indexes.Add(reader.GetString(0));
            }
        }

        var missing = GuideIndexes.Where(i => !indexes.Contains(i)).ToList();
        Assert.True(missing.Count == 0, $"missing the guide's indexes: {string.Join(", ", missing)}");
    }

    [Fact]
    public async Task the_raw_store_and_billing_are_partitioned_by_month_with_three_months_ahead()
    {
        await using var connection = await OwnerAsync();
        var month = new DateOnly(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1);

        foreach (var parent in new[] { "emails", "billing_analytics" })
        {
            Assert.Equal(1L, await connection.ScalarAsync<long>(
                "SELECT count(*) FROM pg_partitioned_table WHERE partrelid = $1::regclass AND partstrat = 'r'", Ct, parent));
            for (var ahead = 0; ahead <= 3; ahead++)
            {
                var name = $"{parent}_{month.AddMonths(ahead):yyyy_MM}";
                Assert.Equal(1L, await connection.ScalarAsync<long>(
                    "SELECT count(*) FROM pg_inherits WHERE inhparent = $1::regclass AND inhrelid = to_regclass($2)", Ct, parent, name));
            }
        }
    }

    [Fact]
    public async Task creating_a_partition_moves_its_rows_out_of_the_default_partition()
    {
        await using var connection = await OwnerAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO billing_analytics (tenant_id, period_start, period_end, emails_sent) VALUES
              ('t1', '2019-03-05 00:00:00+00', '2019-04-05 00:00:00+00', 11),
              ('t2', '2019-03-20 00:00:00+00', '2019-04-20 00:00:00+00', 13)
            """, Ct);
        Assert.Equal(2L, await connection.ScalarAsync<long>("SELECT count(*) FROM billing_analytics_default", Ct));

        var created = await connection.ScalarAsync<int>("SELECT penguin_ensure_month_partitions('billing_analytics', DATE '2019-03-01', DATE '2019-03-31')", Ct);

        Assert.Equal(1, created);
        Assert.Equal(0L, await connection.ScalarAsync<long>("SELECT count(*) FROM billing_analytics_default", Ct));
        Assert.Equal(24L, await connection.ScalarAsync<long>("SELECT sum(emails_sent) FROM billing_analytics_2019_03", Ct));
        Assert.Equal(24L, await connection.ScalarAsync<long>("SELECT sum(emails_sent) FROM billing_analytics", Ct));
        Assert.Equal(0, await connection.ScalarAsync<int>("SELECT penguin_ensure_month_partitions('billing_analytics', DATE '2019-03-01', DATE '2019-03-31')", Ct));
    }

    [Fact]
    public async Task the_materialized_view_refreshes_concurrently_with_the_guides_rates()
    {
        await using var connection = await OwnerAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO campaigns (id, company_id, name, status, started_at, completed_at)
              VALUES ('c1', 'co1', 'Launch', 'active', '2026-01-01 00:00:00+00', '2026-01-01 12:00:00+00');
            INSERT INTO campaign_analytics (campaign_id, company_id, billing_id, sent, delivered, opened_tracked, replied, bounced)
              VALUES ('c1', 'co1', 1, 200, 150, 50, 3, 4);
            """, Ct);

        await connection.ExecuteAsync("REFRESH MATERIALIZED VIEW CONCURRENTLY campaign_performance_summary", Ct);

        await using var reader = await connection.CreateCommand(
            "SELECT campaign_name, delivery_rate, open_rate, reply_rate, bounce_rate, click_rate, campaign_duration_hours FROM campaign_performance_summary").ExecuteReaderAsync(Ct);
        Assert.True(await reader.ReadAsync(Ct));
        Assert.Equal("Launch", reader.GetString(0));
        Assert.Equal(75.00m, reader.GetDecimal(1));
        Assert.Equal(33.33m, reader.GetDecimal(2));
        Assert.Equal(2.00m, reader.GetDecimal(3));
        Assert.Equal(2.00m, reader.GetDecimal(4));
        Assert.Equal(0.00m, reader.GetDecimal(5));
        Assert.Equal(12.0, reader.GetDouble(6)); // DOUBLE PRECISION, as on DuckDB (005)
    }

    [Fact]
    public async Task concurrent_migrators_apply_each_version_once()
    {
        // A second, empty database migrated by three processes' worth of migrators at once.
        await using var fresh = await TestDatabase.CreateAsync(StorageEngine.Postgres);
        var databases = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => fresh.OpenAsync()));
        try
        {
            var results = await Task.WhenAll(databases.Select(d => new SchemaMigrator(d).MigrateAsync(Ct)));

            var latest = new SchemaMigrator(databases[0]).LatestVersion;
            Assert.Equal(new SchemaMigrator(databases[0]).Migrations.Count, results.Sum(r => r.Applied.Count));
            await using var connection = await databases[0].OpenConnectionAsync(Ct);
            Assert.Equal(latest, await connection.ScalarAsync<long>("SELECT count(*) FROM analytics_schema_migrations", Ct));
            Assert.Equal(4L, await connection.ScalarAsync<long>("SELECT count(*) FROM analytics_connection_pools", Ct));
        }
        finally
        {
            foreach (var database in databases)
            {
                await database.DisposeAsync();
            }
        }
    }
}
