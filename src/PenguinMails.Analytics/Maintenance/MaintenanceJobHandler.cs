using PenguinMails.Analytics.Jobs;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Maintenance;

/// <summary>The daily <c>maintenance</c> job (payload <c>{retention_days}</c> optional): <see cref="Maintainer.RunAsync"/>.</summary>
public sealed class MaintenanceJobHandler(AnalyticsDatabase database) : IJobHandler
{
    public IReadOnlyCollection<string> JobTypes { get; } = [Jobs.JobTypes.Maintenance];

    public async Task RunAsync(Job job, JobPayload payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var options = new MaintenanceOptions();
        if (payload.OptionalInt("retention_days") is { } days and > 0)
        {
            options.Retention = TimeSpan.FromDays(days);
        }
        await new Maintainer(database).RunAsync(options, cancellationToken);
    }
}
