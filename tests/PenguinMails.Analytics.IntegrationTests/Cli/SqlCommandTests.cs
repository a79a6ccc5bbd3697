using System.Diagnostics;
using System.Text.Json;
using PenguinMails.Analytics.IntegrationTests.Infrastructure;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.IntegrationTests.Cli;

/// <summary>
/// <c>penguin-analytics migrate</c> and <c>sql</c> run as a real process on both engines: each
/// output format, and the clear one-line errors for writes, several statements and bad syntax.
/// </summary>
public abstract class SqlCommandTests : IAsyncLifetime
{
    private TestDatabase? testDatabase;

    protected abstract StorageEngine Engine { get; }

    private string Db => testDatabase!.ConnectionString;

    public async ValueTask InitializeAsync()
    {
        testDatabase = await TestDatabase.CreateAsync(Engine);
        var migrate = await CliProcess.RunAsync("migrate", "--db", Db);
        Assert.True(migrate.ExitCode == 0, migrate.Stderr);
        Assert.Contains("applied 001 core", migrate.Stdout, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        if (testDatabase is not null)
        {
            await testDatabase.DisposeAsync();
        }
        GC.SuppressFinalize(this);
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
        var refused = await CliProcess.RunAsync("sql", statement, "--db", Db);

        Assert.NotEqual(0, refused.ExitCode);
        AssertOneErrorLine(refused.Stderr);
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
}
