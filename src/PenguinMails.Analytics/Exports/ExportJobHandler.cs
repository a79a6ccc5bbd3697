using PenguinMails.Analytics.Jobs;

namespace PenguinMails.Analytics.Exports;

/// <summary>
/// The <c>export</c> job (payload <c>{export_id}</c>): writes the file of a queued export. A
/// process without an export service (the demo's preparation) fails the job with a clear message.
/// </summary>
public sealed class ExportJobHandler(ExportService? exports) : IJobHandler
{
    public IReadOnlyCollection<string> JobTypes { get; } = [Jobs.JobTypes.Export];

    public Task RunAsync(Job job, JobPayload payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return (exports ?? throw new AnalyticsException("this process cannot write exports (no export service)"))
            .RunAsync(payload.RequiredString("export_id"), cancellationToken);
    }
}
