namespace PenguinMails.Analytics.Queries;

/// <summary>
/// Every read of the product, each one <see cref="Report"/>: the API's read endpoints, the CLI's
/// <c>report</c> and exports all come from this list, so a report has one name, one set of
/// filters and one SQL file everywhere. <see cref="All"/> are the reports people address by name;
/// the lookups below them serve the API's 404s.
/// </summary>
public static class Reports
{
    private static readonly Dictionary<string, (string Rollup, string Key)> DailyRollups = new(StringComparer.Ordinal)
    {
        ["campaign"] = ("daily_campaign_stats", "campaign_id"),
        ["step"] = ("daily_step_stats", "step_id"),
        ["mailbox"] = ("daily_mailbox_stats", "mailbox_id"),
        ["tenant"] = ("daily_tenant_stats", "tenant_id"),
    };

    /// <summary>The entities that have a daily series.</summary>
    public static IReadOnlyCollection<string> SeriesEntities => DailyRollups.Keys;

    /// <summary>The rollup table a series of <paramref name="entity"/> reads, or null for no such entity.</summary>
    public static string? SeriesTable(string? entity) => entity is not null && DailyRollups.TryGetValue(entity, out var rollup) ? rollup.Rollup : null;

    /// <summary>The guide's campaign performance dashboard: counters, rates and ranks over a date range.</summary>
    public static Report Campaigns { get; } = new("campaigns", "campaign_dashboard", f => [f.From, f.To, f.CompanyId, f.CampaignId])
    {
        Summary = "Campaign performance over a date range: counters, delivery/open/click/reply/bounce rates and ranks.",
        Filters = ["company_id", "campaign_id"], Audits = _ => "daily_campaign_stats",
        Subject = f => f.CampaignId is null ? null : ("campaign", f.CampaignId),
    };

    /// <summary>A campaign's steps by step number and variant (the funnel and the A/B comparison).</summary>
    public static Report Steps { get; } = new("steps", "sequence_steps", f => [f.From, f.To, f.CampaignId])
    {
        Summary = "Step funnel and A/B variant comparison with 95% Wilson intervals and two-proportion z-tests.",
        Filters = ["campaign_id"], Required = ["campaign_id"], Paged = false, Audits = _ => "daily_step_stats",
        Subject = f => ("campaign", f.CampaignId!),
    };

    /// <summary>Mailbox performance, warmup status and health score.</summary>
    public static Report Mailboxes { get; } = new("mailboxes", "mailbox_performance", f => [f.From, f.To, f.CompanyId, f.MailboxId])
    {
        Summary = "Mailbox performance, warmup status and health score; mailboxes needing attention first.",
        Filters = ["company_id", "mailbox_id"], Audits = _ => "daily_mailbox_stats",
        Subject = f => f.MailboxId is null ? null : ("mailbox", f.MailboxId),
    };

    /// <summary>Lead engagement in one campaign.</summary>
    public static Report Leads { get; } = new("leads", "lead_engagement", f => [f.From, f.To, f.CampaignId, f.Search])
    {
        Summary = "Lead engagement in one campaign (billing periods overlapping the range); search narrows to leads whose id or address contains it.",
        Filters = ["campaign_id", "search"], Required = ["campaign_id"], Audits = _ => "lead_analytics",
        Subject = f => ("campaign", f.CampaignId!),
    };

    /// <summary>The guide's warmup progression analysis.</summary>
    public static Report Warmup { get; } = new("warmup", "warmup_progression", f => [f.From, f.To, f.CompanyId])
    {
        Summary = "The guide's warmup progression analysis with its categories (Excellent, Good, Fair, Poor).",
        Filters = ["company_id"], Audits = _ => "warmup_analytics",
    };

    /// <summary>The guide's tenant usage analytics per billing period.</summary>
    public static Report Usage { get; } = new("usage", "usage", f => [f.From, f.To])
    {
        Summary = "Billing usage per period with month-over-month growth; all tenants for the admin.",
        DefaultDays = 365, PlatformWide = true, Audits = _ => "billing_analytics",
    };

    /// <summary>The deliverability alerts about a tenant's own mailboxes and campaigns.</summary>
    public static Report Alerts { get; } = new("alerts", "deliverability_alerts", f => [f.From, f.To])
    {
        Summary = "Deliverability alerts about the caller's own mailboxes and campaigns (bounce or complaint rate over its threshold), unresolved first.",
        Audits = _ => "admin_system_events",
    };

