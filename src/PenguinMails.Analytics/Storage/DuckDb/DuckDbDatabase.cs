using System.Data.Common;
using System.Text.Json;
using System.Text.RegularExpressions;
using DuckDB.NET.Data;

namespace PenguinMails.Analytics.Storage.DuckDb;

/// <summary>
/// Embedded DuckDB in one file. The process holds one root connection for its lifetime, which is
/// what holds DuckDB's file lock; DuckDB.NET shares one database instance among the connections
/// a process opens to the same file. A second process that wants the file fails fast with a clear message.
/// </summary>
public sealed partial class DuckDbDatabase : AnalyticsDatabase
{
    private readonly DuckDBConnection root;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> locks = new(StringComparer.Ordinal);

    private DuckDbDatabase(DatabaseTarget target, DuckDBConnection root) : base(target)
    {
        this.root = root;
    }

    /// <summary>The file this database lives in.</summary>
    public string FilePath => Target.ConnectionString;

    internal static DuckDbDatabase Open(DatabaseTarget target)
    {
        var directory = Path.GetDirectoryName(target.ConnectionString);
        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            PrivateFiles.CreateDirectory(directory);
        }
        PrivateFiles.RestrictProcessUmask();
        var connection = new DuckDBConnection($"Data Source={target.ConnectionString}");
        try
        {
            connection.Open();
            LockDown(connection, DuckDbMemoryLimit.FromEnvironment(Environment.GetEnvironmentVariable));
        }
        catch (DuckDBException e)
        {
            connection.Dispose();
            throw new AnalyticsException(DescribeOpenError(target, e), e);
        }
        PrivateFiles.Restrict(target.ConnectionString);
        PrivateFiles.Restrict(target.ConnectionString + ".wal");
        return new DuckDbDatabase(target, connection);
    }

    // Settings for the whole database instance, which every connection of this process shares,
    // then locked so that no statement can change them back. Nothing in the product reads or
    // writes files through DuckDB (ingest uses the appender, exports are written by .NET), so no
    // connection needs external access: `sql`, the API and exports cannot read_text('/etc/passwd'),
    // glob, ATTACH or install an extension from the network. DuckDB's own files (the database,
    // its WAL, spill files) are unaffected. Days and billing periods are UTC days on both engines.
    private static void LockDown(DuckDBConnection connection, string? memoryLimit)
    {
        using (var locked = connection.CreateCommand())
        {
            // A second open of the same file in this process shares the instance, already locked.
            locked.CommandText = "SELECT current_setting('lock_configuration')";
            if (locked.ExecuteScalar() is true)
            {
                return;
            }
        }
        // The limit was checked against a pattern of digits and a unit: safe to write into the statement.
        string[] limit = memoryLimit is null ? [] : [$"SET GLOBAL memory_limit = '{memoryLimit}'"];
        foreach (var setting in (string[])[
            .. limit,
            "SET GLOBAL TimeZone = 'UTC'",
            "SET GLOBAL autoinstall_known_extensions = false",
            "SET GLOBAL autoload_known_extensions = false",
            "SET GLOBAL enable_external_access = false",
            "SET GLOBAL lock_configuration = true",
        ])
        {
            using var command = connection.CreateCommand();
            command.CommandText = setting;
            command.ExecuteNonQuery();
        }
    }

    /// <inheritdoc />
    public override ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = new DuckDBConnection(root.ConnectionString);
        connection.Open();
        return ValueTask.FromResult<DbConnection>(connection);
    }

    internal override async Task<DbDataReader> ExecuteReadOnlyAsync(
        DbConnection connection, string sql, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await EnsureSingleSelectAsync(connection, sql, cancellationToken);

        // The check above is DuckDB's own parser; the transaction that is never committed is the
        // second wall, so nothing a reading statement might touch can persist.
        await connection.ExecuteAsync("BEGIN TRANSACTION", cancellationToken);
        var command = connection.CreateCommand(sql);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        return await command.ExecuteReaderAsync(timeoutSource.Token);
    }

    // DuckDB serializes only SELECT statements to JSON, so its answer tells a query from a write
    // (and a syntax error from both) without a hand-written SQL parser.
    private static async Task EnsureSingleSelectAsync(DbConnection connection, string sql, CancellationToken cancellationToken)
    {
        var json = await connection.ScalarAsync<string>("SELECT json_serialize_sql($1::VARCHAR)", cancellationToken, sql)
            ?? throw new AnalyticsException("The statement could not be checked.");
        using var document = JsonDocument.Parse(json);
        var rootElement = document.RootElement;
        if (rootElement.TryGetProperty("error", out var error) && error.GetBoolean())
        {
            var type = rootElement.TryGetProperty("error_type", out var t) ? t.GetString() : null;
            var message = rootElement.TryGetProperty("error_message", out var m) ? m.GetString() : "unknown error";
            throw new AnalyticsException(type switch
            {
                "not implemented" => "only reading statements (SELECT, WITH ... SELECT, VALUES) are allowed here",
                "parser" => $"syntax error: {message}",
                _ => $"{type} error: {message}",
            });
        }
        var count = rootElement.GetProperty("statements").GetArrayLength();
        if (count != 1)
        {
            throw new AnalyticsException($"only one statement is allowed, got {count}");
        }
    }

    internal override Task BulkInsertAsync(
        DbConnection connection, string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        // The appender writes whole rows in the table's column order; staging tables are made so.
        using var appender = ((DuckDBConnection)connection).CreateAppender(table);
        foreach (var values in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var row = appender.CreateRow();
            foreach (var value in values)
            {
                _ = value switch
                {
                    null => row.AppendNullValue(),
                    string text => row.AppendValue(text),
                    long number => row.AppendValue(number),
                    int number => row.AppendValue(number),
                    short number => row.AppendValue(number),
                    bool flag => row.AppendValue(flag),
                    DateTime time => row.AppendValue(time),
                    _ => throw new ArgumentException($"Cannot bulk-write a {value.GetType().Name}.", nameof(rows)),
                };
            }
            row.EndRow();
        }
        return Task.CompletedTask;
    }

    internal override async Task<DbDataReader> ExecuteScopedReaderAsync(
        DbConnection connection, TenantScope scope, TimeSpan timeout, string sql, object?[] parameters, CancellationToken cancellationToken)
    {
        // No row-level security here: the query's own tenant predicates are the wall (DESIGN.md).
        // The timeout is applied by the caller's cancellation token.
        await connection.ExecuteAsync("BEGIN TRANSACTION", cancellationToken);
        var command = connection.CreateCommand(sql, parameters);
        return await command.ExecuteReaderAsync(cancellationToken);
    }

    internal override async Task<IAsyncDisposable> LockAsync(DbConnection connection, string name, CancellationToken cancellationToken)
    {
        // One process owns the file, so an in-process lock per name serializes all writers.
        var gate = locks.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Release(gate);
    }

    internal override bool BuildsWorkTablesBeforeTransaction => true;

    // DuckDB writes a batch's queued events straight to the file in whole row groups (122,880
    // rows) while the statement runs; the rest goes through the WAL at commit and is compressed
    // again at a checkpoint. At 400,000 lines most of a batch is whole row groups, and the
    // statements that read a whole entity table run half as often: ingest of 1 M emails 30-32 s at
    // 200,000 lines, 23-24 s at 400,000, 22-24 s at 600,000; peak memory 0.91-0.94, 1.07-1.09 and
    // 1.16-1.23 GB (bench/README, session 18). PostgreSQL gained 8% for 40% more memory: it keeps 200,000.
    internal override int IngestBatchLines => 400_000;

    // One process owns the file: claims are serialized in the process (DuckDB has no SKIP LOCKED).
    internal override Task<IAsyncDisposable> LockForJobClaimAsync(DbConnection connection, CancellationToken cancellationToken) =>
        LockAsync(connection, "job-claim", cancellationToken);

    private sealed class Release(SemaphoreSlim gate) : IAsyncDisposable
    {
        private int released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                gate.Release();
            }
            return ValueTask.CompletedTask;
        }
    }

    internal override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken) =>
        Task.CompletedTask; // DuckDB's file lock already makes this process the only writer.

    internal override bool IsRefusedData(Exception exception) => (exception as DuckDBException ?? exception.InnerException as DuckDBException) is
    {
        ErrorType: DuckDB.NET.Native.DuckDBErrorType.Constraint or DuckDB.NET.Native.DuckDBErrorType.Conversion or DuckDB.NET.Native.DuckDBErrorType.OutOfRange
            or DuckDB.NET.Native.DuckDBErrorType.DivideByZero or DuckDB.NET.Native.DuckDBErrorType.Decimal or DuckDB.NET.Native.DuckDBErrorType.InvalidInput,
    };

    /// <inheritdoc />
    public override string? DescribeError(Exception exception) => exception switch
    {
        DuckDBException duck => OneLine(duck.Message),
        OperationCanceledException => "the statement was cancelled (statement timeout)",
        _ => null,
    };

    // DuckDB's messages span lines with a caret under the query text; people get the sentences.
    private static string OneLine(string message) => string.Join(' ', message
        .Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
        .Where(line => !line.StartsWith("LINE ", StringComparison.Ordinal) && line != "^"));

    private static string DescribeOpenError(DatabaseTarget target, DuckDBException e)
    {
        var holder = LockHolderPattern().Match(e.Message);
        if (holder.Success)
        {
            return $"The DuckDB file {target.ConnectionString} is in use by another process "
                 + $"(PID {holder.Groups["pid"].Value}, {holder.Groups["program"].Value}). DuckDB lets one process use a file at a time: "
                 + "while `penguin-analytics serve` holds it, use its HTTP API, or stop it first.";
        }
        return $"Cannot open {target.Display}: {e.Message}";
    }

    [GeneratedRegex(@"Conflicting lock is held in (?<program>.+?) \(PID (?<pid>\d+)\)")]
    private static partial Regex LockHolderPattern();

    /// <inheritdoc />
    public override ValueTask DisposeAsync()
    {
        root.Dispose();
        return ValueTask.CompletedTask;
    }
}
