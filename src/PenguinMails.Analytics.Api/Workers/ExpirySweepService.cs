using PenguinMails.Analytics.Auditing;

namespace PenguinMails.Analytics.Api.Workers;

/// <summary>
/// Every <see cref="ApiOptions.SessionSweepInterval"/>: closes API sessions whose window has passed
/// (resolution <c>expired</c>) and deletes the files of exports past their expiry.
/// </summary>
public sealed class ExpirySweepService(SystemEvents events, Exports.ExportService exports, ApiOptions options, ILogger<ExpirySweepService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.SessionSweepInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var closed = await events.CloseExpiredSessionsAsync(stoppingToken);
                    var expired = await exports.SweepExpiredAsync(stoppingToken);
                    if (closed + expired > 0)
                    {
                        logger.LogInformation("Closed {Sessions} expired API sessions, deleted {Exports} expired export files", closed, expired);
                    }
                }
                catch (Exception e) when (e is AnalyticsException or System.Data.Common.DbException)
                {
                    logger.LogWarning(e, "Closing expired sessions or exports failed; will try again");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
