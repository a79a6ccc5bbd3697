namespace PenguinMails.Analytics.Jobs;

/// <summary>Leases and retries of the job queue.</summary>
public sealed class JobOptions
{
    /// <summary>
    /// How long a claimed job is the claimer's without a heartbeat (one every third of it); a
    /// worker that dies loses it after this, or at once when it was a process of the same host.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How often an idle worker looks for leases held by dead processes of its own host.</summary>
    public TimeSpan OrphanCheckInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The first retry waits this long; each further retry twice as long, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The longest wait between retries.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often an idle worker looks for work.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Attempts before a job is dead-lettered (for jobs enqueued through <see cref="JobQueue"/>).</summary>
    public int MaxAttempts { get; set; } = 5;
}
