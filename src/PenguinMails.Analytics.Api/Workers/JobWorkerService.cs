using PenguinMails.Analytics.Aggregation;
using PenguinMails.Analytics.Jobs;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Api.Workers;

/// <summary>
/// The background worker of <c>serve</c>: runs queued jobs (folds within moments of an ingest).
/// On shutdown the job in hand is released back to the queue, not left to its lease.
/// </summary>
public sealed class JobWorkerService(IServiceProvider services, AnalyticsDatabase database, ILogger<JobWorkerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var runner = services.CreateJobRunner(new JobOptions { PollInterval = TimeSpan.FromMilliseconds(100) },
            new Aggregator(database, progress: new LogProgress(logger)));
        logger.LogInformation("Job worker started");
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await runner.RunForeverAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
#pragma warning disable CA1031 // A worker must outlive a failed poll (a database restart, say) and try again.
            catch (Exception e)
#pragma warning restore CA1031
            {
                logger.LogError(e, "Job worker poll failed; retrying in 5 s");
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
        logger.LogInformation("Job worker stopped");
    }

    private sealed class LogProgress(ILogger logger) : IProgress<FoldResult>
    {
        public void Report(FoldResult value) => logger.LogInformation(
            "Folded {Events} events ({NewEmails} new emails, {Pending} waiting, {DeadLettered} dead-lettered, {Queued} queued for the next fold)",
            value.EventsRead, value.NewEmails, value.StillPending, value.DeadLettered, value.Queued);
    }
}
