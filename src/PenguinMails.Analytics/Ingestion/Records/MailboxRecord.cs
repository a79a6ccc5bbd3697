namespace PenguinMails.Analytics.Ingestion.Records;

/// <summary>A <c>mailbox</c> upsert.</summary>
internal sealed record MailboxRecord(long Line, string Id, string CompanyId, string? Address, string? Domain, string? WarmupStatus, int? CurrentVolume);
