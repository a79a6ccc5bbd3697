using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.IntegrationTests.Infrastructure;

/// <summary>
/// What every suite of the command line shares: per test a temporary folder and a fresh database
/// of the suite's engine, migrated by <c>penguin-analytics migrate</c> and then prepared by the
/// suite's own commands (<see cref="Prepare"/>: an ingest, an aggregate), all as real processes.
/// </summary>
public abstract class CliSuite : IAsyncLifetime
{
    private TestDatabase? testDatabase;

    /// <summary>The engine the suite runs on.</summary>
    protected abstract StorageEngine Engine { get; }

    /// <summary>The test's own folder (deleted after it).</summary>
    protected string Folder { get; } = Path.Combine(Path.GetTempPath(), "penguin-analytics-tests", Guid.NewGuid().ToString("N"));

    /// <summary>The test database, for opening it in process.</summary>
    protected TestDatabase TestDatabase => testDatabase ?? throw new InvalidOperationException("the suite is not initialized");

    /// <summary>The <c>--db</c> of the test database.</summary>
    protected string Db => TestDatabase.ConnectionString;

    /// <summary>What <c>migrate</c> printed.</summary>
    protected CliProcess.Result Migrated { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The commands (without <c>--db</c>) that prepare the database after <c>migrate</c>; none by default.</summary>
    protected virtual Task<IEnumerable<string[]>> Prepare() => Task.FromResult(Enumerable.Empty<string[]>());

    public virtual async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Folder);
        testDatabase = await TestDatabase.CreateAsync(Engine);
        Migrated = await CliProcess.RunAsync("migrate", "--db", Db);
        Assert.True(Migrated.ExitCode == 0, Migrated.Stderr);
        foreach (var args in await Prepare())
        {
            var run = await CliProcess.RunAsync([.. args, "--db", Db]);
            Assert.True(run.ExitCode == 0, $"{string.Join(' ', args)}: {run.Stderr}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (testDatabase is not null)
        {
            await testDatabase.DisposeAsync();
        }
        if (Directory.Exists(Folder))
        {
            Directory.Delete(Folder, recursive: true);
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>One value from the test database, read as the owner.</summary>
    protected async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var database = await TestDatabase.OpenAsync();
        await using var connection = await database.OpenCrossTenantConnectionAsync(Ct);
        return await connection.ScalarAsync<T>(sql, Ct);
    }

    /// <summary>Writes <paramref name="lines"/> to a file of the test's folder and returns its path.</summary>
    protected async Task<string> WriteAsync(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(Folder, name);
        await File.WriteAllLinesAsync(path, lines, Ct);
        return path;
    }
}
