using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;

namespace PenguinMails.Analytics.Storage.Migrations;

/// <summary>
/// Creates or upgrades the schema, one numbered version per transaction, recorded in
/// <c>analytics_schema_migrations</c>. No library fits both engines (DbUp, Evolve and
/// FluentMigrator have no DuckDB support), so the runner stays this small.
///
/// How to add a migration:
/// 1. Add <c>Storage/Postgres/Schema/NNN_name.sql</c> and <c>Storage/DuckDb/Schema/NNN_name.sql</c>
///    with the same NNN and name (the conformance tests check that both engines agree).
/// 2. Write plain statements; the runner wraps the file in a transaction, so no BEGIN or COMMIT.
/// 3. Never edit a released file: add the next number instead.
/// </summary>
public sealed partial class SchemaMigrator
{
    private const string HistoryTable = "analytics_schema_migrations";

    private readonly AnalyticsDatabase database;

    /// <summary>Creates a migrator for <paramref name="database"/>.</summary>
    public SchemaMigrator(AnalyticsDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        this.database = database;
        Migrations = LoadMigrations(database.Sql);
    }

    /// <summary>Every migration this program knows, in version order.</summary>
    public IReadOnlyList<Migration> Migrations { get; }

    /// <summary>The newest schema version this program knows.</summary>
    public int LatestVersion => Migrations[^1].Version;

    /// <summary>Applies every migration newer than the database's version; a no-op when current.</summary>
    /// <exception cref="SchemaTooNewException">The database was migrated by a newer program.</exception>
    public async Task<MigrationResult> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        int previous;
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await database.LockForMigrationAsync(connection, transaction, cancellationToken);
            await connection.ExecuteAsync(
                $"CREATE TABLE IF NOT EXISTS {HistoryTable} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied TIMESTAMPTZ NOT NULL DEFAULT NOW())",
                cancellationToken);
            previous = await ReadVersionAsync(connection, cancellationToken) ?? 0;
            await transaction.CommitAsync(cancellationToken);
        }
        ThrowIfNewer(previous);

        var applied = new List<Migration>();
        foreach (var migration in Migrations.Where(m => m.Version > previous))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await database.LockForMigrationAsync(connection, transaction, cancellationToken);
            // Another process may have applied it while this one waited for the lock.
            var current = await ReadVersionAsync(connection, cancellationToken) ?? 0;
            if (current >= migration.Version)
            {
                continue;
            }
            try
            {
                await connection.ExecuteAsync(migration.Sql, cancellationToken);
            }
            catch (DbException e)
            {
                throw new AnalyticsException(
                    $"Migration {migration.Version} ({migration.Name}) failed and was rolled back: {database.DescribeError(e) ?? e.Message}", e);
            }
            await connection.ExecuteAsync(
                $"INSERT INTO {HistoryTable} (version, name) VALUES ($1, $2)", cancellationToken, migration.Version, migration.Name);
            await transaction.CommitAsync(cancellationToken);
            applied.Add(migration);
        }
        return new MigrationResult(previous, Math.Max(previous, applied.LastOrDefault()?.Version ?? previous), applied);
    }

    /// <summary>The database's schema version, or null when it was never migrated.</summary>
    public async Task<int?> GetCurrentVersionAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenConnectionAsync(cancellationToken);
        return await ReadVersionAsync(connection, cancellationToken);
    }

    /// <summary>Fails with a clear message unless the database is at exactly this program's version.</summary>
    public async Task EnsureCurrentAsync(CancellationToken cancellationToken = default)
    {
        var current = await GetCurrentVersionAsync(cancellationToken);
        if (current is null)
        {
            throw new AnalyticsException($"{database.Target.Display} has no analytics schema yet: run `penguin-analytics migrate` first.");
        }
        ThrowIfNewer(current.Value);
        if (current.Value < LatestVersion)
        {
            throw new AnalyticsException(
                $"{database.Target.Display} is at schema version {current} but this program needs {LatestVersion}: run `penguin-analytics migrate`.");
        }
    }

    private void ThrowIfNewer(int version)
    {
        if (version > LatestVersion)
        {
            throw new SchemaTooNewException(database.Target.Display, version, LatestVersion);
        }
    }

    private static async Task<int?> ReadVersionAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        // A cluster's coordinator reads through penguin_cluster (the tables over every shard) first;
        // its own schema version stays in public (Cluster/Sql/Postgres/shard_export.sql).
        var exists = await connection.ScalarAsync<long>(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = $1 "
            + "AND (table_schema = current_schema() OR (current_schema() = 'penguin_cluster' AND table_schema = 'public'))",
            cancellationToken, HistoryTable);
        if (exists == 0)
        {
            return null;
        }
        return await connection.ScalarAsync<int?>($"SELECT max(version) FROM {HistoryTable}", cancellationToken);
    }

    private static List<Migration> LoadMigrations(SqlScripts sql)
    {
        var migrations = new List<Migration>();
        foreach (var resource in sql.List("Storage"))
        {
            var match = FileNamePattern().Match(resource);
            if (!match.Success || !resource.Contains("/Schema/", StringComparison.Ordinal))
            {
                continue;
            }
            migrations.Add(new Migration(
                int.Parse(match.Groups["version"].Value, CultureInfo.InvariantCulture),
                match.Groups["name"].Value,
                SqlScripts.Read(resource)));
        }
        if (migrations.Count == 0)
        {
            throw new InvalidOperationException($"No schema migrations are embedded for {sql.Engine}.");
        }
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two {sql.Engine} migrations share version {duplicate.Key}.");
        }
        return migrations.OrderBy(m => m.Version).ToList();
    }

    [GeneratedRegex(@"/(?<version>\d{3})_(?<name>[a-z0-9_]+)\.sql$")]
    private static partial Regex FileNamePattern();
}
