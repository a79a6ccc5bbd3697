using PenguinMails.Analytics.Api.Auth;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Compliance;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary>
/// The platform admin's reads: the guide's activity analysis, the audit trail of administrative
/// actions, and system events (unresolved first). <c>tenant_id</c> narrows each to one tenant (see <see cref="Caller"/>).
/// </summary>
public static class AdminEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/v1/admin/activity", (HttpContext http, TimeProvider time) =>
            ReportEndpoints.ReadAsync(http, time, ReportEndpoints.Named("admin_activity"), paged: true, read => [read.From, read.To]))
            .RequireApiKey().RateLimitedAndAudited("admin_audit_logs", queryType: "report").DescribedAsRead(paged: true)
            .WithSummary("The guide's administrative activity analysis for compliance (platform admin only).");

        app.MapGet("/v1/admin/audit-logs", (HttpContext http, TimeProvider time, string? admin_user_id, string? action, string? resource_type) =>
            ReportEndpoints.ReadAsync(http, time, ReportEndpoints.Named("audit_logs"), paged: true,
                read => [read.From, read.To, admin_user_id, action, resource_type]))
            .RequireApiKey().RateLimitedAndAudited("admin_audit_logs", queryType: "report").DescribedAsRead(paged: true)
            .WithSummary("Administrative actions with old and new values, newest first (platform admin only).");

        app.MapGet("/v1/admin/system-events", (HttpContext http, TimeProvider time, string? event_type, string? severity) =>
            ReportEndpoints.ReadAsync(http, time, ReportEndpoints.Named("system_events"), paged: true,
                read => [read.From, read.To, event_type, severity]))
            .RequireApiKey().RateLimitedAndAudited("admin_system_events", queryType: "report").DescribedAsRead(paged: true)
            .WithSummary("System events (alerts, sessions, dead letters, pool tuning, maintenance), unresolved first (platform admin only).");

        app.MapPost("/v1/admin/system-events/{id}/resolve", async (string id, HttpContext http, ResolveRequest? body) =>
        {
            if (!long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var eventId))
            {
                return ReportEndpoints.NotFound("system event", id);
            }
            var note = body?.Resolution?.Trim();
            if (note is { Length: > 1000 })
            {
                return CampaignEndpoints.BadRequest($"resolution must be at most 1000 characters, got {note.Length}");
            }
            var actor = Caller.Of(http).Actor(http);
            return await http.RequestServices.GetRequiredService<SystemEvents>().ResolveAsync(eventId, string.IsNullOrEmpty(note) ? null : note, actor, http.RequestAborted) switch
            {
                SystemEvents.Resolution.NotFound => ReportEndpoints.NotFound("system event", id),
                SystemEvents.Resolution.AlreadyResolved => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: $"System event {id} is already resolved."),
                _ => Results.Json(new ResolveResponse(eventId, true, note ?? "resolved")),
            };
        }).RequireApiKey().Produces<ResolveResponse>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
          .ProducesProblem(StatusCodes.Status400BadRequest).WithSummary("Resolves an open system event (an alert) with a note; audited in admin_audit_logs (platform admin only).");
    }

    /// <summary>
    /// GDPR: <c>POST /v1/admin/tenants/{id}/anonymize</c> and <c>POST /v1/admin/tenants/{id}/leads/{lead}/erase</c>
    /// (platform admin only), the same as <c>penguin-analytics anonymize</c>.
    /// </summary>
    public static void MapAnonymization(IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/admin/tenants/{id}/anonymize", (string id, HttpContext http, ApiOptions options) => AnonymizeAsync(http, options, id, null))
            .RequireApiKey().Produces<AnonymizeResponse>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Replaces a tenant's identifiers with stable pseudonyms and erases its personal fields; numbers are kept (platform admin only).");
        app.MapPost("/v1/admin/tenants/{id}/leads/{lead}/erase", (string id, string lead, HttpContext http, ApiOptions options) => AnonymizeAsync(http, options, id, lead))
            .RequireApiKey().Produces<AnonymizeResponse>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Erases one lead: its id pseudonymised, its address removed, its counts kept (platform admin only).");
    }

    private static async Task<IResult> AnonymizeAsync(HttpContext http, ApiOptions options, string tenant, string? lead)
    {
        if (options.PseudonymKey is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not configured",
                detail: $"Anonymization needs {PseudonymKey.EnvironmentVariable} set where serve runs.");
        }
        try
        {
            var result = await new Anonymizer(http.RequestServices.GetRequiredService<Storage.AnalyticsDatabase>(), options.PseudonymKey)
                .AnonymizeAsync(tenant, lead, Caller.Of(http).Actor(http), http.RequestAborted);
            return Results.Json(new AnonymizeResponse(
                result.Outcome == AnonymizationOutcome.Anonymized ? "anonymized" : "already_anonymized", result.Pseudonym, result.RowsChanged));
        }
        catch (AnalyticsException e) when (e.Message.StartsWith("No ", StringComparison.Ordinal))
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: e.Message);
        }
    }

    /// <summary>A resolved system event.</summary>
    public sealed record ResolveResponse(long Id, bool Resolved, string Resolution);

    /// <summary>What an anonymization did: <c>anonymized</c> or <c>already_anonymized</c>, the subject's pseudonym, the values replaced.</summary>
    public sealed record AnonymizeResponse(string Outcome, string Pseudonym, long ValuesReplaced);

    /// <summary>The body of a resolution: what was done about the event.</summary>
    public sealed record ResolveRequest(string? Resolution);
}
