using System.Globalization;

namespace PenguinMails.Analytics.Ingestion;

/// <summary>
/// The timestamps ingest accepts (DESIGN.md, "Data contract"): from <see cref="Earliest"/> to
/// <see cref="FutureTolerance"/> past the receiving clock. Anything outside is a rejected line, on
/// both engines alike: year 1 or 9999 would otherwise reach the billing-period arithmetic, which
/// PostgreSQL refuses in the fold ("cannot convert infinity to integer") and DuckDB turns into
/// periods in year 10000.
/// </summary>
public sealed class TimestampWindow
{
    /// <summary>The environment variable that overrides <see cref="FutureTolerance"/>, in hours.</summary>
    public const string FutureToleranceVariable = "PENGUIN_ANALYTICS_FUTURE_TOLERANCE_HOURS";

    /// <summary>The earliest accepted instant (UTC).</summary>
    public DateTime Earliest { get; init; } = new(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>How far past the receiving clock a timestamp may be (producers' clocks drift).</summary>
    public TimeSpan FutureTolerance { get; init; } = TimeSpan.FromHours(24);

    /// <summary>The receiving clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The defaults, with the tolerance from the environment; a value that is not a whole number of hours is refused by name.</summary>
    public static TimestampWindow FromEnvironment(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (variable(FutureToleranceVariable) is not { Length: > 0 } text)
        {
            return new TimestampWindow();
        }
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var hours) && hours <= 24 * 366
            ? new TimestampWindow { FutureTolerance = TimeSpan.FromHours(hours) }
            : throw new AnalyticsException($"{FutureToleranceVariable} must be a whole number of hours from 0 to 8784, got \"{text}\"");
    }

    /// <summary>Null when <paramref name="utc"/> is inside the window, else why not.</summary>
    public string? Check(DateTime utc)
    {
        if (utc < Earliest)
        {
            return $"is before {Format(Earliest)}, the earliest accepted timestamp";
        }
        var latest = Time.GetUtcNow().UtcDateTime + FutureTolerance;
        return utc > latest
            ? $"is more than {Describe(FutureTolerance)} past the receiving clock (accepted up to {Format(latest)})"
            : null;
    }

    private static string Format(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Describe(TimeSpan span) => span.TotalHours == 1
        ? "1 hour"
        : span.TotalMinutes % 60 == 0 ? $"{span.TotalHours:0} hours" : $"{span.TotalMinutes:0} minutes";
}
