using System.Data.Common;
using PenguinMails.Analytics.Storage.DuckDb;
using PenguinMails.Analytics.Storage.Postgres;

namespace PenguinMails.Analytics.Storage;

/// <summary>
/// One analytics database on one engine: the small interface that everything above storage uses.
/// Both engines speak ADO.NET and nearly the same SQL; what differs (read-only execution,
/// migration locking, the SQL files) is decided here, per engine, and nowhere else.
/// </summary>
public abstract class AnalyticsDatabase : IAsyncDisposable
{
    private protected AnalyticsDatabase(DatabaseTarget target)
    {
        Target = target;
        Sql = new SqlScripts(target.Engine);
    }

    /// <summary>Where this database lives.</summary>
    public DatabaseTarget Target { get; }

    /// <summary>The engine this database runs on.</summary>
    public StorageEngine Engine => Target.Engine;

    /// <summary>The engine's SQL files (schema migrations and named queries).</summary>
    public SqlScripts Sql { get; }

    /// <summary>Opens a database, failing fast with a clear message when it cannot be reached or is locked.</summary>
    public static async Task<AnalyticsDatabase> OpenAsync(DatabaseTarget target, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        return target.Engine switch
        {
            StorageEngine.Postgres => await PostgresDatabase.ConnectAsync(target, cancellationToken),
            StorageEngine.DuckDb => DuckDbDatabase.Open(target),
            _ => throw new ArgumentOutOfRangeException(nameof(target)),
        };
    }

    /// <summary>Opens a connection; dispose it to give it back.</summary>
    public abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs one statement that must only read, with a statement timeout. The engine refuses a
    /// write or a second statement; the returned reader streams rows and owns the connection.
    /// </summary>
    internal abstract Task<DbDataReader> ExecuteReadOnlyAsync(
        DbConnection connection, string sql, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Serializes schema migrations against other processes migrating the same database.</summary>
    internal abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a connection for the pipeline (ingest, aggregation, jobs), which works across tenants:
    /// on PostgreSQL it carries the admin context that row-level security admits.
    /// </summary>
    public virtual ValueTask<DbConnection> OpenCrossTenantConnectionAsync(CancellationToken cancellationToken = default) =>
        OpenConnectionAsync(cancellationToken);

    /// <summary>Lines per ingest transaction unless the caller says (<see cref="Ingestion.IngestOptions.BatchLines"/>).</summary>
    internal virtual int IngestBatchLines => 200_000;

    /// <summary>
    /// Writes rows into <paramref name="table"/> through the engine's bulk path (binary COPY on
    /// PostgreSQL, the appender on DuckDB), inside the connection's current transaction.
    /// Values are <see cref="string"/>, <see cref="long"/>, <see cref="int"/>, <see cref="short"/>,
    /// <see cref="bool"/>, UTC <see cref="DateTime"/> (timestamptz) or null. Each row is written
    /// before the next is taken: the caller may fill one array again for every row.
    /// </summary>
    internal abstract Task BulkInsertAsync(
        DbConnection connection, string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken);

    /// <summary>
    /// Takes a lock named <paramref name="name"/> until the connection's transaction ends, so that
    /// only one fold (or one recompute) changes the analytics tables at a time, across processes
    /// on PostgreSQL. Dispose the result after the transaction ends.
    /// </summary>
    internal abstract Task<IAsyncDisposable> LockAsync(DbConnection connection, string name, CancellationToken cancellationToken);

    /// <summary>
    /// True when the fold builds its work tables (temp tables) before the transaction that writes,
    /// under the lock held over both: DuckDB 1.5 scans the rows a transaction wrote itself on one
    /// thread and plans them as none (duckdb/duckdb#21573), which doubled the work-table statements
    /// of a 2 M-event fold on two cores. Temp tables need no transaction to be undone. PostgreSQL
    /// builds and writes in one transaction, which its lock lasts for.
    /// </summary>
    internal abstract bool BuildsWorkTablesBeforeTransaction { get; }

    /// <summary>
    /// Runs one tenant read: a read-only transaction with a statement timeout, on PostgreSQL as the
    /// application (or admin) role with the tenant context set for the transaction, all sent in one
    /// round trip with the query. The reader ends with the connection.
    /// </summary>
    internal abstract Task<DbDataReader> ExecuteScopedReaderAsync(
        DbConnection connection, TenantScope scope, TimeSpan timeout, string sql, object?[] parameters, CancellationToken cancellationToken);

    /// <summary>Held while a job is claimed: nothing on PostgreSQL (SKIP LOCKED), an in-process lock on DuckDB.</summary>
    internal abstract Task<IAsyncDisposable> LockForJobClaimAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// True when the engine refused a statement because of the values it was given (a constraint,
    /// a conversion, a value out of range), not because the statement, the connection or the server
    /// failed: the fold then looks for the record that holds such a value.
    /// </summary>
    internal abstract bool IsRefusedData(Exception exception);

    /// <summary>Turns an engine error into a message for people, or returns null when it is not one.</summary>
    public abstract string? DescribeError(Exception exception);

    /// <inheritdoc />
    public abstract ValueTask DisposeAsync();
}
