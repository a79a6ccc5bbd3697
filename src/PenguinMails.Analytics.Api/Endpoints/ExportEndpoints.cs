using System.Globalization;
using PenguinMails.Analytics.Api.Auth;
using PenguinMails.Analytics.Exports;
using PenguinMails.Analytics.Queries;
using PenguinMails.Analytics.Security;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary>
/// Governed exports over HTTP: request (<c>POST /v1/exports</c>), follow (<c>GET /v1/exports</c>,
/// <c>/{id}</c>), decide (<c>POST /v1/exports/{id}/approve|reject</c>, tenant admins and the
/// platform admin) and download (<c>GET /v1/exports/{id}/download</c>). Requests and downloads go
/// through the access gate (rate limit and audit as query type <c>export</c>).
/// </summary>
public static class ExportEndpoints
{
    private static readonly ApiKeyRole[] Deciders = [ApiKeyRole.TenantAdmin];

    /// <summary>The body of an export request: the report (one of <see cref="Reports.Names"/>), the format and the report's filters.</summary>
    public sealed record ExportBody(string? Report, string? Format, string? From, string? To, string? CompanyId, string? CampaignId, string? MailboxId,
        string? Search, string? Entity, string? Id, string? AdminUserId, string? Action, string? ResourceType, string? EventType, string? Severity, string? PdfPassword)
    {
        /// <summary>The filters of the body.</summary>
        public ReportFilter Filter(DateOnly from, DateOnly to) => new(from, to)
        {
            CompanyId = CompanyId, CampaignId = CampaignId, MailboxId = MailboxId, Search = Search, Entity = Entity, Id = Id,
            AdminUserId = AdminUserId, Action = Action, ResourceType = ResourceType, EventType = EventType, Severity = Severity,
        };
    }

    /// <summary>The caller's tenant's exports, newest first.</summary>
    public sealed record ExportList(IReadOnlyList<ExportRecord> Data);

    /// <summary>The body of a decision.</summary>
    public sealed record DecisionBody(string? Note);

