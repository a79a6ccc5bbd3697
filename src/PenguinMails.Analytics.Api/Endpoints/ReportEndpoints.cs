using PenguinMails.Analytics.Api.Auth;
using PenguinMails.Analytics.Pools;
using PenguinMails.Analytics.Queries;
using PenguinMails.Analytics.Security;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary>
/// The read endpoints besides campaigns: mailboxes, leads, warmup, usage and time series. Each runs
/// a named query under the caller's tenant scope; ids of other tenants are 404.
/// </summary>
public static class ReportEndpoints
{
    internal static readonly ApiKeyRole[] Readers = [ApiKeyRole.Viewer, ApiKeyRole.TenantAdmin];

    private static readonly string[] SeriesMetrics =
    [
        "sent", "delivered", "opened_tracked", "clicked_tracked", "replied", "bounced", "unsubscribed", "spam_complaints",
        "delivery_rate", "open_rate", "click_rate", "reply_rate", "bounce_rate", "complaint_rate",
    ];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/mailboxes", (HttpContext http, TimeProvider time, string? company_id) =>
            ReadAsync(http, time, Named("mailbox_performance"), paged: true, read => [read.From, read.To, company_id, null]))
            .RequireApiKey(Readers).RateLimitedAndAudited("daily_mailbox_stats").Cached().DescribedAsRead(paged: true).WithSummary("Mailbox performance, warmup status and health score; mailboxes needing attention first.");

        app.MapGet("/v1/mailboxes/{id}", async (string id, HttpContext http, TimeProvider time) =>
        {
            if (!await VisibleAsync(http, "mailbox", id))
            {
                return NotFound("mailbox", id);
            }
            return await ReadAsync(http, time, Named("mailbox_performance"), paged: false, read => [read.From, read.To, null, id, 1, 0]);
        }).RequireApiKey(Readers).RateLimitedAndAudited("daily_mailbox_stats").Cached().DescribedAsRead(paged: false).WithSummary("One mailbox's performance over a date range (404 for another tenant's mailbox).");

        app.MapGet("/v1/leads", async (HttpContext http, TimeProvider time, string? campaign_id, string? search) =>
        {
            if (string.IsNullOrEmpty(campaign_id))
            {
                return CampaignEndpoints.BadRequest("campaign_id is required: lead engagement is per campaign");
            }
            if (search is { Length: > 200 })
            {
                return CampaignEndpoints.BadRequest("search must be at most 200 characters");
            }
            if (!await VisibleAsync(http, "campaign", campaign_id))
            {
                return NotFound("campaign", campaign_id);
            }
            return await ReadAsync(http, time, Named("lead_engagement"), paged: true,
                read => [read.From, read.To, campaign_id, string.IsNullOrWhiteSpace(search) ? null : search.Trim()]);
        }).RequireApiKey(Readers).RateLimitedAndAudited("lead_analytics").Cached().DescribedAsRead(paged: true)
            .DescribedParameter("campaign_id", "The campaign whose leads to show.", required: true)
            .DescribedParameter("search", "Only leads whose id or address contains this (case-insensitive, at most 200 characters).")
            .WithSummary("Lead engagement in one campaign (billing periods overlapping the range); search narrows to leads whose id or address contains it.");

        app.MapGet("/v1/warmup", (HttpContext http, TimeProvider time, string? company_id) =>
            ReadAsync(http, time, Named("warmup_progression"), paged: true, read => [read.From, read.To, company_id]))
            .RequireApiKey(Readers).RateLimitedAndAudited("warmup_analytics").Cached().DescribedAsRead(paged: true).WithSummary("The guide's warmup progression analysis with its categories (Excellent, Good, Fair, Poor).");

        app.MapGet("/v1/usage", (HttpContext http, TimeProvider time) =>
            ReadAsync(http, time, Named("usage"), paged: true, read => [read.From, read.To], defaultDays: 365))
            .RequireApiKey(Readers).RateLimitedAndAudited("billing_analytics").Cached().DescribedAsRead(paged: true, defaultDays: 365).WithSummary("Billing usage per period with month-over-month growth; all tenants for the admin.");

        app.MapGet("/v1/alerts", (HttpContext http, TimeProvider time) =>
            ReadAsync(http, time, Named("deliverability_alerts"), paged: true, read => [read.From, read.To]))
            .RequireApiKey(Readers).RateLimitedAndAudited("admin_system_events").Cached().DescribedAsRead(paged: true)
            .WithSummary("Deliverability alerts about the caller's own mailboxes and campaigns (bounce or complaint rate over its threshold), unresolved first.");

        app.MapGet("/v1/timeseries", async (HttpContext http, TimeProvider time, string? metric, string? entity, string? id) =>
        {
            if (entity is null || !ScopedQuery.SeriesEntities.Contains(entity))
            {
                return CampaignEndpoints.BadRequest($"entity must be one of {string.Join(", ", ScopedQuery.SeriesEntities)}");
            }
            if (metric is not null && !SeriesMetrics.Contains(metric))
            {
                return CampaignEndpoints.BadRequest($"metric must be one of {string.Join(", ", SeriesMetrics)}");
            }
            // entity=tenant without an id: the caller's tenant, or for the platform admin every
            // tenant summed per day (one query, not one per tenant).
            var caller = Caller.Of(http);
            id ??= entity == "tenant" ? caller.TenantId : null;
            var platformWide = id is null && entity == "tenant" && caller.Scope.IsAdmin;
            if (id is null && !platformWide)
            {
                return CampaignEndpoints.BadRequest("id is required");
            }
            if (id is not null && !await VisibleAsync(http, entity, id))
            {
                return NotFound(entity, id);
            }
            var result = await ReadAsync(http, time, (query, scope, values, ct) => query.ReadDailySeriesAsync(scope, entity, PoolTypes.Dashboard, ct, values),
                paged: false, read => [read.From, read.To, id]);
            return metric is null || result is not DataResult data ? result : data.Only("day", metric);
        }).RequireApiKey(Readers).RateLimitedAndAudited(http => ScopedQuery.SeriesTable(http.Request.Query["entity"]) ?? "daily_campaign_stats").Cached().DescribedAsRead(paged: false)
            .DescribedParameter("entity", "What the series is of.", required: true, choices: [.. ScopedQuery.SeriesEntities], example: "tenant")
            .DescribedParameter("metric", "Only this counter or rate (default: every one).", choices: SeriesMetrics)
            .DescribedParameter("id", "The entity's id (optional for entity=tenant: the caller's tenant, every tenant for the platform admin).")
            .WithSummary("A daily series of any counter or rate of a campaign, step, mailbox or tenant (every tenant for the platform admin without an id).");
    }

    /// <summary>A named query of <c>Queries/Sql</c> on the dashboard pool.</summary>
    internal static Func<ScopedQuery, TenantScope, object?[], CancellationToken, Task<ScopedRows>> Named(string name) =>
        (query, scope, values, ct) => query.ReadAsync(scope, name, PoolTypes.Dashboard, ct, values);

    internal static async Task<IResult> ReadAsync(HttpContext http, TimeProvider time, Func<ScopedQuery, TenantScope, object?[], CancellationToken, Task<ScopedRows>> run,
        bool paged, Func<ReadParameters, object?[]> parameters, int defaultDays = 30)
    {
        if (!ReadParameters.TryParse(http.Request, time, out var read, out var error, defaultDays))
        {
            return CampaignEndpoints.BadRequest(error!);
        }
        var values = parameters(read);
        if (paged)
        {
            values = [.. values, read.Limit, read.Offset];
        }
        var rows = await run(http.RequestServices.GetRequiredService<ScopedQuery>(), Caller.Of(http).Scope, values, http.RequestAborted);
        return new DataResult(rows, await AsOf.ForRequestAsync(http), paged ? read.Limit : null, paged ? read.Offset : null);
    }

    internal static async Task<bool> VisibleAsync(HttpContext http, string kind, string id)
    {
        var rows = await http.RequestServices.GetRequiredService<ScopedQuery>().ReadAsync(Caller.Of(http).Scope, "entity_lookup", PoolTypes.Dashboard, http.RequestAborted, id, kind);
        return rows.Rows.Count > 0;
    }

    internal static IResult NotFound(string kind, string id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No {kind} '{id}'.");
}
