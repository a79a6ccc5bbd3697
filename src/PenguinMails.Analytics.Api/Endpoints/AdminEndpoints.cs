using PenguinMails.Analytics.Api.Auth;
using PenguinMails.Analytics.Api.Routing;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Cluster;
using PenguinMails.Analytics.Compliance;
using PenguinMails.Analytics.Queries;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary>
/// The platform admin's reads: the guide's activity analysis, the audit trail of administrative
/// actions, and system events (unresolved first). <c>tenant_id</c> narrows each to one tenant (see <see cref="Caller"/>).
/// </summary>
public static class AdminEndpoints
{
    public static RouteGroupBuilder MapAdminApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/admin/activity", (HttpContext http, ReportReads reads) => reads.ReadAsync(http, Reports.AdminActivity)).ForReport(Reports.AdminActivity);
        v1.MapGet("/admin/audit-logs", (HttpContext http, ReportReads reads) => reads.ReadAsync(http, Reports.AuditLogs)).ForReport(Reports.AuditLogs);
        v1.MapGet("/admin/system-events", (HttpContext http, ReportReads reads) => reads.ReadAsync(http, Reports.SystemEvents)).ForReport(Reports.SystemEvents);

        v1.MapPost("/admin/system-events/{id}/resolve", async (string id, HttpContext http, SystemEvents events, ResolveRequest? body) =>
        {
            if (!long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var eventId))
            {
                return ReportReads.NotFound("system event", id);
            }
            var note = body?.Resolution?.Trim();
            if (note is { Length: > 1000 })
            {
                return ReportReads.BadRequest($"resolution must be at most 1000 characters, got {note.Length}");
            }
            var actor = Caller.Of(http).Actor(http);
            return await events.ResolveAsync(eventId, string.IsNullOrEmpty(note) ? null : note, actor, http.RequestAborted) switch
            {
                SystemEvents.Resolution.NotFound => ReportReads.NotFound("system event", id),
                SystemEvents.Resolution.AlreadyResolved => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: $"System event {id} is already resolved."),
                _ => Results.Json(new ResolveResponse(eventId, true, note ?? "resolved")),
            };
        }).RequireApiKey().ForRowInRoute("admin_system_events").Produces<ResolveResponse>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
          .ProducesProblem(StatusCodes.Status400BadRequest).WithSummary("Resolves an open system event (an alert) with a note; audited in admin_audit_logs (platform admin only).");
        return v1.MapAnonymizationApi();
    }

    /// <summary>
    /// GDPR: <c>POST /v1/admin/tenants/{id}/anonymize</c> and <c>POST /v1/admin/tenants/{id}/leads/{lead}/erase</c>
    /// (platform admin only), the same as <c>penguin-analytics anonymize</c>.
    /// </summary>
    private static RouteGroupBuilder MapAnonymizationApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/admin/tenants/{id}/anonymize", (string id, HttpContext http, AnalyticsDatabase database, ApiOptions options, ServiceGraphs graphs) => AnonymizeAsync(http, database, graphs, options, id, null))
            .RequireApiKey().ForTenantInRoute().Produces<AnonymizeResponse>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Replaces a tenant's identifiers with stable pseudonyms and erases its personal fields; numbers are kept (platform admin only).");
        v1.MapPost("/admin/tenants/{id}/leads/{lead}/erase", (string id, string lead, HttpContext http, AnalyticsDatabase database, ApiOptions options, ServiceGraphs graphs) => AnonymizeAsync(http, database, graphs, options, id, lead))
            .RequireApiKey().ForTenantInRoute().Produces<AnonymizeResponse>().ProducesProblem(StatusCodes.Status404NotFound).WithSummary("Erases one lead: its id pseudonymised, its address removed, its counts kept (platform admin only).");
        return v1;
    }

    private static async Task<IResult> AnonymizeAsync(HttpContext http, AnalyticsDatabase database, ServiceGraphs graphs, ApiOptions options, string tenant, string? lead)
    {
        if (options.PseudonymKey is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Not configured",
                detail: $"Anonymization needs {PseudonymKey.EnvironmentVariable} set where serve runs.");
        }
        try
        {
            // On a cluster the coordinator's rows about the tenant (its placement, keys) follow its new id.
            var result = graphs.Cluster is { } cluster
                ? await new ClusterAnonymizer(cluster, options.PseudonymKey).AnonymizeAsync(tenant, lead, Caller.Of(http).Actor(http), http.RequestAborted)
                : await new Anonymizer(database, options.PseudonymKey).AnonymizeAsync(tenant, lead, Caller.Of(http).Actor(http), http.RequestAborted);
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