    public static RouteGroupBuilder MapExportsApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/exports", async (HttpContext http, TimeProvider time, ExportService exports, ExportBody? body) =>
        {
            if (body?.Report is null || body.Format is null)
            {
                return ReportReads.BadRequest($"Send {{\"report\": one of {string.Join(", ", Reports.Names)}, \"format\": one of {string.Join(", ", ExportFormat.All)}, and the report's filters}}.");
            }
            var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
            if (!TryDay(body.To, today.AddDays(1), "to", out var to, out var error) || !TryDay(body.From, to.AddDays(-30), "from", out var from, out error))
            {
                return ReportReads.BadRequest(error!);
            }
            var caller = Caller.Of(http);
            if (caller.Scope.IsAdmin && caller.TenantId is null && http.RequestServices.GetRequiredService<Routing.ServiceGraphs>().Cluster is not null)
            {
                // An export is written and kept on its tenant's shard; across tenants there is no such place.
                return Results.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Unprocessable",
                    detail: "On a cluster an export is of one tenant: add ?tenant_id= (reads across tenants are GET requests).");
            }
            var requester = new ExportService.Requester(caller.TenantId ?? caller.Key.TenantId, caller.Key.Id, caller.Scope.IsAdmin);
            var request = new ExportService.Request(body.Report, body.Format, body.Filter(from, to), body.PdfPassword);
            return await Refusals(async () =>
            {
                var record = await exports.RequestAsync(requester, request, http.RequestAborted);
                return Results.Json(record, statusCode: StatusCodes.Status202Accepted);
            });
        }).RequireApiKey(ReportReads.Readers).RateLimitedAndAudited("analytics_exports", queryType: "export")
          .Produces<ExportRecord>(StatusCodes.Status202Accepted).ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
          .WithSummary("Requests an export (csv, json, xlsx, pdf) of any report, governed by the tenant's export controls.");

        // Two parameters, so that the lambda is not taken for a RequestDelegate (whose result would be dropped).
        v1.MapGet("/exports", async (HttpContext http, ExportService exports) =>
            Results.Json(new ExportList(await exports.ListAsync(Caller.Of(http).Scope, 200, http.RequestAborted))))
            .RequireApiKey(ReportReads.Readers).Produces<ExportList>().WithSummary("The caller's tenant's exports, newest first.");

        v1.MapGet("/exports/{id}", async (string id, HttpContext http, ExportService exports) =>
            await exports.GetAsync(Caller.Of(http).Scope, id, http.RequestAborted) is { } record
                ? Results.Json(record)
                : ReportReads.NotFound("export", id))
            .RequireApiKey(ReportReads.Readers).ForRowInRoute("analytics_exports").Produces<ExportRecord>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("One export: its status, rows, expiry (404 for another tenant's).");

        foreach (var (verb, approve) in new[] { ("approve", true), ("reject", false) })
        {
            v1.MapPost($"/exports/{{id}}/{verb}", (string id, HttpContext http, ExportService exports, DecisionBody? body) => Refusals(async () =>
            {
                var caller = Caller.Of(http);
                var record = await exports.DecideAsync(caller.Scope, id, approve, body?.Note, caller.Actor(http), caller.Key.Id, http.RequestAborted);
                return Results.Json(record);
            })).RequireApiKey(Deciders).ForRowInRoute("analytics_exports").Produces<ExportRecord>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
              .WithSummary($"{(approve ? "Approves" : "Rejects")} a pending export (tenant admin or platform admin; not the key that asked); audited.");
        }

        v1.MapGet("/exports/{id}/download", (string id, HttpContext http, ExportService exports) => Refusals(async () =>
        {
            var (record, writeTo) = await exports.OpenDownloadAsync(Caller.Of(http).Scope, id, http.RequestAborted);
            return (IResult)new FileResult(record, writeTo);
        })).RequireApiKey(ReportReads.Readers).ForRowInRoute("analytics_exports").RateLimitedAndAudited("analytics_exports", queryType: "export")
          .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream").ProducesProblem(StatusCodes.Status404NotFound)
          .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status410Gone)
          .WithSummary("Downloads a ready export (decrypted); 410 once it has expired.");
        return v1;
    }

    private static async Task<IResult> Refusals(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (ExportRefusedException e)
        {
            var (status, title) = e.Refusal switch
            {
                ExportRefusal.Invalid => (StatusCodes.Status400BadRequest, "Bad request"),
                ExportRefusal.NotAllowed => (StatusCodes.Status403Forbidden, "Forbidden"),
                ExportRefusal.TooManyRows => (StatusCodes.Status422UnprocessableEntity, "Too many rows"),
                ExportRefusal.NotFound => (StatusCodes.Status404NotFound, "Not found"),
                ExportRefusal.Conflict => (StatusCodes.Status409Conflict, "Conflict"),
                ExportRefusal.Expired => (StatusCodes.Status410Gone, "Expired"),
                _ => (StatusCodes.Status503ServiceUnavailable, "Not configured"),
            };
            return Results.Problem(statusCode: status, title: title, detail: e.Message);
        }
    }

    private static bool TryDay(string? text, DateOnly fallback, string name, out DateOnly day, out string? error)
    {
        error = null;
        if (string.IsNullOrEmpty(text))
        {
            day = fallback;
            return true;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day))
        {
            return true;
        }
        error = $"{name} must be a date like 2026-03-01, got \"{text}\"";
        return false;
    }

    /// <summary>The file of an export, streamed (and decrypted) into the response.</summary>
    private sealed class FileResult(ExportRecord record, Func<Stream, CancellationToken, Task> writeTo) : IResult
    {
        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.ContentType = ExportFormat.ContentType(record.Format);
            httpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{record.Report}-{record.Id}.{record.Format}\"";
            httpContext.Response.Headers.CacheControl = "no-store";
            await writeTo(httpContext.Response.Body, httpContext.RequestAborted);
        }
    }
}
