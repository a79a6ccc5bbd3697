namespace PenguinMails.Analytics.Ingestion;

/// <summary>Limits and batch sizes for ingestion; the defaults suit both the CLI and HTTP.</summary>
public sealed class IngestOptions
{
    /// <summary>A line longer than this (in UTF-8 bytes) is rejected without being parsed.</summary>
    public int MaxLineBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Lines per transaction; null takes the engine's (<see cref="Storage.AnalyticsDatabase.IngestBatchLines"/>).
    /// Larger batches amortize the set-based SQL; each batch is durable on its own.
    /// </summary>
    public int? BatchLines { get; set; }

    /// <summary>At most this many rejections are kept for the report; all are counted.</summary>
    public int MaxReportedErrors { get; set; } = 1_000;

    /// <summary>
    /// The tenant a producer's API key belongs to: records about other tenants' entities are
    /// rejected, and events apply only to this tenant's emails. Null for the platform (CLI, admin keys).
    /// </summary>
    public string? TenantId { get; set; }

    /// <summary>The longest identifier accepted (ids, event ids, email ids).</summary>
    public int MaxIdLength { get; set; } = 200;

    /// <summary>The timestamps accepted; outside them a line is rejected.</summary>
    public TimestampWindow Timestamps { get; set; } = TimestampWindow.FromEnvironment(Environment.GetEnvironmentVariable);
}
