using PenguinMails.Analytics.Queries;

namespace PenguinMails.Analytics.Exports;

/// <summary>
/// The reports that can be exported: every report the API serves, by the name of its endpoint,
/// with the named query behind it and the parameters it takes. Exports read every row (up to the
/// tenant's <c>max_rows</c>), not one page.
/// </summary>
public static class ExportReports
{
    /// <summary>One exportable report.</summary>
    public sealed record Report(string Name, string Query, bool AdminOnly, string[] Required, Func<ExportParameters, object?[]> Parameters, bool Paged = true);

    private static readonly Report[] Catalog =
    [
        new("campaigns", "campaign_dashboard", false, [], p => [p.From, p.To, p.CompanyId, p.CampaignId]),
        new("steps", "sequence_steps", false, ["campaign_id"], p => [p.From, p.To, p.CampaignId], Paged: false),
        new("mailboxes", "mailbox_performance", false, [], p => [p.From, p.To, p.CompanyId, p.MailboxId]),
        new("leads", "lead_engagement", false, ["campaign_id"], p => [p.From, p.To, p.CampaignId, null]),
        new("warmup", "warmup_progression", false, [], p => [p.From, p.To, p.CompanyId]),
        new("usage", "usage", false, [], p => [p.From, p.To]),
        new("alerts", "deliverability_alerts", false, [], p => [p.From, p.To]),
        new("timeseries", "series:", false, ["entity", "id"], p => [p.From, p.To, p.Id], Paged: false),
        new("admin-activity", "admin_activity", true, [], p => [p.From, p.To]),
        new("audit-logs", "audit_logs", true, [], p => [p.From, p.To, null, null, null]),
        new("system-events", "system_events", true, [], p => [p.From, p.To, null, null]),
    ];

    public static IReadOnlyList<string> Names { get; } = [.. Catalog.Select(r => r.Name)];

    public static Report Find(string name) =>
        Catalog.FirstOrDefault(r => r.Name == name)
        ?? throw new AnalyticsException($"Unknown report '{name}': use one of {string.Join(", ", Names)}.");

    /// <summary>The query name to open (<c>series:ENTITY</c> for a time series).</summary>
    public static string QueryName(Report report, ExportParameters parameters)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(parameters);
        if (report.Query != "series:")
        {
            return report.Query;
        }
        return ScopedQuery.SeriesEntities.Contains(parameters.Entity)
            ? "series:" + parameters.Entity
            : throw new AnalyticsException($"entity must be one of {string.Join(", ", ScopedQuery.SeriesEntities)}");
    }
}

/// <summary>The filters of an export (the same names as the API's query parameters).</summary>
public sealed record ExportParameters(DateOnly From, DateOnly To, string? CompanyId = null, string? CampaignId = null, string? MailboxId = null, string? Entity = null, string? Id = null)
{
    /// <summary>Checks the report's required parameters; says which is missing.</summary>
    public void Validate(ExportReports.Report report)
    {
        ArgumentNullException.ThrowIfNull(report);
        if (From >= To)
        {
            throw new AnalyticsException($"from ({From:yyyy-MM-dd}) must be before to ({To:yyyy-MM-dd}); to is exclusive");
        }
        foreach (var name in report.Required)
        {
            var value = name switch { "campaign_id" => CampaignId, "entity" => Entity, "id" => Id, _ => null };
            if (string.IsNullOrEmpty(value))
            {
                throw new AnalyticsException($"The {report.Name} report needs {name}.");
            }
        }
    }
}
