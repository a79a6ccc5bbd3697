using System.Data.Common;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Queries;

/// <summary>
/// The guide's <c>ad_hoc_analytics</c> workload: one reading statement, run with that pool's
/// statement timeout from <c>analytics_connection_pools</c>. Writes, several statements and
/// syntax errors come back as <see cref="AnalyticsException"/> with the engine's own reason.
/// </summary>
public sealed class AdHocQuery
{
    private static readonly TimeSpan FallbackTimeout = TimeSpan.FromSeconds(300);
    private readonly AnalyticsDatabase database;

    /// <summary>Creates the query runner over <paramref name="database"/>.</summary>
    public AdHocQuery(AnalyticsDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        this.database = database;
    }

    /// <summary>Runs <paramref name="sql"/>; the result streams rows and must be disposed.</summary>
    public async Task<QueryResult> ExecuteAsync(string sql, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(sql))
        {
            throw new AnalyticsException("The statement is empty.");
        }
        var connection = await database.OpenConnectionAsync(cancellationToken);
        try
        {
            var timeout = await ReadTimeoutAsync(connection, cancellationToken);
            var reader = await database.ExecuteReadOnlyAsync(connection, sql, timeout, cancellationToken);
            return new QueryResult(connection, reader, database);
        }
        catch (Exception e) when (e is not AnalyticsException && database.DescribeError(e) is { } message)
        {
            await connection.DisposeAsync();
            throw new AnalyticsException(message, e);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<TimeSpan> ReadTimeoutAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var seconds = await connection.ScalarAsync<int?>(
            "SELECT query_timeout_seconds FROM analytics_connection_pools WHERE pool_type = 'ad_hoc_analytics' AND is_active",
            cancellationToken);
        return seconds is > 0 ? TimeSpan.FromSeconds(seconds.Value) : FallbackTimeout;
    }
}
