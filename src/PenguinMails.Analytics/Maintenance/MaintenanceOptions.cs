namespace PenguinMails.Analytics.Maintenance;

/// <summary>What a maintenance run keeps and prepares.</summary>
public sealed class MaintenanceOptions
{
    /// <summary>Rows older than this move to the archive tables (the guide's two years by default).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(730);

    /// <summary>Monthly partitions to have ready ahead of today (PostgreSQL).</summary>
    public int MonthsAhead { get; set; } = 3;

    /// <summary>Who runs it, for the <c>admin_audit_logs</c> row (the scheduler by default).</summary>
    public Auditing.AdminActor Actor { get; set; } = Auditing.AdminActor.System("maintenance");
}
