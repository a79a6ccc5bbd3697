using PenguinMails.Analytics.Pools;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Api.Workers;

/// <summary>
/// Samples every workload pool into <c>analytics_pool_metrics</c> (each interval) and applies the
/// guide's <c>optimize_analytics_pools</c> rules on their own schedule (<see cref="PoolTuner"/>).
/// </summary>
public sealed class PoolMetricsService(AnalyticsDatabase database, WorkloadPools pools, ApiOptions options, ILogger<PoolMetricsService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextTuning = DateTime.UtcNow + options.PoolTuningInterval;
        using var timer = new PeriodicTimer(options.PoolMetricsInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await PoolTuner.SampleAsync(database, pools, stoppingToken);
                    if (DateTime.UtcNow >= nextTuning)
                    {
                        nextTuning = DateTime.UtcNow + options.PoolTuningInterval;
                        var changes = await PoolTuner.OptimizeAsync(database, pools, stoppingToken);
                        if (changes.Count > 0)
                        {
                            logger.LogInformation("Pools tuned: {Changes}", string.Join("; ", changes));
                        }
                    }
                }
                catch (Exception e) when (e is AnalyticsException or System.Data.Common.DbException)
                {
                    logger.LogWarning(e, "Pool metrics sampling failed; will try again");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
