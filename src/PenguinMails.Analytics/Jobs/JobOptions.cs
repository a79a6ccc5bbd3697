namespace PenguinMails.Analytics.Jobs;

/// <summary>Leases and retries of the job queue.</summary>
public sealed class JobOptions
{
    /// <summary>How long a claimed job is the claimer's; a worker that dies loses it after this.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The first retry waits this long; each further retry twice as long, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between retries.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often an idle worker looks for work.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Attempts before a job is dead-lettered (for jobs enqueued through <see cref="JobQueue"/>).</summary>
    public int MaxAttempts { get; set; } = 5;
}
