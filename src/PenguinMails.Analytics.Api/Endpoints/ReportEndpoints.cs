using PenguinMails.Analytics.Api.Auth;
using PenguinMails.Analytics.Queries;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary>
/// The read endpoints besides campaigns: mailboxes, leads, warmup, usage, alerts, time series,
/// best send times and the tenants the caller may see. Each serves one <see cref="Reports"/> entry through
/// <see cref="ReportReads"/>; ids of other tenants are 404.
/// </summary>
public static class ReportEndpoints
{
    private static readonly string[] SeriesMetrics =
    [
        "sent", "delivered", "opened_tracked", "clicked_tracked", "replied", "bounced", "unsubscribed", "spam_complaints",
        "delivery_rate", "open_rate", "click_rate", "reply_rate", "bounce_rate", "complaint_rate",
        "opened_human", "clicked_human", "replied_human", "replied_auto", "replied_positive",
        "human_open_rate", "human_click_rate", "human_reply_rate", "positive_reply_rate",
    ];

    public static RouteGroupBuilder MapReportsApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/mailboxes", (HttpContext http, ReportReads reads) => reads.ReadAsync(http, Reports.Mailboxes))
            .ForReport(Reports.Mailboxes);
        v1.MapGet("/mailboxes/{id}", (string id, HttpContext http, ReportReads reads) => reads.ReadAsync(http, Reports.Mailboxes, f => f with { MailboxId = id }, oneEntity: true))
            .ForReport(Reports.Mailboxes, routeFilter: "mailbox_id", oneEntity: true)
            .WithSummary("One mailbox's performance over a date range (404 for another tenant's mailbox).");
        v1.MapGet("/leads", (HttpContext http, ReportReads reads) => reads.ReadAsync(http, Reports.Leads)).ForReport(Reports.Leads);
        v1.MapGet("/warmup", (HttpContext http, ReportReads reads) => reads.ReadAsync(http, Reports.Warmup)).ForReport(Reports.Warmup);
        v1.MapGet("/usage", (HttpContext http, ReportReads reads) => reads.ReadAsync(http, Reports.Usage)).ForReport(Reports.Usage);
        v1.MapGet("/alerts", (HttpContext http, ReportReads reads) => reads.ReadAsync(http, Reports.Alerts)).ForReport(Reports.Alerts);
        v1.MapGet("/tenants", (HttpContext http, ReportReads reads) => reads.ReadAsync(http, Reports.Tenants)).ForReport(Reports.Tenants);
        v1.MapGet("/send-times", (HttpContext http, ReportReads reads) => reads.ReadAsync(http, Reports.SendTimes)).ForReport(Reports.SendTimes);

        v1.MapGet("/timeseries", async (HttpContext http, ReportReads reads, string? metric) =>
        {
            if (metric is not null && !SeriesMetrics.Contains(metric))
            {
                return ReportReads.BadRequest($"metric must be one of {string.Join(", ", SeriesMetrics)}");
            }
            // entity=tenant without an id: the caller's tenant, or for the platform admin every
            // tenant summed per day (one query, not one per tenant).
            var caller = Caller.Of(http);
            var result = await reads.ReadAsync(http, Reports.Timeseries, f => f.Id is null && f.Entity == "tenant" ? f with { Id = caller.TenantId } : f);
            return metric is null || result is not DataResult data ? result : data.Only("day", metric);
        }).ForReport(Reports.Timeseries)
          .DescribedParameter("metric", "Only this counter or rate (default: every one).", choices: SeriesMetrics);
        return v1;
    }
}
