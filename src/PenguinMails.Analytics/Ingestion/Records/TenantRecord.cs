namespace PenguinMails.Analytics.Ingestion.Records;

/// <summary>A <c>tenant</c> upsert.</summary>
internal sealed record TenantRecord(long Line, string Id, string? Name, int? BillingCycleDay);
