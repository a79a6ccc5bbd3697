using System.Data.Common;
using System.Globalization;
using Npgsql;

namespace PenguinMails.Analytics.Storage.Postgres;

/// <summary>PostgreSQL through one <see cref="NpgsqlDataSource"/> (pooled connections, binary COPY).</summary>
public sealed partial class PostgresDatabase : AnalyticsDatabase
{
    // Any constant works; it only has to be the same for every migrator of this product.
    private const long MigrationLockKey = 0x50_45_4E_47_55_49_4E; // "PENGUIN"

    private PostgresDatabase(DatabaseTarget target, NpgsqlDataSource dataSource) : base(target)
    {
        DataSource = dataSource;
    }

    /// <summary>The Npgsql data source, for engine-specific work such as binary COPY.</summary>
    public NpgsqlDataSource DataSource { get; }

    internal static async Task<PostgresDatabase> ConnectAsync(DatabaseTarget target, CancellationToken cancellationToken)
    {
        var database = Create(target);
        try
        {
            // Fail fast with a clear message rather than on the first real query.
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            return database;
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>The database without connecting to it: its first connection says whether it is reachable (a cluster's shards).</summary>
    internal static PostgresDatabase Create(DatabaseTarget target)
    {
        var builder = new NpgsqlDataSourceBuilder(target.ConnectionString);
        builder.ConnectionStringBuilder.ApplicationName ??= "penguin-analytics";
        // Statement time limits are set per workload on the server (statement_timeout); the
        // pipeline's statements over big batches legitimately take longer than Npgsql's 30 s default.
        if (!target.ConnectionString.Contains("Command Timeout", StringComparison.OrdinalIgnoreCase)
            && !target.ConnectionString.Contains("CommandTimeout", StringComparison.OrdinalIgnoreCase))
        {
            builder.ConnectionStringBuilder.CommandTimeout = 0;
        }
        return new PostgresDatabase(target, builder.Build());
    }

    /// <inheritdoc />
    public override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            return await DataSource.OpenConnectionAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new DatabaseUnavailableException(Target, DescribeError(e) ?? e.Message, e);
        }
    }

    internal override async Task<DbDataReader> ExecuteReadOnlyAsync(
        DbConnection connection, string sql, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var npgsql = (NpgsqlConnection)connection;
        var transaction = await npgsql.BeginTransactionAsync(cancellationToken);
        var milliseconds = ((long)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        // As the product's admin role, not as the connecting user (an owner, or a superuser that
        // could read server files with pg_read_file, pg_ls_dir or lo_import): every tenant's rows
        // through row-level security's admin override, and no more privileges than that role has.
        // Migration 004 keeps that role from calling set_config to switch back.
        await using (var setup = new NpgsqlCommand(
            $"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {milliseconds}; SET LOCAL app.user_role = 'admin'; SET LOCAL ROLE penguin_analytics_admin",
            npgsql, transaction))
        {
            await setup.ExecuteNonQueryAsync(cancellationToken);
        }

        // A batch command is sent to the server as written, in one Parse message; the server
        // refuses more than one statement there, so "SELECT 1; COMMIT; DROP ..." cannot slip through.
        var batch = new NpgsqlBatch(npgsql, transaction);
        batch.BatchCommands.Add(new NpgsqlBatchCommand(sql));
        try
        {
            return await batch.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess, cancellationToken);
        }
        catch (PostgresException e) when (ShardUnavailable(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <inheritdoc />
    public override async ValueTask<DbConnection> OpenCrossTenantConnectionAsync(CancellationToken cancellationToken = default)
    {
        var connection = await OpenConnectionAsync(cancellationToken);
        // Session-level: Npgsql resets session state when the connection goes back to the pool.
        // work_mem: the fold's hash joins and aggregates over large batches stay in memory.
        // jit off: the pipeline runs many statements of milliseconds that PostgreSQL's estimates
        // over fresh temp tables make look big; compiling one took 160-270 ms (bench/README).
        await connection.ExecuteAsync(
            "SELECT set_config('app.user_role', 'admin', false), set_config('TimeZone', 'UTC', false), set_config('work_mem', '256MB', false), set_config('jit', 'off', false)",
            cancellationToken);
        return connection;
    }

    internal override async Task BulkInsertAsync(
        DbConnection connection, string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows, CancellationToken cancellationToken)
    {
        var npgsql = (NpgsqlConnection)connection;
        await using var writer = await npgsql.BeginBinaryImportAsync(
            $"COPY {table} ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            await writer.StartRowAsync(cancellationToken);
            foreach (var value in row)
            {
                await (value switch
                {
                    null => writer.WriteNullAsync(cancellationToken),
                    string text => writer.WriteAsync(text, NpgsqlTypes.NpgsqlDbType.Text, cancellationToken),
                    long number => writer.WriteAsync(number, NpgsqlTypes.NpgsqlDbType.Bigint, cancellationToken),
                    int number => writer.WriteAsync(number, NpgsqlTypes.NpgsqlDbType.Integer, cancellationToken),
                    short number => writer.WriteAsync(number, NpgsqlTypes.NpgsqlDbType.Smallint, cancellationToken),
                    bool flag => writer.WriteAsync(flag, NpgsqlTypes.NpgsqlDbType.Boolean, cancellationToken),
                    DateTime time => writer.WriteAsync(time, NpgsqlTypes.NpgsqlDbType.TimestampTz, cancellationToken),
                    _ => throw new ArgumentException($"Cannot bulk-write a {value.GetType().Name}.", nameof(rows)),
                });
            }
        }
        await writer.CompleteAsync(cancellationToken);
    }

    internal override async Task<DbDataReader> ExecuteScopedReaderAsync(
        DbConnection connection, TenantScope scope, TimeSpan timeout, string sql, object?[] parameters, CancellationToken cancellationToken)
    {
        var npgsql = (NpgsqlConnection)connection;
        // BEGIN is sent with the batch: one round trip for the transaction, the context and the query.
        await npgsql.BeginTransactionAsync(cancellationToken);
        // The role switch makes row-level security apply even to an owner or superuser connection.
        // The context is set before the role switch: the product's roles may not call set_config.
        var role = scope.IsAdmin ? "penguin_analytics_admin" : "penguin_analytics_app";
        var batch = new NpgsqlBatch(npgsql);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("SET TRANSACTION READ ONLY"));
        var context = new NpgsqlBatchCommand(
            "SELECT set_config('app.current_tenant_id', $1, true) AS penguin_context, set_config('app.user_role', $2, true), set_config('statement_timeout', $3, true)");
        context.Parameters.Add(new NpgsqlParameter { Value = scope.TenantId });
        context.Parameters.Add(new NpgsqlParameter { Value = scope.IsAdmin ? "admin" : "tenant" });
        context.Parameters.Add(new NpgsqlParameter { Value = ((long)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) });
        batch.BatchCommands.Add(context);
        batch.BatchCommands.Add(new NpgsqlBatchCommand($"SET LOCAL ROLE {role}"));
        var query = new NpgsqlBatchCommand(sql);
        foreach (var value in parameters)
        {
            query.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
        batch.BatchCommands.Add(query);
        try
        {
            var reader = await batch.ExecuteReaderAsync(cancellationToken);
            // Past the context row to the query's rows.
            while (reader.FieldCount == 0 || reader.GetName(0) == "penguin_context")
            {
                if (!await reader.NextResultAsync(cancellationToken))
                {
                    break;
                }
            }
            return reader;
        }
        catch (PostgresException e) when (ShardUnavailable(e) is { } unavailable)
        {
            throw unavailable;
        }
    }

    /// <summary>
    /// On a cluster's coordinator, the database behind each of its postgres_fdw servers, by server
    /// name (set by <see cref="Cluster.ClusterTopology"/> on its cross-tenant database); empty elsewhere.
    /// </summary>
    internal IReadOnlyDictionary<string, DatabaseTarget> ForeignServerTargets { get; set; } = new Dictionary<string, DatabaseTarget>();

    // A read across tenants that cannot reach a shard fails in postgres_fdw (SQLSTATE 08001,
    // could not connect to server "<name>"): the shard is unavailable, as for a request routed to
    // it (the API's 503 names it), not an unknown error.
    private DatabaseUnavailableException? ShardUnavailable(PostgresException e) =>
        e.SqlState == PostgresErrorCodes.SqlClientUnableToEstablishSqlConnection
        && ForeignServer().Match(e.MessageText) is { Success: true } match
        && ForeignServerTargets.TryGetValue(match.Groups[1].Value, out var shard)
            ? new DatabaseUnavailableException(shard, $"its server does not answer the coordinator ({e.MessageText})", e)
            : null;

    [System.Text.RegularExpressions.GeneratedRegex("^could not connect to server \"([^\"]+)\"$")]
    private static partial System.Text.RegularExpressions.Regex ForeignServer();

    internal override async Task<IAsyncDisposable> LockAsync(DbConnection connection, string name, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock(hashtext($1))", cancellationToken, "penguin-analytics:" + name);
        return Unlocked.Instance;
    }

    internal override bool BuildsWorkTablesBeforeTransaction => false;

    // FOR UPDATE SKIP LOCKED in claim.sql lets workers claim side by side: nothing to hold.
    internal override Task<IAsyncDisposable> LockForJobClaimAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<IAsyncDisposable>(Unlocked.Instance);

    internal override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync("SELECT pg_advisory_xact_lock($1)", cancellationToken, MigrationLockKey);
    }

    // SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation).
    internal override bool IsRefusedData(Exception exception) =>
        (exception as PostgresException ?? exception.InnerException as PostgresException) is { } pg
        && (pg.SqlState.StartsWith("22", StringComparison.Ordinal) || pg.SqlState.StartsWith("23", StringComparison.Ordinal));

    /// <inheritdoc />
    public override string? DescribeError(Exception exception) => exception switch
    {
        PostgresException pg when pg.SqlState == PostgresErrorCodes.ReadOnlySqlTransaction =>
            $"only reading statements are allowed here ({pg.MessageText})",
        // Migrations create and grant the product's roles (penguin_analytics_app, _admin).
        PostgresException pg when pg.SqlState == PostgresErrorCodes.InsufficientPrivilege && pg.MessageText.Contains("role", StringComparison.Ordinal) =>
            $"{pg.MessageText}: migrate needs a role that owns its database and has CREATEROLE (it need not be a superuser); "
            + $"as a superuser run ALTER ROLE \"{new NpgsqlConnectionStringBuilder(Target.ConnectionString).Username}\" CREATEROLE (README, \"PostgreSQL\")",
        PostgresException pg when pg.SqlState == PostgresErrorCodes.QueryCanceled =>
            $"the statement was cancelled: {pg.MessageText}",
        PostgresException pg when pg.SqlState == PostgresErrorCodes.SyntaxError && pg.MessageText.Contains("multiple commands", StringComparison.Ordinal) =>
            "only one statement is allowed",
        PostgresException pg => pg.Position > 0
            ? $"{pg.MessageText} (SQLSTATE {pg.SqlState}, at character {pg.Position})"
            : $"{pg.MessageText} (SQLSTATE {pg.SqlState})",
        NpgsqlException { InnerException: { } inner } => inner.Message,
        NpgsqlException npgsql => npgsql.Message,
        _ => null,
    };

    /// <inheritdoc />
    public override async ValueTask DisposeAsync() => await DataSource.DisposeAsync();
}
