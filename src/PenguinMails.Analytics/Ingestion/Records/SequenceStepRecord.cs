namespace PenguinMails.Analytics.Ingestion.Records;

/// <summary>A <c>sequence_step</c> upsert.</summary>
internal sealed record SequenceStepRecord(long Line, string Id, string CampaignId, int? StepNumber, string? Variant);
