namespace PenguinMails.Analytics.Jobs;

/// <summary>
/// Runs the jobs of some types. Each lives beside the code it runs (Aggregation, Maintenance,
/// Exports) and is registered with the <see cref="JobRunner"/> (see <c>JobHandlers.All</c>); the
/// runner only claims, keeps the lease, and records the outcome.
/// </summary>
public interface IJobHandler
{
    /// <summary>The job types (<see cref="JobTypes"/>) this handler runs.</summary>
    IReadOnlyCollection<string> JobTypes { get; }

    /// <summary>Runs one claimed job; throwing fails this attempt (retried, then dead-lettered).</summary>
    Task RunAsync(Job job, JobPayload payload, CancellationToken cancellationToken);
}
