namespace PenguinMails.Analytics.Maintenance;

/// <summary>What a maintenance run did.</summary>
public sealed record MaintenanceResult(DateTime Cutoff, int PartitionsCreated, IReadOnlyDictionary<string, long> Archived, long SummaryRows, TimeSpan Elapsed)
{
    /// <summary>One line for people and for the system event.</summary>
    public override string ToString() =>
        $"archived {Archived.Values.Sum():N0} rows older than {Cutoff:yyyy-MM-dd} "
        + $"({string.Join(", ", Archived.Where(a => a.Value > 0).Select(a => $"{a.Key} {a.Value:N0}"))}), "
        + $"created {PartitionsCreated} partitions, refreshed campaign_performance_summary ({SummaryRows:N0} rows), analyzed, in {Elapsed.TotalSeconds:0.0} s";
}
