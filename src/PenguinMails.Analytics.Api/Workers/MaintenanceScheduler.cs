using PenguinMails.Analytics.Jobs;
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
                var queued = await new JobQueue(database).EnqueueAsync(JobTypes.Maintenance, null, payload,
                    deduplication: JobDeduplication.WhileQueuedOrRunning, cancellationToken: stoppingToken);
                logger.LogInformation("Maintenance job {Outcome}", queued ? "queued" : "already queued");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
