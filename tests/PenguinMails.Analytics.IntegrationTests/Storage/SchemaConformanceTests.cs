using System.Data.Common;
using PenguinMails.Analytics.IntegrationTests.Infrastructure;
using PenguinMails.Analytics.Storage;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.IntegrationTests.Storage;

/// <summary>
/// The same schema tests on both engines (a conformance suite), so the engines cannot drift apart.
/// Every test starts from a fresh, empty database.
/// </summary>
public abstract class SchemaConformanceTests : IAsyncLifetime
{
    private TestDatabase? testDatabase;

    protected abstract StorageEngine Engine { get; }

    protected TestDatabase TestDatabase => testDatabase ?? throw new InvalidOperationException("not initialized");

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => testDatabase = await TestDatabase.CreateAsync(Engine);

    public async ValueTask DisposeAsync()
    {
        if (testDatabase is not null)
        {
            await testDatabase.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task fresh_migrate_applies_every_version_and_records_it()
    {
        await using var database = await TestDatabase.OpenAsync();
        var migrator = new SchemaMigrator(database);

        var result = await migrator.MigrateAsync(Ct);

        Assert.Equal(0, result.PreviousVersion);
        Assert.Equal(migrator.LatestVersion, result.CurrentVersion);
        Assert.Equal(migrator.Migrations.Select(m => m.Version), result.Applied.Select(m => m.Version));
        Assert.Equal(migrator.LatestVersion, await migrator.GetCurrentVersionAsync(Ct));
        await migrator.EnsureCurrentAsync(Ct);
    }

    [Fact]
    public async Task second_migrate_is_a_no_op()
    {
        await using var database = await TestDatabase.OpenAsync();
        var migrator = new SchemaMigrator(database);
        await migrator.MigrateAsync(Ct);
        var before = await SnapshotAsync(database);

        var again = await migrator.MigrateAsync(Ct);

        Assert.Empty(again.Applied);
        Assert.Equal(again.PreviousVersion, again.CurrentVersion);
        Assert.Equal(before, await SnapshotAsync(database));
    }

    [Fact]
    public async Task an_unmigrated_database_is_reported_with_what_to_run()
    {
        await using var database = await TestDatabase.OpenAsync();
        var migrator = new SchemaMigrator(database);

        Assert.Null(await migrator.GetCurrentVersionAsync(Ct));
        var error = await Assert.ThrowsAsync<AnalyticsException>(() => migrator.EnsureCurrentAsync(Ct));
        Assert.Contains("penguin-analytics migrate", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task every_table_and_column_of_the_guide_exists()
    {
        await using var database = await MigratedAsync();
        await using var connection = await database.OpenCrossTenantConnectionAsync(Ct);

        foreach (var (table, columns) in GuideSchema.Tables)
        {
            var actual = await ColumnsAsync(connection, table);
            var missing = columns.Except(actual).ToList();
            Assert.True(missing.Count == 0, $"{table} lacks the guide's columns: {string.Join(", ", missing)}");
        }
        foreach (var table in GuideSchema.DesignTables)
        {
            Assert.NotEmpty(await ColumnsAsync(connection, table));
        }
        // The compatibility view keeps the guide's singular name working.
        Assert.Equal(GuideSchema.Tables["admin_audit_logs"], (await ColumnsAsync(connection, "admin_audit_log")).Take(GuideSchema.Tables["admin_audit_logs"].Length));
    }

    [Fact]
    public async Task warmup_analytics_has_a_snapshot_date_for_its_daily_grain()
    {
        await using var database = await MigratedAsync();
        await using var connection = await database.OpenCrossTenantConnectionAsync(Ct);

        Assert.Contains("snapshot_date", await ColumnsAsync(connection, "warmup_analytics"));
    }

    [Fact]
    public async Task connection_pools_are_seeded_with_the_guides_four_rows()
    {
        await using var database = await MigratedAsync();
        await using var connection = await database.OpenCrossTenantConnectionAsync(Ct);
        await using var command = connection.CreateCommand(
            """
            SELECT pool_type, min_connections, max_connections, connection_timeout_seconds,
                   query_timeout_seconds, enable_parallel_queries, max_parallel_workers, is_active
            FROM analytics_connection_pools ORDER BY pool_type
            """);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<(string, int, int, int, int, bool, int)>();
        while (await reader.ReadAsync(Ct))
        {
            Assert.True(reader.GetBoolean(7));
            rows.Add((reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetBoolean(5), reader.GetInt32(6)));
        }

        Assert.Equal(GuideSchema.Pools.OrderBy(p => p.Pool, StringComparer.Ordinal).ToList(), rows);
    }

    [Fact]
    public async Task a_database_with_a_newer_schema_is_refused()
    {
        await using var database = await MigratedAsync();
        var migrator = new SchemaMigrator(database);
        await using (var connection = await database.OpenCrossTenantConnectionAsync(Ct))
        {
            await connection.ExecuteAsync("INSERT INTO analytics_schema_migrations (version, name) VALUES (999, 'from_the_future')", Ct);
        }

        var migrate = await Assert.ThrowsAsync<SchemaTooNewException>(() => migrator.MigrateAsync(Ct));
        var ensure = await Assert.ThrowsAsync<SchemaTooNewException>(() => migrator.EnsureCurrentAsync(Ct));

        Assert.Equal(999, migrate.DatabaseVersion);
        Assert.Contains("newer than this program", migrate.Message, StringComparison.Ordinal);
        Assert.Equal(migrate.Message, ensure.Message);
    }

    [Fact]
    public async Task billing_periods_are_unique_per_tenant()
    {
        await using var database = await MigratedAsync();
        await using var connection = await database.OpenCrossTenantConnectionAsync(Ct);
        const string insert = "INSERT INTO billing_analytics (tenant_id, period_start, period_end, emails_sent) "
            + "VALUES ('t1', TIMESTAMPTZ '2026-01-01 00:00:00+00', TIMESTAMPTZ '2026-02-01 00:00:00+00', $1)";
        await connection.ExecuteAsync(insert, Ct, 1);

        await Assert.ThrowsAnyAsync<DbException>(() => connection.ExecuteAsync(insert, Ct, 9));
        Assert.Equal(1L, await connection.ScalarAsync<long>("SELECT count(*) FROM billing_analytics", Ct));
    }

    protected async Task<AnalyticsDatabase> MigratedAsync()
    {
        var database = await TestDatabase.OpenAsync();
        await new SchemaMigrator(database).MigrateAsync(Ct);
        return database;
    }

    /// <summary>Column names of a table, view or materialized view, read from an empty result.</summary>
    protected static async Task<List<string>> ColumnsAsync(DbConnection connection, string table)
    {
        await using var command = connection.CreateCommand($"SELECT * FROM {table} LIMIT 0");
        await using var reader = await command.ExecuteReaderAsync(Ct);
        return Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
    }

    // The schema version plus the row count of every table the seed writes: equal before and after a no-op.
    [Fact]
    public async Task penguin_kind_names_the_stored_event_kinds_as_the_code_does()
    {
        await using var database = await TestDatabase.OpenAsync();
        await new SchemaMigrator(database).MigrateAsync(Ct);
        await using var connection = await database.OpenCrossTenantConnectionAsync(Ct);
        var contract = new Dictionary<string, Ingestion.EmailEventKind>
        {
            ["email.sent"] = Ingestion.EmailEventKind.Sent, ["email.delivered"] = Ingestion.EmailEventKind.Delivered,
            ["email.opened"] = Ingestion.EmailEventKind.Opened, ["email.clicked"] = Ingestion.EmailEventKind.Clicked,
            ["email.replied"] = Ingestion.EmailEventKind.Replied, ["email.bounced"] = Ingestion.EmailEventKind.Bounced,
            ["email.unsubscribed"] = Ingestion.EmailEventKind.Unsubscribed, ["email.spam_complaint"] = Ingestion.EmailEventKind.SpamComplaint,
            ["mailbox.health"] = Ingestion.EmailEventKind.MailboxHealth, ["email.reply_categorized"] = Ingestion.EmailEventKind.ReplyCategorized,
        };
        Assert.Equal(Enum.GetValues<Ingestion.EmailEventKind>().Length, contract.Count);

        foreach (var (type, kind) in contract)
        {
            Assert.Equal((short)kind, await connection.ScalarAsync<short>("SELECT penguin_kind(CAST($1 AS TEXT))", Ct, type));
            Assert.Equal(type, await connection.ScalarAsync<string>("SELECT penguin_event_type(penguin_kind(CAST($1 AS TEXT)))", Ct, type));
        }
        Assert.Null(await connection.ScalarAsync<short?>("SELECT penguin_kind('email.nosuch')", Ct));
    }

    private static async Task<string> SnapshotAsync(AnalyticsDatabase database)
    {
        await using var connection = await database.OpenCrossTenantConnectionAsync(Ct);
        var version = await connection.ScalarAsync<long>("SELECT count(*) FROM analytics_schema_migrations", Ct);
        var pools = await connection.ScalarAsync<long>("SELECT count(*) FROM analytics_connection_pools", Ct);
        var tables = await connection.ScalarAsync<long>("SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()", Ct);
        return $"versions={version} pools={pools} tables={tables}";
    }
}

public sealed class DuckDbSchemaConformanceTests : SchemaConformanceTests
{
    protected override StorageEngine Engine => StorageEngine.DuckDb;
}

public sealed class PostgresSchemaConformanceTests : SchemaConformanceTests
{
    protected override StorageEngine Engine => StorageEngine.Postgres;

    // On PostgreSQL the guide's unique keys are constraints. DuckDB keeps these tables without
    // ART indexes (see its schema file): there the aggregator, the only writer, keeps keys unique,
    // which the pipeline's recompute-equals-incremental tests check row for row.
        public static TheoryData<string, string, string> UniqueKeys => new()
        {
            { "campaign_analytics", "INSERT INTO campaign_analytics (campaign_id, company_id, billing_id, sent) VALUES ('c1', 'co1', 7, $1)", "campaign_id, billing_id" },
            { "sequence_step_analytics", "INSERT INTO sequence_step_analytics (step_id, campaign_id, company_id, billing_id, sent) VALUES ('s1', 'c1', 'co1', 7, $1)", "step_id, billing_id" },
            { "mailbox_analytics", "INSERT INTO mailbox_analytics (mailbox_id, company_id, billing_id, sent) VALUES ('m1', 'co1', 7, $1)", "mailbox_id, billing_id" },
            { "lead_analytics", "INSERT INTO lead_analytics (lead_id, campaign_id, company_id, billing_id, sent) VALUES ('l1', 'c1', 'co1', 7, $1)", "lead_id, campaign_id, billing_id" },
            { "warmup_analytics", "INSERT INTO warmup_analytics (mailbox_id, company_id, snapshot_date, billing_id, sent) VALUES ('m1', 'co1', DATE '2026-01-05', 7, $1)", "mailbox_id, snapshot_date" },
            { "daily_campaign_stats", "INSERT INTO daily_campaign_stats (campaign_id, company_id, tenant_id, day, sent) VALUES ('c1', 'co1', 't1', DATE '2026-01-05', $1)", "campaign_id, day" },
            { "daily_step_stats", "INSERT INTO daily_step_stats (step_id, campaign_id, company_id, tenant_id, day, sent) VALUES ('s1', 'c1', 'co1', 't1', DATE '2026-01-05', $1)", "step_id, day" },
            { "daily_mailbox_stats", "INSERT INTO daily_mailbox_stats (mailbox_id, company_id, tenant_id, day, sent) VALUES ('m1', 'co1', 't1', DATE '2026-01-05', $1)", "mailbox_id, day" },
            { "daily_tenant_stats", "INSERT INTO daily_tenant_stats (tenant_id, day, sent) VALUES ('t1', DATE '2026-01-05', $1)", "tenant_id, day" },
            { "send_time_stats", "INSERT INTO send_time_stats (campaign_id, billing_id, weekday, hour, company_id, tenant_id, sent) VALUES ('c1', 7, 2, 9, 'co1', 't1', $1)", "campaign_id, billing_id, weekday, hour" },
        };

        [Theory]
        [MemberData(nameof(UniqueKeys))]
        public async Task a_unique_key_makes_a_recompute_overwrite_instead_of_duplicating(string table, string insert, string key)
        {
            await using var database = await MigratedAsync();
            await using var connection = await database.OpenCrossTenantConnectionAsync(Ct);
            const string counter = "sent";
            await connection.ExecuteAsync(insert, Ct, 1);

            await connection.ExecuteAsync($"{insert} ON CONFLICT ({key}) DO UPDATE SET {counter} = excluded.{counter}", Ct, 5);

            Assert.Equal(1L, await connection.ScalarAsync<long>($"SELECT count(*) FROM {table}", Ct));
            Assert.Equal(5L, await connection.ScalarAsync<long>($"SELECT max({counter}) FROM {table}", Ct));
            await Assert.ThrowsAnyAsync<DbException>(() => connection.ExecuteAsync(insert, Ct, 9));
        }
}
