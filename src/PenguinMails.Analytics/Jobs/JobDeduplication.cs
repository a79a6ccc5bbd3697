namespace PenguinMails.Analytics.Jobs;

/// <summary>When a job is not enqueued because one like it is already waiting (same type and tenant).</summary>
public enum JobDeduplication
{
    /// <summary>Always enqueued (an export, a recompute of a range).</summary>
    None = 0,

    /// <summary>Not while one is queued: one queued fold covers every batch ingested before it runs.</summary>
    WhileQueued = 1,

    /// <summary>Not while one is queued or running (the daily maintenance).</summary>
    WhileQueuedOrRunning = 2,
}
