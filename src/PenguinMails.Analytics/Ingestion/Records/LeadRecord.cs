namespace PenguinMails.Analytics.Ingestion.Records;

/// <summary>A <c>lead</c> upsert.</summary>
internal sealed record LeadRecord(long Line, string Id, string CompanyId, string? Address, string? Status);
