using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Api.Workers;

/// <summary>
/// Queues the daily <c>maintenance</c> job at <see cref="ApiOptions.MaintenanceAt"/> (UTC), with
/// <see cref="ApiOptions.MaintenanceRetentionDays"/> in its payload. Several serve processes may
/// run this: the job is queued only when none is already queued, and the job queue runs it once.
/// </summary>
public sealed class MaintenanceScheduler(AnalyticsDatabase database, ApiOptions options, TimeProvider time, ILogger<MaintenanceScheduler> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.MaintenanceAt is not { } at)
        {
            return;
        }
        var payload = options.MaintenanceRetentionDays is { } days ? $"{{\"retention_days\": {days}}}" : "{}";
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow().UtcDateTime;
                var next = now.Date + at;
                if (next <= now)
                {
                    next = next.AddDays(1);
                }
                await Task.Delay(next - now, time, stoppingToken);
                await using var connection = await database.OpenPipelineConnectionAsync(stoppingToken);
                var queued = await connection.ExecuteAsync(
                    "INSERT INTO analytics_jobs (job_type, payload) SELECT 'maintenance', CAST($1 AS JSON) WHERE NOT EXISTS "
                    + "(SELECT 1 FROM analytics_jobs WHERE job_type = 'maintenance' AND status IN ('queued', 'running'))", stoppingToken, payload);
                logger.LogInformation("Maintenance job {Outcome}", queued == 1 ? "queued" : "already queued");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
