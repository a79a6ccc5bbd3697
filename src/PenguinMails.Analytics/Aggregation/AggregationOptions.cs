namespace PenguinMails.Analytics.Aggregation;

/// <summary>How the aggregator folds and recomputes.</summary>
public sealed class AggregationOptions
{
    /// <summary>New pending events taken into one fold transaction; more are folded in further transactions.</summary>
    public int MaxEventsPerFold { get; set; } = 2_000_000;

    /// <summary>How long an event may wait for its email.sent before it moves to dead_letter_events.</summary>
    public TimeSpan PendingRetention { get; set; } = TimeSpan.FromDays(7);
}
