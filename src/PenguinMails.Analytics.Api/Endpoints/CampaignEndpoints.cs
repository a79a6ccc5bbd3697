using PenguinMails.Analytics.Api.Auth;
using PenguinMails.Analytics.Pools;
using PenguinMails.Analytics.Queries;
using PenguinMails.Analytics.Security;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary>
/// <c>GET /v1/campaigns</c> (the guide's campaign performance dashboard: counters, rates and ranks
/// over a date range, from the daily rollups) and <c>GET /v1/campaigns/{id}</c>.
/// </summary>
public static class CampaignEndpoints
{
    private static readonly ApiKeyRole[] Readers = [ApiKeyRole.Viewer, ApiKeyRole.TenantAdmin];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/campaigns", async (HttpContext http, TimeProvider time, string? company_id) =>
        {
            if (!ReadParameters.TryParse(http.Request, time, out var read, out var error))
            {
                return BadRequest(error!);
            }
            var caller = Caller.Of(http);
            var rows = await http.RequestServices.GetRequiredService<ScopedQuery>().ReadAsync(caller.Scope, "campaign_dashboard", PoolTypes.Dashboard, http.RequestAborted,
                read.From, read.To, company_id, null, read.Limit, read.Offset);
            return new DataResult(rows, await AsOf.ForRequestAsync(http), read.Limit, read.Offset);
        })
        .RequireApiKey(Readers)
        .RateLimitedAndAudited("daily_campaign_stats").Cached().DescribedAsRead(paged: true)
        .WithSummary("Campaign performance over a date range: counters, delivery/open/click/reply/bounce rates and ranks.");

        app.MapGet("/v1/campaigns/{id}", async (string id, HttpContext http, TimeProvider time) =>
        {
            if (!ReadParameters.TryParse(http.Request, time, out var read, out var error))
            {
                return BadRequest(error!);
            }
            var caller = Caller.Of(http);
            var query = http.RequestServices.GetRequiredService<ScopedQuery>();
            // Not found, whether it does not exist or belongs to another tenant: existence does not leak.
            var campaign = await query.ReadAsync(caller.Scope, "campaign_lookup", PoolTypes.Dashboard, http.RequestAborted, id);
            if (campaign.Rows.Count == 0)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No campaign '{id}'.");
            }
            var rows = await query.ReadAsync(caller.Scope, "campaign_dashboard", PoolTypes.Dashboard, http.RequestAborted,
                read.From, read.To, null, id, 1, 0);
            return new DataResult(rows.Rows.Count > 0 ? rows : campaign, await AsOf.ForRequestAsync(http));
        })
        .RequireApiKey(Readers)
        .RateLimitedAndAudited("daily_campaign_stats").Cached().DescribedAsRead(paged: false)
        .WithSummary("One campaign's performance over a date range (404 for another tenant's campaign).");
    }

    /// <summary>
    /// The step funnel and A/B comparison: each step and variant with its open and reply rates and
    /// their 95 % Wilson intervals; per step number, each variant against the control (variant A,
    /// else the first) by a two-sided two-proportion z-test, significant at p &lt; 0.05.
    /// </summary>
    public static void MapSteps(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/campaigns/{id}/steps", async (string id, HttpContext http, TimeProvider time) =>
        {
            if (!ReadParameters.TryParse(http.Request, time, out var read, out var error))
            {
                return BadRequest(error!);
            }
            if (!await ReportEndpoints.VisibleAsync(http, "campaign", id))
            {
                return ReportEndpoints.NotFound("campaign", id);
            }
            var steps = await http.RequestServices.GetRequiredService<ScopedQuery>().ReadAsync(Caller.Of(http).Scope, "sequence_steps", PoolTypes.Dashboard, http.RequestAborted, read.From, read.To, id);
            var (rows, comparisons) = StepComparison.Compare(steps);
            return new DataResult(rows, await AsOf.ForRequestAsync(http)) { Extra = new Dictionary<string, object> { ["comparisons"] = comparisons } };
        })
        .RequireApiKey(Readers)
        .RateLimitedAndAudited("daily_step_stats").Cached().DescribedAsRead<OpenApiDescription.StepsEnvelope>(paged: false)
        .WithSummary("Step funnel and A/B variant comparison with 95% Wilson intervals and two-proportion z-tests.");
    }

    internal static IResult BadRequest(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);
}
