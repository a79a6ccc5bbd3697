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
}
