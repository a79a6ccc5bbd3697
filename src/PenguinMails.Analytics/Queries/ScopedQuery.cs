using PenguinMails.Analytics.Pools;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Queries;

/// <summary>
/// Runs a <see cref="Report"/> (one of <see cref="Reports"/>) under a <see cref="TenantScope"/>,
/// with a statement timeout. The SQL files filter by tenant themselves
/// (parameter <c>$1</c>); on PostgreSQL row-level security checks it again. Each read takes a
/// turn in its workload pool and runs with that pool's statement timeout.
/// </summary>
public sealed class ScopedQuery(AnalyticsDatabase database, WorkloadPools pools)
{
    // The schema's json/jsonb columns. PostgreSQL reports their type; DuckDB's reader calls JSON
    // VARCHAR, so the names decide on both engines.
    private static readonly HashSet<string> JsonColumns = new(StringComparer.Ordinal) { "old_values", "new_values", "metadata", "details", "filters_applied", "payload" };

    /// <summary>Runs <paramref name="report"/> for <paramref name="filter"/> (one page of a paged report) and returns its rows.</summary>
    public Task<ScopedRows> ReadAsync(TenantScope scope, Report report, ReportFilter filter, Page page, string poolType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        return ReadSqlAsync(scope, report.Sql(database.Sql, filter), poolType, report.Arguments(filter, page), cancellationToken);
    }

    /// <summary>
    /// The entity <paramref name="report"/> is about for <paramref name="filter"/> (<see cref="Report.Subject"/>)
    /// when the scope cannot see it — it does not exist or is another tenant's — else null.
    /// </summary>
    public async Task<(string Kind, string Id)?> UnseenSubjectAsync(TenantScope scope, Report report, ReportFilter filter, string poolType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (report.Subject(filter) is not var (kind, id))
        {
            return null;
        }
        var lookup = new ReportFilter(default, default) { Entity = kind, Id = id };
        return (await ReadAsync(scope, Reports.EntityVisible, lookup, default, poolType, cancellationToken)).Rows.Count > 0 ? null : (kind, id);
    }

    /// <summary>
    /// Runs the report and streams up to <paramref name="maxRows"/> + 1 rows (an export, which
    /// refuses more than its limit): the result holds the connection and the pool's turn until it
    /// is disposed, and the statement runs with the pool's timeout.
    /// </summary>
    public async Task<QueryResult> OpenAsync(TenantScope scope, Report report, ReportFilter filter, int maxRows, string poolType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(report);
        var pool = pools[poolType];
        var lease = await pool.AcquireAsync(cancellationToken);
        System.Data.Common.DbConnection? connection = null;
        try
        {
            connection = await database.OpenConnectionAsync(cancellationToken);
            var reader = await database.ExecuteScopedReaderAsync(connection, scope, pool.QueryTimeout, report.Sql(database.Sql, filter),
                [scope.FilterTenantId, .. report.Arguments(filter, new Page(maxRows + 1, 0))], cancellationToken);
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

    /// <summary>How many rows <see cref="OpenAsync"/> would stream (at most <paramref name="maxRows"/> + 1), without reading them.</summary>
    public async Task<long> CountAsync(TenantScope scope, Report report, ReportFilter filter, int maxRows, string poolType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var sql = report.Sql(database.Sql, filter).TrimEnd().TrimEnd(';');
        var rows = await ReadSqlAsync(scope, $"SELECT COUNT(*) AS counted FROM ({sql}) report", poolType,
            report.Arguments(filter, new Page(maxRows + 1, 0)), cancellationToken);
        return Convert.ToInt64(rows.Rows[0][0], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Whether a column of the schema holds JSON text (see <see cref="JsonColumns"/>).</summary>
    public static bool IsJsonColumn(string column) => JsonColumns.Contains(column);

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
