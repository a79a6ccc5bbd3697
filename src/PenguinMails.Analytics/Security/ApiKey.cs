namespace PenguinMails.Analytics.Security;

/// <summary>An API key as stored (never with its secret).</summary>
public sealed record ApiKey(string Id, string TenantId, ApiKeyRole Role, string? Name, DateTime Created, DateTime? Revoked, DateTime? LastUsed)
{
    /// <summary>True for the platform admin role, which reads every tenant.</summary>
    public bool IsAdmin => Role == ApiKeyRole.Admin;

    /// <summary>
    /// The tenant column of a platform admin key made without a tenant: the admin reads every
    /// tenant, so it belongs to none ("*" is no tenant id the data contract would produce).
    /// </summary>
    public const string PlatformTenant = "*";
}
