using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.IntegrationTests.Infrastructure;

/// <summary>A fresh, empty database on one engine for one test: a temp DuckDB file or a new PostgreSQL database.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(DatabaseTarget target, string connectionString)
    {
        Target = target;
        ConnectionString = connectionString;
    }

    /// <summary>Where the database lives.</summary>
    public DatabaseTarget Target { get; }

    /// <summary>The DuckDB path or the Npgsql connection string, as a user would pass it to --db.</summary>
    public string ConnectionString { get; }

    public StorageEngine Engine => Target.Engine;

    /// <param name="engine">The engine.</param>
    /// <param name="postgresSuperuser">On PostgreSQL, connect as the server's superuser instead of a plain owner role.</param>
    public static async Task<TestDatabase> CreateAsync(StorageEngine engine, bool postgresSuperuser = false)
    {
        if (engine == StorageEngine.Postgres)
        {
            var connectionString = await TestPostgres.CreateDatabaseAsync(postgresSuperuser);
            return new TestDatabase(DatabaseTarget.Postgres(connectionString), connectionString);
        }
        var directory = Path.Combine(Path.GetTempPath(), "penguin-analytics-tests");
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"{Guid.NewGuid():N}.duckdb");
        return new TestDatabase(DatabaseTarget.DuckDb(path), path);
    }

    /// <summary>Opens the database the way the product does.</summary>
    public Task<AnalyticsDatabase> OpenAsync() => AnalyticsDatabase.OpenAsync(Target, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Engine == StorageEngine.Postgres)
        {
            await TestPostgres.DropDatabaseAsync(ConnectionString);
            return;
        }
        foreach (var file in new[] { ConnectionString, ConnectionString + ".wal" })
        {
            if (File.Exists(file))
            {
                File.Delete(file);
            }
        }
    }
}
