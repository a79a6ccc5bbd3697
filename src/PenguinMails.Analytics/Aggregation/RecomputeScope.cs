namespace PenguinMails.Analytics.Aggregation;

/// <summary>
/// What a recompute rebuilds: one tenant or all, and the UTC days [<paramref name="From"/>,
/// <paramref name="To"/>) or all of them. The scope is widened to whole billing periods, because
/// period-to-date rows cannot be rebuilt from part of their period.
/// </summary>
public sealed record RecomputeScope(string? TenantId = null, DateOnly? From = null, DateOnly? To = null)
{
    /// <summary>Everything.</summary>
    public static RecomputeScope All { get; } = new();

    /// <inheritdoc />
    public override string ToString() =>
        $"{(TenantId is null ? "all tenants" : $"tenant {TenantId}")}, {(From is null && To is null ? "all days" : $"{From?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "start"} to {To?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? "end"}")}";
}
