namespace PenguinMails.Analytics.Ingestion;

/// <summary>How far an ingest has come, reported after each batch.</summary>
/// <param name="Lines">Lines read.</param>
/// <param name="Bytes">Bytes read.</param>
/// <param name="Accepted">Records accepted so far.</param>
/// <param name="Rejected">Records rejected so far.</param>
public sealed record IngestProgress(long Lines, long Bytes, long Accepted, long Rejected);
