using PenguinMails.Analytics.Pools;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Queries;

/// <summary>
/// Runs one of the product's named read queries (<c>Queries/Sql/*/NAME.sql</c>) under a
/// <see cref="TenantScope"/>, with a statement timeout. The SQL files filter by tenant themselves
/// (parameter <c>$1</c>); on PostgreSQL row-level security checks it again. Each read takes a
/// turn in its workload pool and runs with that pool's statement timeout.
/// </summary>
public sealed class ScopedQuery(AnalyticsDatabase database, WorkloadPools pools)
{
    private const string SqlFolder = "Queries/Sql";

    private static readonly Dictionary<string, (string Rollup, string Key)> DailyRollups = new(StringComparer.Ordinal)
    {
        ["campaign"] = ("daily_campaign_stats", "campaign_id"),
        ["step"] = ("daily_step_stats", "step_id"),
        ["mailbox"] = ("daily_mailbox_stats", "mailbox_id"),
        ["tenant"] = ("daily_tenant_stats", "tenant_id"),
    };

    // The schema's json/jsonb columns. PostgreSQL reports their type; DuckDB's reader calls JSON
    // VARCHAR, so the names decide on both engines.
    private static readonly HashSet<string> JsonColumns = new(StringComparer.Ordinal) { "old_values", "new_values", "metadata", "details", "filters_applied", "payload" };

    /// <summary>The entities that have a daily series.</summary>
    public static IReadOnlyCollection<string> SeriesEntities => DailyRollups.Keys;

    /// <summary>The rollup table a series of <paramref name="entity"/> reads, or null for no such entity.</summary>
    public static string? SeriesTable(string? entity) => entity is not null && DailyRollups.TryGetValue(entity, out var rollup) ? rollup.Rollup : null;

    /// <summary>Runs the named query <c>Queries/Sql/*/NAME.sql</c>; its <c>$1</c> is the scope's tenant filter.</summary>
    public Task<ScopedRows> ReadAsync(TenantScope scope, string name, string poolType, CancellationToken cancellationToken, params object?[] parameters) =>
        ReadSqlAsync(scope, database.Sql.Get(SqlFolder, name + ".sql"), poolType, parameters, cancellationToken);

    /// <summary>
    /// Runs the named query and streams its rows (an export): the result holds the connection and
    /// the pool's turn until it is disposed, and the statement runs with the pool's timeout.
    /// </summary>
    public async Task<QueryResult> OpenAsync(TenantScope scope, string name, string poolType, CancellationToken cancellationToken, params object?[] parameters)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var sql = SqlFor(name);
        var pool = pools[poolType];
        var lease = await pool.AcquireAsync(cancellationToken);
        System.Data.Common.DbConnection? connection = null;
        try
        {
            connection = await database.OpenConnectionAsync(cancellationToken);
            var reader = await database.ExecuteScopedReaderAsync(connection, scope, pool.QueryTimeout, sql, [scope.FilterTenantId, .. parameters], cancellationToken);
            return new QueryResult(connection, reader, database, lease);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
            lease.Dispose();
            throw;
        }
    }

    /// <summary>How many rows the named query returns (its LIMIT applies), without reading them.</summary>
    public async Task<long> CountAsync(TenantScope scope, string name, string poolType, CancellationToken cancellationToken, params object?[] parameters)
    {
        var sql = SqlFor(name).TrimEnd().TrimEnd(';');
        var rows = await ReadSqlAsync(scope, $"SELECT COUNT(*) AS counted FROM ({sql}) named_query", poolType, parameters, cancellationToken);
        return Convert.ToInt64(rows.Rows[0][0], System.Globalization.CultureInfo.InvariantCulture);
    }

    // A named query, or "series:ENTITY" for a daily series.
    private string SqlFor(string name) =>
        name.StartsWith("series:", StringComparison.Ordinal) ? DailySeriesSql(name["series:".Length..]) : database.Sql.Get(SqlFolder, name + ".sql");

    /// <summary>Whether a column of the schema holds JSON text (see <see cref="JsonColumns"/>).</summary>
    public static bool IsJsonColumn(string column) => JsonColumns.Contains(column);

    /// <summary>The daily series of one entity (<see cref="SeriesEntities"/>) from its rollup table.</summary>
    public Task<ScopedRows> ReadDailySeriesAsync(TenantScope scope, string entity, string poolType, CancellationToken cancellationToken, params object?[] parameters)
    {
        return ReadSqlAsync(scope, DailySeriesSql(entity), poolType, parameters, cancellationToken);
    }

    private string DailySeriesSql(string entity) =>
        DailyRollups.TryGetValue(entity, out var rollup)
            ? database.Sql.Get(SqlFolder, "timeseries.sql").Replace("{rollup}", rollup.Rollup, StringComparison.Ordinal).Replace("{key}", rollup.Key, StringComparison.Ordinal)
            : throw new ArgumentOutOfRangeException(nameof(entity), entity, "no daily series for this entity");

    private async Task<ScopedRows> ReadSqlAsync(TenantScope scope, string sql, string poolType, object?[] parameters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var pool = pools[poolType];
        using var lease = await pool.AcquireAsync(cancellationToken);
        try
        {
            return await ReadCoreAsync(scope, sql, pool.QueryTimeout, parameters, cancellationToken);
        }
        catch (Exception e) when (IsTimeout(e, cancellationToken))
        {
            lease.TimedOut();
            throw new QueryTimeoutException(poolType, pool.QueryTimeout, e);
        }
    }

    private static bool IsTimeout(Exception e, CancellationToken cancellationToken) =>
        (e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        || (e is System.Data.Common.DbException db && db.SqlState == "57014");

    private async Task<ScopedRows> ReadCoreAsync(TenantScope scope, string sql, TimeSpan timeout, object?[] parameters, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout + TimeSpan.FromSeconds(1)); // the server's statement_timeout fires first where there is one
        await using var connection = await database.OpenConnectionAsync(timeoutSource.Token);
        await using var reader = await database.ExecuteScopedReaderAsync(
            connection, scope, timeout, sql, [scope.FilterTenantId, .. parameters], timeoutSource.Token);
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync(timeoutSource.Token))
        {
            var row = new object?[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : Normalize(reader.GetValue(i), reader.GetDataTypeName(i), columns[i]);
            }
            rows.Add(row);
        }
        return new ScopedRows(columns, rows);
    }

    // DuckDB returns timestamptz as an unspecified DateTime holding UTC, and sums as HUGEINT;
    // json columns come as text on both engines and are marked so that JSON output nests them.
    private static object Normalize(object value, string typeName, string column) => value switch
    {
        string json when JsonColumns.Contains(column) || typeName.StartsWith("json", StringComparison.OrdinalIgnoreCase) => new JsonText(json),
        DateTime time when typeName.Equals("TimestampTz", StringComparison.OrdinalIgnoreCase) || time.Kind == DateTimeKind.Unspecified && typeName.Contains("tz", StringComparison.OrdinalIgnoreCase)
            => DateTime.SpecifyKind(time, DateTimeKind.Utc),
        System.Numerics.BigInteger big => (long)big,
        _ => value,
    };
}
