using System.Diagnostics;
using System.Text.Json;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Maintenance;

/// <summary>
/// The guide's maintenance, as one run (<c>penguin-analytics maintain</c>, or the <c>maintenance</c>
/// job): partitions created ahead; rows past the retention window moved into the archive tables
/// (copy and delete in one transaction under the aggregate lock, so nothing is deleted without its
/// copy); <c>campaign_performance_summary</c> refreshed (<c>CONCURRENTLY</c> on PostgreSQL, in
/// place on DuckDB); statistics (<c>ANALYZE</c>; and <c>CHECKPOINT</c> on DuckDB); an
/// <c>admin_system_events</c> row with what was done.
/// </summary>
public sealed class Maintainer(AnalyticsDatabase database, TimeProvider? time = null)
{
    private const string SqlFolder = "Maintenance/Sql";

    private static readonly string[] ArchivedTables =
    [
        "emails", "billing_analytics", "campaign_analytics", "sequence_step_analytics", "mailbox_analytics", "lead_analytics",
        "warmup_analytics", "daily_campaign_stats", "daily_step_stats", "daily_mailbox_stats", "daily_tenant_stats", "send_time_stats",
    ];

    public async Task<MaintenanceResult> RunAsync(MaintenanceOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var started = Stopwatch.GetTimestamp();
        var cutoff = DateTime.SpecifyKind((time ?? TimeProvider.System).GetUtcNow().UtcDateTime.Date - options.Retention, DateTimeKind.Utc);
        var archived = new Dictionary<string, long>(StringComparer.Ordinal);
        int partitions;

        await using (var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var gate = await database.LockAsync(connection, "aggregate", cancellationToken);
            await connection.ExecuteAsync("DROP TABLE IF EXISTS maintenance_params", cancellationToken);
            await connection.ExecuteAsync("CREATE TEMP TABLE maintenance_params (cutoff TIMESTAMPTZ, months_ahead INTEGER)", cancellationToken);
            await connection.ExecuteAsync("INSERT INTO maintenance_params VALUES ($1, $2)", cancellationToken, cutoff, Math.Max(0, options.MonthsAhead));

            partitions = (int)(await connection.ScalarAsync<long?>(database.Sql.Get(SqlFolder, "partitions.sql"), cancellationToken) ?? 0);
            foreach (var table in ArchivedTables)
            {
                archived[table] = -await connection.ScalarAsync<long>($"SELECT COUNT(*) FROM {table}_archive", cancellationToken);
            }
            await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "archive.sql"), cancellationToken);
            foreach (var table in ArchivedTables)
            {
                archived[table] += await connection.ScalarAsync<long>($"SELECT COUNT(*) FROM {table}_archive", cancellationToken);
            }
            // In the same transaction: the summary never shows archived periods. (PostgreSQL allows
            // REFRESH ... CONCURRENTLY inside a transaction; readers are not blocked.)
            await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "refresh.sql"), cancellationToken);
            await Aggregation.Aggregator.MarkAggregatesChangedAsync(connection, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }

        await using (var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken))
        {
            await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "statistics.sql"), cancellationToken);
            if (database.Engine == StorageEngine.DuckDb)
            {
                try
                {
                    await connection.ExecuteAsync("CHECKPOINT", cancellationToken);
                }
                catch (System.Data.Common.DbException)
                {
                    // Another write transaction is open (an ingest, a job claim): DuckDB checkpoints
                    // on its own once the log grows, so skipping it here loses nothing.
                }
            }
            var summaryRows = await connection.ScalarAsync<long>("SELECT COUNT(*) FROM campaign_performance_summary", cancellationToken);
            var result = new MaintenanceResult(cutoff, partitions, archived, summaryRows, Stopwatch.GetElapsedTime(started));
            var details = JsonSerializer.Serialize(new { cutoff, partitions_created = partitions, archived, summary_rows = summaryRows, seconds = result.Elapsed.TotalSeconds });
            await connection.ExecuteAsync(
                "INSERT INTO admin_system_events (event_type, severity, message, details, timestamp) "
                + "VALUES ('maintenance', 'info', $1, CAST($2 AS JSON), CAST(EXTRACT(EPOCH FROM NOW()) * 1000 AS BIGINT))",
                cancellationToken, "Maintenance: " + result, details);
            await AdminAuditLog.WriteAsync(database, connection, new AdminAction(options.Actor, "maintenance.run", "database", database.Engine.ToString(),
                AdminAuditLog.Platform, NewValues: details, AffectedRows: archived.Values.Sum(), Duration: result.Elapsed,
                DataClassification: "internal", ComplianceFlags: ["data_retention"]), cancellationToken);
            return result;
        }
    }
}