    /// <summary>A daily series of every counter and rate of one entity (every tenant summed for the platform admin without an id).</summary>
    public static Report Timeseries { get; } = new("timeseries", "timeseries", f => [f.From, f.To, f.Id], FillRollup)
    {
        Summary = "A daily series of any counter or rate of a campaign, step, mailbox or tenant (every tenant for the platform admin without an id).",
        Filters = ["entity", "id"], Required = ["entity"], Paged = false,
        Audits = f => SeriesTable(f.Entity) ?? "daily_campaign_stats",
        Subject = f => f.Id is null ? null : (f.Entity!, f.Id),
        Check = (f, admin) => !DailyRollups.ContainsKey(f.Entity!) ? $"entity must be one of {string.Join(", ", SeriesEntities)}"
            : f.Id is null && !(admin && f.Entity == "tenant") ? "The timeseries report needs id." : null,
    };

    /// <summary>Best send times: human and positive reply rates by the tenant's local weekday and hour.</summary>
    public static Report SendTimes { get; } = new("send-times", "send_times", f => [f.From, f.To, f.CampaignId])
    {
        Summary = "Best send times: sent, delivered, human and positive replies and their rates by the tenant's local weekday (1 Monday .. 7 Sunday) and hour of sending, "
            + "for the tenant or one campaign (billing periods overlapping the range).",
        Filters = ["campaign_id"], Paged = false, Audits = _ => "send_time_stats",
        Subject = f => f.CampaignId is null ? null : ("campaign", f.CampaignId),
    };

    /// <summary>The tenants the caller may see (the platform admin's tenant picker).</summary>
    public static Report Tenants { get; } = new("tenants", "tenants", _ => [])
    {
        Summary = "The tenants the caller may see: its own, or every tenant for the platform admin.",
        Paged = false, Ranged = false, PlatformWide = true, Audits = _ => "tenants",
    };

    /// <summary>The guide's administrative activity analysis.</summary>
    public static Report AdminActivity { get; } = new("admin-activity", "admin_activity", f => [f.From, f.To])
    {
        Summary = "The guide's administrative activity analysis for compliance (platform admin only).",
        AdminOnly = true, PlatformWide = true, Audits = _ => "admin_audit_logs",
    };

    /// <summary>Administrative actions with old and new values.</summary>
    public static Report AuditLogs { get; } = new("audit-logs", "audit_logs", f => [f.From, f.To, f.AdminUserId, f.Action, f.ResourceType])
    {
        Summary = "Administrative actions with old and new values, newest first (platform admin only).",
        Filters = ["admin_user_id", "action", "resource_type"], AdminOnly = true, PlatformWide = true, Audits = _ => "admin_audit_logs",
    };

    /// <summary>System events, unresolved first.</summary>
    public static Report SystemEvents { get; } = new("system-events", "system_events", f => [f.From, f.To, f.EventType, f.Severity])
    {
        Summary = "System events (alerts, sessions, dead letters, pool tuning, maintenance), unresolved first (platform admin only).",
        Filters = ["event_type", "severity"], AdminOnly = true, PlatformWide = true, Audits = _ => "admin_system_events",
    };

    /// <summary>Lookup: whether the scope may see an entity (<c>entity</c> is its kind, <c>id</c> its id).</summary>
    public static Report EntityVisible { get; } = new("entity-visible", "entity_lookup", f => [f.Id, f.Entity]) { Paged = false, Ranged = false };

    /// <summary>Lookup: one campaign with zero counters, if the scope may see it (a campaign without traffic in the range).</summary>
    public static Report CampaignOnly { get; } = new("campaign-only", "campaign_lookup", f => [f.CampaignId]) { Paged = false, Ranged = false };

    /// <summary>The reports people address by name.</summary>
    public static IReadOnlyList<Report> All { get; } =
        [Campaigns, Steps, Mailboxes, Leads, Warmup, Usage, Alerts, Timeseries, SendTimes, Tenants, AdminActivity, AuditLogs, SystemEvents];

    /// <summary>Their names.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(r => r.Name)];

    /// <summary>The report named <paramref name="name"/>, or a message naming the ones there are.</summary>
    public static Report Find(string name) =>
        All.FirstOrDefault(r => r.Name == name)
        ?? throw new AnalyticsException($"Unknown report '{name}': use one of {string.Join(", ", Names)}.");

    // timeseries.sql is a template over the daily rollups; the entity was checked against the fixed list.
    private static string FillRollup(string sql, ReportFilter filter)
    {
        var (rollup, key) = DailyRollups[filter.Entity ?? throw new ArgumentException("a series needs its entity", nameof(filter))];
        return sql.Replace("{rollup}", rollup, StringComparison.Ordinal).Replace("{key}", key, StringComparison.Ordinal);
    }
}
