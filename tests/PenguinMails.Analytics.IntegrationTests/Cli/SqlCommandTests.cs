using System.Diagnostics;
using System.Text.Json;
using PenguinMails.Analytics.IntegrationTests.Infrastructure;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.IntegrationTests.Cli;

/// <summary>
/// <c>penguin-analytics migrate</c> and <c>sql</c> run as a real process on both engines: each
/// output format, and the clear one-line errors for writes, several statements and bad syntax.
/// </summary>
public abstract class SqlCommandTests : CliSuite
{
    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        Assert.Contains("applied 001 core", Migrated.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_second_migrate_reports_the_schema_is_current()
    {
        var again = await CliProcess.RunAsync("--db", Db, "migrate");

        Assert.Equal(0, again.ExitCode);
        Assert.Contains("is current at schema version", again.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("applied", again.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task json_prints_the_four_pools_as_an_array_of_row_objects()
    {
        var result = await CliProcess.RunAsync("sql", "SELECT pool_type FROM analytics_connection_pools", "--format", "json", "--db", Db);

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var pools = json.RootElement.EnumerateArray().Select(row => row.GetProperty("pool_type").GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(["ad_hoc_analytics", "dashboard_queries", "data_exports", "report_generation"], pools);
    }

    [Fact]
    public async Task json_keeps_numbers_nulls_booleans_and_timestamps_typed()
    {
        var result = await CliProcess.RunAsync("sql",
            "SELECT max_connections, enable_parallel_queries, CAST(NULL AS TEXT) AS nothing, TIMESTAMPTZ '2026-03-04 05:06:07+00' AS at, 12.50 AS rate FROM analytics_connection_pools WHERE pool_type = 'data_exports'",
            "--format", "json", "--db", Db);

        Assert.True(result.ExitCode == 0, result.Stderr);
        using var json = JsonDocument.Parse(result.Stdout);
        var row = Assert.Single(json.RootElement.EnumerateArray().ToList());
        Assert.Equal(5, row.GetProperty("max_connections").GetInt32());
        Assert.False(row.GetProperty("enable_parallel_queries").GetBoolean());
        Assert.Equal(JsonValueKind.Null, row.GetProperty("nothing").ValueKind);
        Assert.Equal("2026-03-04T05:06:07Z", row.GetProperty("at").GetString());
        Assert.Equal(12.50m, row.GetProperty("rate").GetDecimal());
    }

    [Fact]
    public async Task csv_prints_a_header_and_quotes_what_needs_quoting()
    {
        var result = await CliProcess.RunAsync("sql",
            "SELECT pool_type, max_connections, 'a,b' AS commas, 'say \"hi\"' AS quotes FROM analytics_connection_pools ORDER BY pool_type",
            "--format", "csv", "--db", Db);

        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        Assert.Equal("pool_type,max_connections,commas,quotes", lines[0]);
        Assert.Equal("ad_hoc_analytics,10,\"a,b\",\"say \"\"hi\"\"\"", lines[1]);
        Assert.Equal(5, lines.Count);
    }

    [Fact]
    public async Task table_prints_the_columns_the_rows_and_a_count()
    {
        var result = await CliProcess.RunAsync("sql", "SELECT pool_type, query_timeout_seconds FROM analytics_connection_pools ORDER BY pool_type", "--db", Db);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Matches(@"pool_type\s*│\s*query_timeout_seconds", result.Stdout);
        Assert.Matches(@"dashboard_queries\s*│\s*30\b", result.Stdout);
        Assert.Contains("4 rows", result.Stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DELETE FROM analytics_connection_pools")]
    [InlineData("UPDATE analytics_connection_pools SET max_connections = 1")]
    [InlineData("DROP TABLE analytics_connection_pools")]
    [InlineData("SELECT 1; DELETE FROM analytics_connection_pools")]
    [InlineData("CREATE TABLE sneaky AS SELECT * FROM analytics_connection_pools")]
    public async Task a_write_is_refused_with_one_clear_line_and_changes_nothing(string statement)
    {
        var refused = await RefusedAsync(Db, statement);

        Assert.Matches("read|only one statement", refused.Stderr);
        var count = await CliProcess.RunAsync("sql", "SELECT count(*) AS n, min(max_connections) AS smallest FROM analytics_connection_pools", "--format", "csv", "--db", Db);
        Assert.Equal("n,smallest\n4,5\n", count.Stdout.Replace("\r", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task a_syntax_error_gives_a_clear_message_without_a_stack_trace()
    {
        var result = await CliProcess.RunAsync("sql", "SELEC pool_type FROM analytics_connection_pools", "--db", Db);

        Assert.NotEqual(0, result.ExitCode);
        AssertOneErrorLine(result.Stderr);
        Assert.Contains("syntax error", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("SELEC", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_unknown_table_names_the_table()
    {
        var result = await CliProcess.RunAsync("sql", "SELECT * FROM no_such_table", "--db", Db);

        Assert.NotEqual(0, result.ExitCode);
        AssertOneErrorLine(result.Stderr);
        Assert.Contains("no_such_table", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task an_unmigrated_database_says_to_run_migrate()
    {
        await using var empty = await TestDatabase.CreateAsync(Engine);

        var result = await CliProcess.RunAsync("sql", "SELECT 1", "--db", empty.ConnectionString);

        Assert.NotEqual(0, result.ExitCode);
        AssertOneErrorLine(result.Stderr);
        Assert.Contains("run `penguin-analytics migrate`", result.Stderr, StringComparison.Ordinal);
    }

    // `sql` refused the statement: a non-zero exit and one clear error line.
    protected static async Task<CliProcess.Result> RefusedAsync(string db, string statement)
    {
        var refused = await CliProcess.RunAsync("sql", statement, "--db", db);
        Assert.NotEqual(0, refused.ExitCode);
        AssertOneErrorLine(refused.Stderr);
        return refused;
    }

    protected static void AssertOneErrorLine(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr, got:\n{stderr}");
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }
}

public sealed class DuckDbSqlCommandTests : SqlCommandTests
{
    protected override StorageEngine Engine => StorageEngine.DuckDb;

    [Theory]
    [InlineData("SELECT * FROM read_text('/etc/passwd')")]
    [InlineData("SELECT * FROM read_csv('/etc/passwd')")]
    [InlineData("SELECT * FROM read_json('/etc/hostname')")]
    [InlineData("SELECT * FROM glob('/etc/*')")]
    [InlineData("SELECT * FROM read_parquet('/tmp/x.parquet')")]
    public async Task sql_cannot_read_local_files(string statement)
    {
        var refused = await RefusedAsync(Db, statement);

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("file system operations are disabled by configuration", refused.Stderr, StringComparison.Ordinal);
    }

    // DuckDB's memory comes from the environment, and `sql` cannot raise it afterwards (the
    // configuration is locked); a value that is not an amount of memory stops the command by name.
    [Fact]
    public async Task the_memory_limit_comes_from_the_environment_and_stays()
    {
        var limited = new Dictionary<string, string?> { [PenguinMails.Analytics.Storage.DuckDb.DuckDbMemoryLimit.Variable] = "300MB" };
        var setting = await CliProcess.RunAsync(limited, "sql", "SELECT current_setting('memory_limit') AS m", "--format", "csv", "--db", Db);
        var raise = await CliProcess.RunAsync(limited, "sql", "SET memory_limit = '20GB'", "--db", Db);
        var bad = await CliProcess.RunAsync(new Dictionary<string, string?> { [PenguinMails.Analytics.Storage.DuckDb.DuckDbMemoryLimit.Variable] = "lots" },
            "sql", "SELECT 1", "--db", Db);

        Assert.Equal("m\n286.1 MiB\n", setting.Stdout.Replace("\r", "", StringComparison.Ordinal)); // 300 MB = 300,000,000 bytes
        Assert.Equal(1, raise.ExitCode);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("PENGUIN_ANALYTICS_DUCKDB_MEMORY_LIMIT must be an amount of memory like 2GB or 512MB", bad.Stderr, StringComparison.Ordinal);
        Assert.Contains("got \"lots\"", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task sql_cannot_turn_external_access_back_on_or_install_extensions()
    {
        var settings = await CliProcess.RunAsync("sql",
            "SELECT string_agg(name || '=' || value, ',' ORDER BY name) AS s FROM duckdb_settings() WHERE name IN ('enable_external_access', 'autoinstall_known_extensions', 'autoload_known_extensions', 'lock_configuration')",
            "--format", "csv", "--db", Db);
        var set = await CliProcess.RunAsync("sql", "SET enable_external_access = true", "--db", Db);
        var install = await CliProcess.RunAsync("sql", "INSTALL httpfs", "--db", Db);

        Assert.Equal("s\n\"autoinstall_known_extensions=false,autoload_known_extensions=false,enable_external_access=false,lock_configuration=true\"\n",
            settings.Stdout.Replace("\r", "", StringComparison.Ordinal));
        Assert.Equal((1, 1), (set.ExitCode, install.ExitCode));
        Assert.Contains("only reading statements", set.Stderr, StringComparison.Ordinal);
        Assert.Contains("only reading statements", install.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task the_duckdb_file_and_its_folder_are_private_whatever_the_umask()
    {
        var folder = Path.Combine(Path.GetTempPath(), "penguin-analytics-tests", Guid.NewGuid().ToString("N"));
        var file = Path.Combine(folder, "private.duckdb");
        try
        {
            var migrate = await CliProcess.RunUnderUmaskAsync(new Dictionary<string, string?>(), "022", "migrate", "--db", file);

            Assert.True(migrate.ExitCode == 0, migrate.Stderr);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
            Assert.False(File.Exists(file + ".wal") && File.GetUnixFileMode(file + ".wal") != (UnixFileMode.UserRead | UnixFileMode.UserWrite), "the WAL is readable by others");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task a_file_held_by_another_process_fails_fast_and_names_the_holder()
    {
        var db = DatabaseTarget.Parse(Path.Combine(Path.GetTempPath(), "penguin-analytics-tests", $"{Guid.NewGuid():N}.duckdb"));
        await using (await AnalyticsDatabase.OpenAsync(db, TestContext.Current.CancellationToken))
        {
            var clock = Stopwatch.StartNew();
            var result = await CliProcess.RunAsync("migrate", "--db", db.ConnectionString);

            Assert.NotEqual(0, result.ExitCode);
            AssertOneErrorLine(result.Stderr);
            Assert.Contains("in use by another process", result.Stderr, StringComparison.Ordinal);
            Assert.Contains($"PID {Environment.ProcessId}", result.Stderr, StringComparison.Ordinal);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "a locked file must fail fast, not hang");
        }
        File.Delete(db.ConnectionString);
    }
}

public sealed class PostgresSqlCommandTests : SqlCommandTests
{
    protected override StorageEngine Engine => StorageEngine.Postgres;

    [Theory]
    [InlineData("SELECT pg_read_file('/etc/passwd')")]
    [InlineData("SELECT * FROM pg_ls_dir('/')")]
    [InlineData("SELECT pg_stat_file('/etc/passwd')")]
    [InlineData("SELECT lo_import('/etc/passwd')")]
    [InlineData("COPY analytics_connection_pools FROM PROGRAM 'cat /etc/passwd'")]
    [InlineData("COPY (SELECT 1) TO PROGRAM 'touch /tmp/penguin-analytics-sql-escaped'")]
    [InlineData("SELECT set_config('role', 'postgres', true), pg_read_file('/etc/passwd')")]
    [InlineData("SELECT set_config('role', 'postgres', true) AS r, query_to_xml('SELECT pg_read_file(''/etc/passwd'')', true, false, '')")]
    [InlineData("SELECT set_config('session_authorization', 'postgres', true) AS r, query_to_xml('SELECT pg_read_file(''/etc/passwd'')', true, false, '')")]
    public async Task sql_cannot_read_server_files_even_when_it_connects_as_a_superuser(string statement)
    {
        await using var superuser = await TestDatabase.CreateAsync(StorageEngine.Postgres, postgresSuperuser: true);
        var migrate = await CliProcess.RunAsync("migrate", "--db", superuser.ConnectionString);
        Assert.True(migrate.ExitCode == 0, migrate.Stderr);

        foreach (var db in new[] { superuser.ConnectionString, Db })
        {
            var refused = await RefusedAsync(db, statement);

            Assert.Equal(1, refused.ExitCode);
            Assert.Matches("permission denied|must be superuser|only reading statements", refused.Stderr);
            Assert.DoesNotContain("root:", refused.Stdout + refused.Stderr, StringComparison.Ordinal);
        }
        Assert.False(File.Exists("/tmp/penguin-analytics-sql-escaped"));
    }

    [Fact]
    public async Task migrate_as_a_role_without_createrole_names_the_missing_privilege()
    {
        var name = $"pa_norole_{Guid.NewGuid():N}"[..24];
        await using (var server = new Npgsql.NpgsqlConnection(TestPostgres.ServerConnectionString))
        {
            await server.OpenAsync(TestContext.Current.CancellationToken);
            await server.ExecuteAsync($"CREATE ROLE {name} LOGIN", TestContext.Current.CancellationToken);
            await server.ExecuteAsync($"CREATE DATABASE {name} OWNER {name} TEMPLATE template0", TestContext.Current.CancellationToken);
        }
        var db = new Npgsql.NpgsqlConnectionStringBuilder(TestPostgres.ServerConnectionString) { Database = name, Username = name, Pooling = false }.ConnectionString;
        try
        {
            var migrate = await CliProcess.RunAsync("migrate", "--db", db);

            Assert.Equal(1, migrate.ExitCode);
            AssertOneErrorLine(migrate.Stderr);
            Assert.Contains("migrate needs a role that owns its database and has CREATEROLE", migrate.Stderr, StringComparison.Ordinal);
            Assert.Contains($"ALTER ROLE \"{name}\" CREATEROLE", migrate.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(db);
            await using var server = new Npgsql.NpgsqlConnection(TestPostgres.ServerConnectionString);
            await server.OpenAsync(TestContext.Current.CancellationToken);
            await server.ExecuteAsync($"DROP ROLE IF EXISTS {name}", TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task sql_runs_as_the_products_admin_role_and_sees_every_tenant()
    {
        await using (var database = await AnalyticsDatabase.OpenAsync(DatabaseTarget.Postgres(Db), TestContext.Current.CancellationToken))
        await using (var connection = await database.OpenCrossTenantConnectionAsync(TestContext.Current.CancellationToken))
        {
            await connection.ExecuteAsync("INSERT INTO tenants (id) VALUES ('ta'), ('tb')", TestContext.Current.CancellationToken);
        }

        var result = await CliProcess.RunAsync("sql", "SELECT current_user AS who, (SELECT string_agg(id, ',' ORDER BY id) FROM tenants) AS tenants", "--format", "csv", "--db", Db);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("who,tenants\npenguin_analytics_admin,\"ta,tb\"\n", result.Stdout.Replace("\r", "", StringComparison.Ordinal));
    }
}
