using PenguinMails.Analytics.Api.Auth;

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
            .RequireApiKey().Audited("admin_audit_logs", queryType: "report")
            .WithSummary("The guide's administrative activity analysis for compliance (platform admin only).");

        app.MapGet("/v1/admin/audit-logs", (HttpContext http, TimeProvider time, string? admin_user_id, string? action, string? resource_type) =>
            ReportEndpoints.ReadAsync(http, time, ReportEndpoints.Named("audit_logs"), paged: true,
                read => [read.From, read.To, admin_user_id, action, resource_type]))
            .RequireApiKey().Audited("admin_audit_logs", queryType: "report")
            .WithSummary("Administrative actions with old and new values, newest first (platform admin only).");

        app.MapGet("/v1/admin/system-events", (HttpContext http, TimeProvider time, string? event_type, string? severity) =>
            ReportEndpoints.ReadAsync(http, time, ReportEndpoints.Named("system_events"), paged: true,
                read => [read.From, read.To, event_type, severity]))
            .RequireApiKey().Audited("admin_system_events", queryType: "report")
            .WithSummary("System events (alerts, sessions, dead letters, pool tuning, maintenance), unresolved first (platform admin only).");
    }
}
