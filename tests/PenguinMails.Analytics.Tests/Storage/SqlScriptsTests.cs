using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Tests.Storage;

public sealed class SqlScriptsTests
{
    [Fact]
    public void both_engines_embed_the_same_numbered_migrations()
    {
        static IEnumerable<string> Names(StorageEngine engine) =>
            new SqlScripts(engine).List("Storage").Where(n => n.Contains("/Schema/", StringComparison.Ordinal)).Select(Path.GetFileName)!;

        var postgres = Names(StorageEngine.Postgres).ToList();

        Assert.NotEmpty(postgres);
        Assert.Equal(postgres, Names(StorageEngine.DuckDb));
        Assert.All(postgres, name => Assert.Matches(@"^\d{3}_[a-z0-9_]+\.sql$", name));
    }

    [Fact]
    public void a_missing_file_is_a_clear_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new SqlScripts(StorageEngine.DuckDb).Get("Storage", "nope.sql"));

        Assert.Contains("Storage/DuckDb/nope.sql", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void scripts_split_into_statements_at_line_ending_semicolons_without_leading_comments()
    {
        var statements = SqlScripts.Split("-- header\n\nSELECT 'a;b'\nFROM t;\n-- about the next one\nUPDATE t SET x = 1\n  WHERE y = 2;\nSELECT 3");

        Assert.Equal(["SELECT 'a;b'\nFROM t", "-- about the next one\nUPDATE t SET x = 1\n  WHERE y = 2".Split('\n', 2)[1], "SELECT 3"], statements);
    }

    [Fact]
    public void a_shared_script_is_found_for_both_engines_and_an_engine_file_wins()
    {
        var postgres = new SqlScripts(StorageEngine.Postgres);
        var duckdb = new SqlScripts(StorageEngine.DuckDb);

        Assert.Equal(postgres.Get("Aggregation/Sql", "apply.sql"), duckdb.Get("Aggregation/Sql", "apply.sql"));
        Assert.Contains("FOR UPDATE SKIP LOCKED", postgres.Get("Jobs/Sql", "claim.sql"), StringComparison.Ordinal);
        Assert.DoesNotContain("SKIP LOCKED", duckdb.Get("Jobs/Sql", "claim.sql").Split('\n').Where(l => !l.StartsWith("--", StringComparison.Ordinal)), StringComparer.Ordinal);
        Assert.True(postgres.Statements("Aggregation/Sql", "apply.sql").Count > 20);
    }

    [Fact]
    public void duckdb_runs_the_shared_scripts_without_their_planner_statistics_statements()
    {
        var postgres = new SqlScripts(StorageEngine.Postgres).Statements("Aggregation/Sql", "fold_collect.sql");
        var duckdb = new SqlScripts(StorageEngine.DuckDb).Statements("Aggregation/Sql", "fold_collect.sql");

        Assert.Equal(["ANALYZE fold_batch", "ANALYZE fold_new", "ANALYZE fold_events", "ANALYZE fold_applied"], postgres.Where(s => s.StartsWith("ANALYZE", StringComparison.Ordinal)));
        Assert.DoesNotContain(duckdb, s => s.StartsWith("ANALYZE", StringComparison.Ordinal));
        Assert.Equal(postgres.Where(s => !s.StartsWith("ANALYZE", StringComparison.Ordinal)), duckdb);
    }
}
