namespace PenguinMails.Analytics.Auditing;

/// <summary>One read or export, as the guide's <c>analytics_access_audit</c> records it.</summary>
public sealed record AccessAuditEntry(
    string? UserId,
    string? TenantId,
    string QueryType,
    string TableAccessed,
    string? FiltersJson,
    int? RowsReturned,
    int DurationMs,
    string? IpAddress,
    string? UserAgent,
    bool Success,
    string? FailureReason,
    DateTime Created);
