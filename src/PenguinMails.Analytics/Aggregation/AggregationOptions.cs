namespace PenguinMails.Analytics.Aggregation;

/// <summary>How the aggregator folds and recomputes.</summary>
public sealed class AggregationOptions
{
    /// <summary>New pending events taken into one fold transaction; more are folded in further transactions.</summary>
    public int MaxEventsPerFold { get; set; } = 2_000_000;

    /// <summary>How long an event may wait for its email.sent before it moves to dead_letter_events.</summary>
    public TimeSpan PendingRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>When a mailbox's or campaign's bounce or complaint rate raises a deliverability alert.</summary>
    public DeliverabilityThresholds Deliverability { get; set; } = new();
}

/// <summary>
/// Deliverability alert thresholds (percent), evaluated after every fold over a trailing window of
/// days; a rate counts only with at least <see cref="MinimumSends"/> emails sent in the window.
/// </summary>
public sealed class DeliverabilityThresholds
{
    public double BounceRatePercent { get; set; } = 5.0;

    public double ComplaintRatePercent { get; set; } = 0.3;

    public int MinimumSends { get; set; } = 50;

    public int WindowDays { get; set; } = 30;
}
