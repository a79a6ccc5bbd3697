namespace PenguinMails.Analytics.Ingestion.Records;

/// <summary>A <c>company</c> upsert.</summary>
internal sealed record CompanyRecord(long Line, string Id, string TenantId, string? Name);
