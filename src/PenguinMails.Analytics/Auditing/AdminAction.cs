namespace PenguinMails.Analytics.Auditing;

/// <summary>
/// One administrative action for <c>admin_audit_logs</c>: what was done to which resource of which
/// tenant (<see cref="AdminAuditLog.Platform"/> for actions on the whole platform), the values
/// before and after (serialized to JSON; never a secret), and the guide's compliance columns.
/// </summary>
public sealed record AdminAction(
    AdminActor Actor, string Action, string ResourceType, string ResourceId, string TenantId,
    object? OldValues = null, object? NewValues = null, string? Notes = null, long AffectedRows = 0,
    TimeSpan? Duration = null, string DataClassification = "confidential", string RetentionCategory = "long_term",
    IReadOnlyList<string>? ComplianceFlags = null);
