namespace PenguinMails.Analytics.Maintenance;

/// <summary>What a maintenance run keeps and prepares.</summary>
public sealed class MaintenanceOptions
{
    /// <summary>Rows older than this move to the archive tables (the guide's two years by default).</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(730);

    /// <summary>Monthly partitions to have ready ahead of today (PostgreSQL).</summary>
    public int MonthsAhead { get; set; } = 3;
}
