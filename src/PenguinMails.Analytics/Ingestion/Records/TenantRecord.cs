namespace PenguinMails.Analytics.Ingestion.Records;

/// <summary>A <c>tenant</c> upsert; <see cref="TimeZone"/> is an IANA name (its days are local days).</summary>
internal sealed record TenantRecord(long Line, string Id, string? Name, int? BillingCycleDay, string? TimeZone = null);
