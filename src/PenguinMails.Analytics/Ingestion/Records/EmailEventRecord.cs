namespace PenguinMails.Analytics.Ingestion.Records;

/// <summary>
/// An <c>email.*</c> event or a <c>mailbox.health</c> snapshot. References are only set for
/// <c>email.sent</c> (campaign, step, mailbox, lead, or mailbox alone for warmup) and for
/// <c>mailbox.health</c> (mailbox); health fields only for the latter. <see cref="TenantId"/> is the
/// optional <c>tenant_id</c> that says whose <c>email_id</c> this is (email ids are per tenant).
/// <see cref="Machine"/>: for an open or click, whether a machine did it (the sender's flag, else
/// true when the user agent is a known machine's, else null: the fold's timing rule decides);
/// <see cref="ReplyKind"/> for a reply, <see cref="Category"/> for a reply categorization.
/// A struct: a batch keeps hundreds of thousands in one list until they are staged, and as
/// objects each would be copied twice by the collector on its way to the oldest generation.
/// </summary>
internal readonly record struct EmailEventRecord(
    long Line,
    EmailEventKind Kind,
    string EventId,
    string? EmailId,
    DateTime OccurredAt,
    string? BounceType = null,
    string? CampaignId = null,
    string? StepId = null,
    string? MailboxId = null,
    string? LeadId = null,
    bool Warmup = false,
    int? HealthScore = null,
    int? ProgressPercentage = null,
    string? WarmupStatus = null,
    string? TenantId = null,
    bool? Machine = null,
    string? ReplyKind = null,
    string? Category = null);
