namespace PenguinMails.Analytics.Aggregation;

/// <summary>What folds did: pending events read, new emails created, events still waiting, events dead-lettered.</summary>
public sealed record FoldResult(long EventsRead, long NewEmails, long StillPending, long DeadLettered)
{
    /// <summary>Nothing was done.</summary>
    public static FoldResult None { get; } = new(0, 0, 0, 0);

    internal FoldResult Add(FoldResult other) =>
        new(EventsRead + other.EventsRead, NewEmails + other.NewEmails, other.StillPending, DeadLettered + other.DeadLettered);
}
