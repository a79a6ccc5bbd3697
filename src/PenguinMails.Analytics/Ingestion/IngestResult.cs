namespace PenguinMails.Analytics.Ingestion;

/// <summary>What one ingest call accepted and rejected.</summary>
/// <param name="Accepted">Records accepted and durable.</param>
/// <param name="Rejected">Records rejected (each with a reason in <paramref name="Errors"/>, up to the report limit).</param>
/// <param name="Errors">The rejections, in line order, at most <see cref="IngestOptions.MaxReportedErrors"/>.</param>
public sealed record IngestResult(long Accepted, long Rejected, IReadOnlyList<Rejection> Errors);
