using Npgsql;
using PenguinMails.Analytics.IntegrationTests.Infrastructure;
using PenguinMails.Analytics.Storage;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.IntegrationTests.Storage;

/// <summary>
/// Row-level security, the second wall of tenant isolation. Every tenant-scoped table gets one row
/// for tenant A and one for tenant B (seeded generically from the catalog, so a new table is
/// covered without touching this file); then the application role looks at them.
/// </summary>
public sealed class PostgresTenantIsolationTests : IAsyncLifetime
{
    private const string AppRole = "penguin_analytics_app";
    private static readonly string[] Tenants = ["A", "B"];

    // The pipeline's own tables: no tenant reads them, and the application role has no grant on them.
    private static readonly string[] Internal = ["analytics_jobs", "pending_events", "entity_changes", "pipeline_state", "dead_letter_events", "api_keys", "analytics_exports", "deliverability_alert_state"];

    private TestDatabase? testDatabase;
    private readonly string adminLogin = $"pa_admin_{Guid.NewGuid():N}"[..20];

    /// <summary>Table name to the column that scopes it (tenant_id, company_id, tenant_key or id).</summary>
    private readonly Dictionary<string, string> scoped = new(StringComparer.Ordinal);

    /// <summary>The scoped tables the application role may read (archives are for admins only).</summary>
    private readonly Dictionary<string, string> appReadable = new(StringComparer.Ordinal);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string ConnectionString => testDatabase!.ConnectionString;

    public async ValueTask InitializeAsync()
    {
        testDatabase = await TestDatabase.CreateAsync(StorageEngine.Postgres);
        await using (var database = await testDatabase.OpenAsync())
        {
            await new SchemaMigrator(database).MigrateAsync(Ct);
        }
        await using var owner = new NpgsqlConnection(TestPostgres.WithAdminContext(ConnectionString));
        await owner.OpenAsync(Ct);
        await DiscoverScopedTablesAsync(owner);
        foreach (var (table, column) in scoped)
        {
            if (await owner.ScalarAsync<bool>("SELECT has_table_privilege($1, $2, 'SELECT')", Ct, AppRole, table))
            {
                appReadable[table] = column;
            }
        }
        await SeedAsync(owner);
        await owner.ExecuteAsync($"CREATE ROLE {adminLogin} LOGIN NOBYPASSRLS; GRANT penguin_analytics_admin TO {adminLogin}", Ct);
    }

    public async ValueTask DisposeAsync()
    {
        if (testDatabase is not null)
        {
            await testDatabase.DisposeAsync();
            await using var server = new NpgsqlConnection(TestPostgres.ServerConnectionString);
            await server.OpenAsync();
            await server.ExecuteAsync($"DROP ROLE IF EXISTS {adminLogin}", CancellationToken.None);
        }
    }

    [Fact]
    public async Task every_tenant_scoped_table_forces_row_level_security()
    {
        await using var owner = new NpgsqlConnection(TestPostgres.WithAdminContext(ConnectionString));
        await owner.OpenAsync(Ct);

        // Every table with a tenant column (found from the catalog) is exactly a table with a tenant policy.
        var policed = new List<string>();
        await using (var policies = await owner.CreateCommand(
            "SELECT tablename FROM pg_policies WHERE schemaname = current_schema() AND policyname LIKE '%\\_tenant\\_isolation' ESCAPE '\\' ORDER BY tablename").ExecuteReaderAsync(Ct))
        {
            while (await policies.ReadAsync(Ct))
            {
                policed.Add(policies.GetString(0));
            }
        }
        Assert.Equal(policed, scoped.Keys.Order(StringComparer.Ordinal));
        foreach (var table in scoped.Keys)
        {
            Assert.True(await owner.ScalarAsync<bool>(
                "SELECT relrowsecurity AND relforcerowsecurity FROM pg_class WHERE oid = $1::regclass", Ct, table),
                $"{table} does not force row-level security");
        }
        foreach (var table in Internal)
        {
            Assert.False(await owner.ScalarAsync<bool>("SELECT has_table_privilege($1, $2, 'SELECT')", Ct, AppRole, table));
        }
    }

