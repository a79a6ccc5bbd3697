using System.Globalization;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Pools;

/// <summary>
/// Pool metrics and the guide's <c>optimize_analytics_pools</c> rules, over the samples of
/// <c>analytics_pool_metrics</c>: more dashboard connections (+3, at most 25) when the average
/// concurrency of the last 24 hours is above 8; longer report timeouts (+300 s, at most 3600)
/// and one more parallel worker (at most 8) when queries average over a minute; a warning when
/// more than 10 statements timed out. Each run that changes something writes an
/// <c>admin_system_events</c> row (<c>pool_optimization</c>) with the figures it acted on.
/// (The guide logs the timeout warning into <c>analytics_access_audit</c> with a query type its own
/// CHECK forbids; it is an <c>admin_system_events</c> warning here.)
/// </summary>
public static class PoolTuner
{
    /// <summary>Writes one <c>analytics_pool_metrics</c> row per pool (counters since the last sample).</summary>
    public static async Task SampleAsync(AnalyticsDatabase database, WorkloadPools pools, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(pools);
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        foreach (var sample in pools.All.Select(p => p.TakeSample()))
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO analytics_pool_metrics (pool_type, active_connections, idle_connections, pending_connections, active_queries,
                    query_queue_depth, avg_query_duration_ms, max_query_duration_ms, total_queries_executed, query_timeout_count, connection_timeout_count)
                VALUES ($1, $2, $3, $4, $2, $4, $5, $6, $7, $8, $9)
                """,
                cancellationToken, sample.PoolType, sample.Active, sample.MaxConnections - sample.Active, sample.Waiting,
                sample.AverageMilliseconds, sample.MaxMilliseconds, sample.Executed, sample.QueryTimeouts, sample.AcquireTimeouts);
        }
    }

    /// <summary>Applies the rules; returns what changed (and reloads the pools when something did).</summary>
    public static async Task<IReadOnlyList<string>> OptimizeAsync(AnalyticsDatabase database, WorkloadPools pools, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(pools);
        var changes = new List<string>();
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        double avgDuration, avgConcurrent;
        long timeouts, peakConcurrent;
        await using (var command = connection.CreateCommand(
            """
            SELECT CAST(COALESCE(AVG(avg_query_duration_ms), 0) AS DOUBLE PRECISION), CAST(COALESCE(AVG(active_queries), 0) AS DOUBLE PRECISION),
                   CAST(COALESCE(MAX(active_queries), 0) AS BIGINT), CAST(COALESCE(SUM(query_timeout_count), 0) AS BIGINT)
            FROM analytics_pool_metrics
            WHERE collected_at >= NOW() - INTERVAL '24 hours'
            """))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            avgDuration = Convert.ToDouble(reader.GetValue(0), CultureInfo.InvariantCulture);
            avgConcurrent = Convert.ToDouble(reader.GetValue(1), CultureInfo.InvariantCulture);
            peakConcurrent = Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture);
            timeouts = Convert.ToInt64(reader.GetValue(3), CultureInfo.InvariantCulture);
        }
        var before = await ReadPoolSettingsAsync(connection, cancellationToken);
        if (avgConcurrent > 8)
        {
            await connection.ExecuteAsync(
                "UPDATE analytics_connection_pools SET max_connections = LEAST(max_connections + 3, 25) WHERE pool_type = 'dashboard_queries'", cancellationToken);
            changes.Add($"dashboard_queries max_connections +3 (average concurrency {avgConcurrent:0.0} > 8)");
        }
        if (avgDuration > 60_000)
        {
            await connection.ExecuteAsync(
                "UPDATE analytics_connection_pools SET query_timeout_seconds = LEAST(query_timeout_seconds + 300, 3600), "
                + "max_parallel_workers = LEAST(max_parallel_workers + 1, 8) WHERE pool_type = 'report_generation'", cancellationToken);
            changes.Add($"report_generation query_timeout_seconds +300 and max_parallel_workers +1 (average duration {avgDuration:0} ms > 60000)");
        }
        if (timeouts > 10)
        {
            changes.Add($"high timeout rate: {timeouts} statements timed out in 24 hours; look at the slow queries");
        }
        if (changes.Count > 0)
        {
            var details = System.Text.Json.JsonSerializer.Serialize(new
            {
                avg_query_duration_ms = avgDuration, avg_concurrent_queries = avgConcurrent, peak_concurrent_queries = peakConcurrent,
                timeout_count_24h = timeouts, changes,
            });
            await connection.ExecuteAsync(
                "INSERT INTO admin_system_events (event_type, severity, message, details, timestamp) "
                + "VALUES ('pool_optimization', $1, 'Analytics connection pools optimized based on query patterns', CAST($2 AS JSON), CAST(EXTRACT(EPOCH FROM NOW()) * 1000 AS BIGINT))",
                cancellationToken, timeouts > 10 ? "warning" : "info", details);
            var after = await ReadPoolSettingsAsync(connection, cancellationToken);
            foreach (var (pool, old) in before.Where(b => after.TryGetValue(b.Key, out var now) && now != b.Value))
            {
                await AdminAuditLog.WriteAsync(database, connection, new AdminAction(AdminActor.System("pool-tuner"), "pool.tune", "analytics_connection_pools", pool,
                    AdminAuditLog.Platform, OldValues: old, NewValues: after[pool], Notes: string.Join("; ", changes), AffectedRows: 1,
                    DataClassification: "internal", RetentionCategory: "medium_term"), cancellationToken);
            }
        }
        await transaction.CommitAsync(cancellationToken);
        if (changes.Count > 0)
        {
            await pools.ReloadAsync(cancellationToken);
        }
        return changes;
    }

    private sealed record PoolSettings(int MaxConnections, int QueryTimeoutSeconds, int MaxParallelWorkers);

    private static async Task<Dictionary<string, PoolSettings>> ReadPoolSettingsAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken)
    {
        var settings = new Dictionary<string, PoolSettings>(StringComparer.Ordinal);
        await using var command = connection.CreateCommand(
            "SELECT pool_type, max_connections, query_timeout_seconds, COALESCE(max_parallel_workers, 0) FROM analytics_connection_pools");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            settings[reader.GetString(0)] = new PoolSettings(Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture),
                Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture), Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture));
        }
        return settings;
    }
}
