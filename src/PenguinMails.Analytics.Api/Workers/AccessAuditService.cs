using PenguinMails.Analytics.Auditing;

namespace PenguinMails.Analytics.Api.Workers;

/// <summary>Runs the <see cref="AccessAuditWriter"/>; on shutdown, writes every queued row before the process ends.</summary>
public sealed class AccessAuditService(AccessAuditWriter writer, ILogger<AccessAuditService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await writer.RunAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync drains.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        await writer.DrainAsync(CancellationToken.None);
        logger.LogInformation("Access audit drained: {Written} rows written in all", writer.Written);
    }
}
