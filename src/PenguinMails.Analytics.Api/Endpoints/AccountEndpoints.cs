using PenguinMails.Analytics.Api.Auth;
using PenguinMails.Analytics.Pools;
using PenguinMails.Analytics.Queries;
using PenguinMails.Analytics.Security;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary>
/// Who the caller is (<c>GET /v1/me</c>: what the dashboard signs in with).
/// </summary>
public static class AccountEndpoints
{
    private static readonly ApiKeyRole[] AnyRole = [ApiKeyRole.Viewer, ApiKeyRole.TenantAdmin, ApiKeyRole.Ingest];

    /// <summary>The calling key (<c>tenant_id</c> is <c>*</c> for a platform admin key made without a tenant).</summary>
    /// <summary>The calling key; <see cref="TimeZone"/> is its tenant's (the dashboard's days are that zone's days).</summary>
    public sealed record MeResponse(string KeyId, string? Name, string Role, string TenantId, string? TenantName, bool CanRead, string TimeZone);

    public static RouteGroupBuilder MapAccountApi(this RouteGroupBuilder v1)
    {
        // Two parameters, so that the lambda is not taken for a RequestDelegate (whose result would be dropped).
        v1.MapGet("/me", async (HttpContext http, ScopedQuery query) =>
        {
            var key = Caller.Of(http).Key;
            var tenant = await query.ReadAsync(new TenantScope(key.TenantId, IsAdmin: false), Reports.Tenants, new ReportFilter(default, default), default,
                PoolTypes.Dashboard, http.RequestAborted);
            return Results.Json(new MeResponse(key.Id, key.Name, key.Role.ToName(), key.TenantId,
                tenant.Rows.Count > 0 ? tenant.Rows[0][1] as string : null, key.Role != ApiKeyRole.Ingest,
                tenant.Rows.Count > 0 && tenant.Rows[0][2] is string zone ? zone : "UTC"));
        }).RequireApiKey(AnyRole).Produces<MeResponse>().WithSummary("The calling key: its tenant, role and name (never its secret).");
        return v1;
    }
}