    [Fact]
    public async Task with_tenant_context_a_only_a_rows_are_visible_in_every_tenant_scoped_table()
    {
        await using var app = await OpenAsync(AppRole);
        await using var transaction = await app.BeginTransactionAsync(Ct);
        await SetContextAsync(app, tenant: "A", role: "viewer");

        // The application role reads every tenant-scoped table but the archives (platform admins only).
        Assert.Equal(scoped.Keys.Where(t => !t.EndsWith("_archive", StringComparison.Ordinal)).Order(StringComparer.Ordinal), appReadable.Keys.Order(StringComparer.Ordinal));
        foreach (var (table, column) in appReadable)
        {
            var values = await ScopeValuesAsync(app, table, column);
            Assert.True(values.Count == 1 && values[0] == ScopeValue("A", column), $"{table} showed [{string.Join(", ", values)}] to tenant A");
        }
        Assert.Equal(["A"], await ScopeValuesAsync(app, "admin_audit_log", "tenant_id"));
        Assert.Equal(["co-A"], await ScopeValuesAsync(app, "tenant_campaign_performance", "company_id"));
    }

    [Fact]
    public async Task with_no_tenant_context_no_rows_are_visible()
    {
        await using var app = await OpenAsync(AppRole);

        foreach (var table in appReadable.Keys.Append("admin_audit_log").Append("tenant_campaign_performance"))
        {
            Assert.True(await app.ScalarAsync<long>($"SELECT count(*) FROM {table}", Ct) == 0, $"{table} showed rows without a tenant context");
        }
    }

    [Fact]
    public async Task the_admin_role_sees_every_tenant()
    {
        await using var admin = await OpenAsync(adminLogin);
        await using var transaction = await admin.BeginTransactionAsync(Ct);
        await SetContextAsync(admin, tenant: null, role: "admin");

        foreach (var (table, column) in scoped)
        {
            var values = await ScopeValuesAsync(admin, table, column);
            Assert.Equal(Tenants.Select(t => ScopeValue(t, column)), values);
        }
        Assert.Equal(2L, await admin.ScalarAsync<long>("SELECT count(*) FROM tenant_campaign_performance", Ct));
    }

    [Fact]
    public async Task an_admin_login_without_the_admin_context_sees_nothing()
    {
        await using var admin = await OpenAsync(adminLogin);

        Assert.Equal(0L, await admin.ScalarAsync<long>("SELECT count(*) FROM campaign_analytics", Ct));
    }

    [Fact]
    public async Task the_application_role_cannot_promote_itself_by_claiming_the_admin_role()
    {
        await using var app = await OpenAsync(AppRole);
        await using var transaction = await app.BeginTransactionAsync(Ct);
        await SetContextAsync(app, tenant: "A", role: "admin");

        Assert.Equal(["co-A"], await ScopeValuesAsync(app, "campaign_analytics", "company_id"));
        Assert.Equal(["A"], await ScopeValuesAsync(app, "billing_analytics", "tenant_id"));
    }

    [Fact]
    public async Task the_application_role_cannot_switch_to_the_owner_or_the_admin_role()
    {
        await using var app = await OpenAsync(AppRole);
        var owner = new NpgsqlConnectionStringBuilder(ConnectionString).Username!;

        await AssertDeniedAsync(app, $"SET ROLE \"{owner}\"");
        await AssertDeniedAsync(app, "SET ROLE penguin_analytics_admin");
    }

