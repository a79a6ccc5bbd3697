using PenguinMails.Analytics.Jobs;

namespace PenguinMails.Analytics.Exports;

/// <summary>The <c>export</c> job (payload <c>{export_id}</c>): writes the file of a queued export.</summary>
public sealed class ExportJobHandler(ExportService exports) : IJobHandler
{
    public IReadOnlyCollection<string> JobTypes { get; } = [Jobs.JobTypes.Export];

    public Task RunAsync(Job job, JobPayload payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payload);
        return exports.RunAsync(payload.RequiredString("export_id"), cancellationToken);
    }
}
