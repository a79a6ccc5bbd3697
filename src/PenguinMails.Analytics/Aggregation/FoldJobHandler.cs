using PenguinMails.Analytics.Jobs;

namespace PenguinMails.Analytics.Aggregation;

/// <summary>The <c>fold</c> job every ingest enqueues: folds whatever is pending (not only that batch).</summary>
public sealed class FoldJobHandler(Aggregator aggregator) : IJobHandler
{
    public IReadOnlyCollection<string> JobTypes { get; } = [Jobs.JobTypes.Fold];

    public Task RunAsync(Job job, JobPayload payload, CancellationToken cancellationToken) => aggregator.FoldAsync(cancellationToken);
}