    [Fact]
    public async Task the_application_role_cannot_disable_or_bypass_row_level_security()
    {
        await using var app = await OpenAsync(AppRole);

        await AssertDeniedAsync(app, "ALTER TABLE campaign_analytics DISABLE ROW LEVEL SECURITY");
        await AssertDeniedAsync(app, "ALTER TABLE campaign_analytics NO FORCE ROW LEVEL SECURITY");
        await AssertDeniedAsync(app, "DROP POLICY campaign_analytics_tenant_isolation ON campaign_analytics");
        await AssertDeniedAsync(app, "SET row_security = off; SELECT count(*) FROM campaign_analytics");
        // A partition read directly would skip the parent's policies, so it is not readable at all.
        var partition = $"emails_{DateTime.UtcNow:yyyy_MM}";
        await AssertDeniedAsync(app, $"SELECT count(*) FROM {partition}");
        await AssertDeniedAsync(app, "SELECT count(*) FROM campaign_performance_summary");
    }

    [Fact]
    public async Task the_application_role_cannot_read_the_pipelines_own_tables_or_the_api_keys()
    {
        await using var app = await OpenAsync(AppRole);

        foreach (var table in Internal)
        {
            await AssertDeniedAsync(app, $"SELECT count(*) FROM {table}");
        }
    }

    [Fact]
    public async Task the_application_role_cannot_change_analytics_or_rewrite_the_audit_trail()
    {
        await using var app = await OpenAsync(AppRole);
        await using var transaction = await app.BeginTransactionAsync(Ct);
        await SetContextAsync(app, tenant: "A", role: "viewer");

        await AssertDeniedAsync(app, "SAVEPOINT s1; UPDATE campaign_analytics SET sent = 0", rollbackTo: "s1");
        await AssertDeniedAsync(app, "SAVEPOINT s2; UPDATE admin_audit_logs SET notes = 'rewritten'", rollbackTo: "s2");
        await AssertDeniedAsync(app, "SAVEPOINT s3; DELETE FROM admin_audit_logs", rollbackTo: "s3");
        // It may append to its own tenant's audit trail, and only to its own.
        await app.ExecuteAsync("INSERT INTO analytics_access_audit (tenant_id, query_type) VALUES ('A', 'api')", Ct);
        await AssertDeniedAsync(app, "SAVEPOINT s4; INSERT INTO analytics_access_audit (tenant_id, query_type) VALUES ('B', 'api')", rollbackTo: "s4");
    }

    private async Task<NpgsqlConnection> OpenAsync(string role)
    {
        var connection = new NpgsqlConnection(TestPostgres.As(ConnectionString, role));
        await connection.OpenAsync(Ct);
        return connection;
    }

