using PenguinMails.Analytics.Queries;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary>
/// <c>GET /v1/campaigns</c> (the guide's campaign performance dashboard: counters, rates and ranks
/// over a date range, from the daily rollups), <c>/v1/campaigns/{id}</c> and the step funnel
/// <c>/v1/campaigns/{id}/steps</c>.
/// </summary>
public static class CampaignEndpoints
{
    public static RouteGroupBuilder MapCampaignsApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/campaigns", (HttpContext http, ReportReads reads) => reads.ReadAsync(http, Reports.Campaigns))
            .ForReport(Reports.Campaigns);

        v1.MapGet("/campaigns/{id}", async (string id, HttpContext http, ReportReads reads) =>
        {
            var (read, refusal) = await reads.PrepareAsync(http, Reports.Campaigns, f => f with { CampaignId = id });
            if (read is null)
            {
                return refusal!;
            }
            var rows = await reads.RunAsync(http, Reports.Campaigns, read with { Page = new Page(1, 0) });
            // A campaign without traffic in the range: its row with zero counters.
            return await reads.ResultAsync(http, rows.Rows.Count > 0 ? rows : await reads.RunAsync(http, Reports.CampaignOnly, read));
        }).ForReport(Reports.Campaigns, routeFilter: "campaign_id", oneEntity: true)
          .WithSummary("One campaign's performance over a date range (404 for another tenant's campaign).");

        // Each step and variant with its open and reply rates and their 95 % Wilson intervals; per
        // step number, each variant against the control (variant A, else the first) by a two-sided
        // two-proportion z-test, significant at p < 0.05.
        v1.MapGet("/campaigns/{id}/steps", async (string id, HttpContext http, ReportReads reads) =>
        {
            var (read, refusal) = await reads.PrepareAsync(http, Reports.Steps, f => f with { CampaignId = id });
            if (read is null)
            {
                return refusal!;
            }
            var (rows, comparisons) = StepComparison.Compare(await reads.RunAsync(http, Reports.Steps, read));
            return await reads.ResultAsync(http, rows, extra: new Dictionary<string, object> { ["comparisons"] = comparisons });
        }).ForReport<OpenApiDescription.StepsEnvelope>(Reports.Steps, routeFilter: "campaign_id");
        return v1;
    }
}
