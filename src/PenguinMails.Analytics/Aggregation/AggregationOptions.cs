namespace PenguinMails.Analytics.Aggregation;

/// <summary>How the aggregator folds and recomputes.</summary>
public sealed class AggregationOptions
{
    /// <summary>New pending events taken into one fold transaction; more are folded in further transactions.</summary>
    public int MaxEventsPerFold { get; set; } = 2_000_000;

    /// <summary>How long an event may wait for its email.sent before it moves to dead_letter_events.</summary>
    public TimeSpan PendingRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>When a mailbox's or campaign's bounce or complaint rate raises a deliverability alert.</summary>
    public DeliverabilityThresholds Deliverability { get; set; } = DeliverabilityThresholds.FromEnvironment(Environment.GetEnvironmentVariable);
}

/// <summary>
/// Deliverability alert thresholds (percent), evaluated after every fold over a trailing window of
/// days; a rate counts only with at least <see cref="MinimumSends"/> emails sent in the window.
/// </summary>
public sealed class DeliverabilityThresholds
{
    /// <summary>The environment variables that override the defaults (every process that folds reads them).</summary>
    public const string BounceVariable = "PENGUIN_ANALYTICS_ALERT_BOUNCE_PERCENT";
    public const string ComplaintVariable = "PENGUIN_ANALYTICS_ALERT_COMPLAINT_PERCENT";
    public const string MinimumSendsVariable = "PENGUIN_ANALYTICS_ALERT_MIN_SENDS";
    public const string WindowVariable = "PENGUIN_ANALYTICS_ALERT_WINDOW_DAYS";

    public double BounceRatePercent { get; set; } = 5.0;

    public double ComplaintRatePercent { get; set; } = 0.3;

    public int MinimumSends { get; set; } = 50;

    public int WindowDays { get; set; } = 30;

    /// <summary>The defaults, with what the environment sets; a value that is not a positive number is refused by name.</summary>
    public static DeliverabilityThresholds FromEnvironment(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        var thresholds = new DeliverabilityThresholds();
        double Percent(string name, double fallback) => variable(name) is { Length: > 0 } text
            ? double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && value is > 0 and <= 100
                ? value : throw new AnalyticsException($"{name} must be a percentage above 0 and at most 100, got \"{text}\"")
            : fallback;
        int Count(string name, int fallback) => variable(name) is { Length: > 0 } text
            ? int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) && value > 0
                ? value : throw new AnalyticsException($"{name} must be a whole number above 0, got \"{text}\"")
            : fallback;
        thresholds.BounceRatePercent = Percent(BounceVariable, thresholds.BounceRatePercent);
        thresholds.ComplaintRatePercent = Percent(ComplaintVariable, thresholds.ComplaintRatePercent);
        thresholds.MinimumSends = Count(MinimumSendsVariable, thresholds.MinimumSends);
        thresholds.WindowDays = Count(WindowVariable, thresholds.WindowDays);
        return thresholds;
    }
}