    // SET LOCAL, as a client of the application role would: the product's roles may not call
    // set_config (migration 004), so that a statement cannot switch roles with it.
    private static async Task SetContextAsync(NpgsqlConnection connection, string? tenant, string role)
    {
        await connection.ExecuteAsync($"SET LOCAL app.current_tenant_id = '{(tenant ?? "").Replace("'", "''", StringComparison.Ordinal)}'", Ct);
        await connection.ExecuteAsync($"SET LOCAL app.user_role = '{role.Replace("'", "''", StringComparison.Ordinal)}'", Ct);
    }

    private static async Task AssertDeniedAsync(NpgsqlConnection connection, string sql, string? rollbackTo = null)
    {
        var error = await Assert.ThrowsAsync<PostgresException>(() => connection.ExecuteAsync(sql, Ct));
        Assert.True(error.SqlState is PostgresErrorCodes.InsufficientPrivilege, $"{sql}: expected a privilege error, got {error.SqlState} {error.MessageText}");
        if (rollbackTo is not null)
        {
            await connection.ExecuteAsync($"ROLLBACK TO SAVEPOINT {rollbackTo}", Ct);
        }
    }

    private static async Task<List<string>> ScopeValuesAsync(NpgsqlConnection connection, string table, string column)
    {
        var values = new List<string>();
        await using var reader = await connection.CreateCommand($"SELECT {column}::text FROM {table} ORDER BY 1").ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            values.Add(reader.GetString(0));
        }
        return values;
    }

    // tenant_key follows seeding order: A is 1, B is 2.
    private static string ScopeValue(string tenant, string column) => column switch
    {
        "company_id" => $"co-{tenant}",
        "tenant_key" => (Array.IndexOf(Tenants, tenant) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => tenant,
    };

    private async Task DiscoverScopedTablesAsync(NpgsqlConnection owner)
    {
        scoped["tenants"] = "id";
        await using var reader = await owner.CreateCommand(
            """
            SELECT c.relname, a.attname
            FROM pg_class c
            JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            WHERE c.relnamespace = current_schema()::regnamespace
              AND c.relkind IN ('r', 'p') AND NOT c.relispartition
              AND a.attname IN ('tenant_id', 'company_id', 'tenant_key')
            ORDER BY c.relname, array_position(ARRAY['tenant_id', 'company_id', 'tenant_key'], a.attname::text)
            """).ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            var table = reader.GetString(0);
            if (!Internal.Contains(table))
            {
                scoped.TryAdd(table, reader.GetString(1));
            }
        }
    }

    private async Task SeedAsync(NpgsqlConnection owner)
    {
        // Parents first: tenants, then companies, then everything that refers to them.
        var order = new[] { "tenants", "companies" }.Concat(scoped.Keys.Where(t => t is not "tenants" and not "companies").Order(StringComparer.Ordinal));
        foreach (var table in order)
        {
            foreach (var tenant in Tenants)
            {
                var (columns, values) = await RequiredValuesAsync(owner, table, tenant);
                await owner.ExecuteAsync($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", values)})", Ct);
            }
        }
        await owner.ExecuteAsync("REFRESH MATERIALIZED VIEW campaign_performance_summary", Ct);
    }

    // A value for every column the table needs, shaped so that the rows of one tenant refer to each other.
    private static async Task<(List<string> Columns, List<string> Values)> RequiredValuesAsync(NpgsqlConnection owner, string table, string tenant)
    {
        var columns = new List<string>();
        var values = new List<string>();
        await using var reader = await owner.CreateCommand(
            """
            SELECT column_name, data_type,
                   (is_nullable = 'NO' AND column_default IS NULL AND is_identity = 'NO') AS required
            FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = $1
            ORDER BY ordinal_position
            """, table).ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
        {
            var (column, type, required) = (reader.GetString(0), reader.GetString(1), reader.GetBoolean(2));
            var scopedColumn = column is "tenant_id" or "company_id" || (column == "tenant_key" && table != "tenants") || (table == "tenants" && column == "id");
            var reference = column is "campaign_id" or "step_id" or "mailbox_id" or "lead_id";
            if (!required && !scopedColumn && !reference)
            {
                continue;
            }
            columns.Add(column);
            values.Add(column switch
            {
                "tenant_id" => $"'{tenant}'",
                "id" when table == "tenants" => $"'{tenant}'",
                "company_id" => $"'co-{tenant}'",
                "id" when table == "companies" => $"'co-{tenant}'",
                "tenant_key" => $"(SELECT tenant_key FROM tenants WHERE id = '{tenant}')",
                "campaign_id" => $"'{tenant}-campaigns'",
                "step_id" => $"'{tenant}-sequence_steps'",
                "mailbox_id" => $"'{tenant}-mailboxes'",
                "lead_id" => $"'{tenant}-leads'",
                "id" when type == "text" => $"'{tenant}-{table}'",
                _ => type switch
                {
                    "text" or "character varying" => $"'{tenant}-{table}-{column}'",
                    "integer" or "bigint" or "smallint" or "numeric" => "1",
                    "date" => "CURRENT_DATE",
                    "timestamp with time zone" => "NOW()",
                    "boolean" => "false",
                    "jsonb" or "json" => "'{}'",
                    _ => throw new InvalidOperationException($"no test value for {table}.{column} of type {type}"),
                },
            });
        }
        return (columns, values);
    }
}
