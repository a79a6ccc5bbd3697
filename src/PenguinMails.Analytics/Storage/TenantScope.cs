namespace PenguinMails.Analytics.Storage;

/// <summary>
/// Whose data a read may see: one tenant, or every tenant for the platform admin. Every tenant
/// read runs under a scope (DESIGN.md, "Query layer"): the query's own predicates are the first
/// wall; on PostgreSQL the transaction also runs as the application role with
/// <c>app.current_tenant_id</c> set, so row-level security is the second.
/// </summary>
public sealed record TenantScope(string TenantId, bool IsAdmin)
{
    /// <summary>Every tenant: the platform operator at the command line.</summary>
    public static TenantScope Platform { get; } = new(Auditing.AdminAuditLog.Platform, IsAdmin: true);

    /// <summary>The tenant to filter by in SQL: null for the admin, who sees all.</summary>
    public string? FilterTenantId => IsAdmin || WithoutQueryLayerFilter ? null : TenantId;

    /// <summary>
    /// Tests only: drops the query layer's own tenant predicate, so that a test can prove that
    /// PostgreSQL's row-level security alone keeps tenants apart. Never set in the product.
    /// </summary>
    internal bool WithoutQueryLayerFilter { get; init; }
}
