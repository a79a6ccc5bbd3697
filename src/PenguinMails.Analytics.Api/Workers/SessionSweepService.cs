using PenguinMails.Analytics.Auditing;

namespace PenguinMails.Analytics.Api.Workers;

/// <summary>Closes API sessions whose window has passed (resolution <c>expired</c>), every <see cref="ApiOptions.SessionSweepInterval"/>.</summary>
public sealed class SessionSweepService(SystemEvents events, ApiOptions options, ILogger<SessionSweepService> logger) : BackgroundService
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
                    if (closed > 0)
                    {
                        logger.LogInformation("Closed {Count} expired API sessions", closed);
                    }
                }
                catch (Exception e) when (e is AnalyticsException or System.Data.Common.DbException)
                {
                    logger.LogWarning(e, "Closing expired sessions failed; will try again");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }
}
