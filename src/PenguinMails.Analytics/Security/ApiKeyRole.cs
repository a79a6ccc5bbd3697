namespace PenguinMails.Analytics.Security;

/// <summary>What an API key may do. Stored as its snake_case name.</summary>
public enum ApiKeyRole
{
    /// <summary>Reads its tenant's analytics.</summary>
    Viewer,

    /// <summary>Reads its tenant's analytics and administers the tenant (approvals, keys of the tenant).</summary>
    TenantAdmin,

    /// <summary>A producer: sends records to <c>POST /v1/ingest</c> for its tenant.</summary>
    Ingest,

    /// <summary>The platform: every tenant, every endpoint, ingest included.</summary>
    Admin,
}

/// <summary>Role names as stored and typed on the command line.</summary>
public static class ApiKeyRoles
{
    public static string ToName(this ApiKeyRole role) => role switch
    {
        ApiKeyRole.Viewer => "viewer",
        ApiKeyRole.TenantAdmin => "tenant_admin",
        ApiKeyRole.Ingest => "ingest",
        ApiKeyRole.Admin => "admin",
        _ => throw new ArgumentOutOfRangeException(nameof(role)),
    };

    public static ApiKeyRole Parse(string name) => name switch
    {
        "viewer" => ApiKeyRole.Viewer,
        "tenant_admin" => ApiKeyRole.TenantAdmin,
        "ingest" => ApiKeyRole.Ingest,
        "admin" => ApiKeyRole.Admin,
        _ => throw new AnalyticsException($"Unknown role '{name}': use viewer, tenant_admin, ingest or admin."),
    };
}
