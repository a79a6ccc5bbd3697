namespace PenguinMails.Analytics.Aggregation;

/// <summary>
/// What folds did: pending events read, new emails created, events read that still wait for their
/// email.sent, events dead-lettered, and events queued after this fold's watermark (a fold reads at
/// most <see cref="AggregationOptions.MaxEventsPerFold"/> new events; the next one takes them).
/// </summary>
public sealed record FoldResult(long EventsRead, long NewEmails, long StillPending, long DeadLettered, long Queued = 0)
{
    /// <summary>Nothing was done.</summary>
    public static FoldResult None { get; } = new(0, 0, 0, 0);

    internal FoldResult Add(FoldResult other) =>
        new(EventsRead + other.EventsRead, NewEmails + other.NewEmails, other.StillPending, DeadLettered + other.DeadLettered, other.Queued);
}
