namespace PenguinMails.Analytics.Jobs;

/// <summary>A claimed job: what to do, for whom, and which attempt this is.</summary>
public sealed record Job(long Id, string Type, string? TenantId, string Payload, int Attempt, int MaxAttempts);
