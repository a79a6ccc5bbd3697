namespace PenguinMails.Analytics.Ingestion.Records;

/// <summary>A <c>campaign</c> upsert.</summary>
internal sealed record CampaignRecord(long Line, string Id, string CompanyId, string? Name, string? Status, DateTime? StartedAt, DateTime? CompletedAt);
