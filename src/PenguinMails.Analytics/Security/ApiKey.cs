namespace PenguinMails.Analytics.Security;

/// <summary>An API key as stored (never with its secret).</summary>
public sealed record ApiKey(string Id, string TenantId, ApiKeyRole Role, string? Name, DateTime Created, DateTime? Revoked, DateTime? LastUsed)
{
    /// <summary>True for the platform admin role, which reads every tenant.</summary>
    public bool IsAdmin => Role == ApiKeyRole.Admin;
}
