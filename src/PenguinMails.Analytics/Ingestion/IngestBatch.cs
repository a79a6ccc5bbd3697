using PenguinMails.Analytics.Ingestion.Records;

namespace PenguinMails.Analytics.Ingestion;

/// <summary>
/// The parsed records of one batch, ready to stage: entity upserts merged per id (later non-null
/// values win, as the contract says), email events in input order with repeated event ids dropped.
/// </summary>
internal sealed class IngestBatch
{
    private readonly Dictionary<(string Type, string Id), MergedEntity> entityIndex = [];
    private readonly HashSet<string> eventIds;

    /// <summary>
    /// A batch that fills <paramref name="events"/> (empty: the list of a batch staged before) or a
    /// new list; its event ids' set starts at the list's size, which the batch before reached.
    /// </summary>
    public IngestBatch(List<EmailEventRecord>? events = null)
    {
        Events = events ?? [];
        eventIds = new HashSet<string>(Events.Capacity, StringComparer.Ordinal);
    }

    public List<MergedEntity> Entities { get; } = [];

    public List<EmailEventRecord> Events { get; private set; }

    /// <summary>How many events the batch has, also after <see cref="ReleaseEvents"/>.</summary>
    public int EventCount => releasedEvents ?? Events.Count;

    private int? releasedEvents;

    /// <summary>Lines in the batch that parsed (accepted unless the database rejects them).</summary>
    public long ParsedLines { get; private set; }

    public bool IsEmpty => ParsedLines == 0;

    /// <summary>The input line the batch ends at, and the bytes read up to it (for progress).</summary>
    public long LastLine { get; set; }

    /// <inheritdoc cref="LastLine"/>
    public long BytesRead { get; set; }

    /// <summary>Adds a parsed record; returns a rejection when it contradicts an earlier line of the batch.</summary>
    public Rejection? Add(in ParsedRecord record)
    {
        ParsedLines++;
        if (record.Entity is null)
        {
            // A repeated event id is a no-op (DESIGN.md): accepted, applied once.
            if (eventIds.Add(record.Event.EventId))
            {
                Events.Add(record.Event);
            }
            return null;
        }
        switch (record.Entity)
        {
            case TenantRecord t:
                return Merge("tenant", t.Id, null, t.Line, m => m with { Name = t.Name ?? m.Name, BillingCycleDay = t.BillingCycleDay ?? m.BillingCycleDay, TimeZone = t.TimeZone ?? m.TimeZone });
            case CompanyRecord c:
                return Merge("company", c.Id, c.TenantId, c.Line, m => m with { Name = c.Name ?? m.Name });
            case CampaignRecord c:
                return Merge("campaign", c.Id, c.CompanyId, c.Line, m => m with
                {
                    Name = c.Name ?? m.Name, Status = c.Status ?? m.Status,
                    StartedAt = c.StartedAt ?? m.StartedAt, CompletedAt = c.CompletedAt ?? m.CompletedAt,
                });
            case SequenceStepRecord s:
                return Merge("sequence_step", s.Id, s.CampaignId, s.Line, m => m with { StepNumber = s.StepNumber ?? m.StepNumber, Variant = s.Variant ?? m.Variant });
            case MailboxRecord b:
                return Merge("mailbox", b.Id, b.CompanyId, b.Line, m => m with
                {
                    Address = b.Address ?? m.Address, Domain = b.Domain ?? m.Domain,
                    WarmupStatus = b.WarmupStatus ?? m.WarmupStatus, CurrentVolume = b.CurrentVolume ?? m.CurrentVolume,
                });
            case LeadRecord l:
                return Merge("lead", l.Id, l.CompanyId, l.Line, m => m with { Address = l.Address ?? m.Address, Status = l.Status ?? m.Status });
            default:
                throw new ArgumentException($"Unexpected record {record.Entity.GetType().Name}.", nameof(record));
        }
    }

    /// <summary>
    /// Lets go of the events once they are staged (the database holds them then), so that a staged
    /// batch waiting for its turn to be applied costs no more memory than its entities, which stay
    /// to name the lines of a rejected one. Returns their list, emptied, for a later batch of the
    /// same ingest to fill: grown to a batch's size it is tens of megabytes, which each batch would
    /// otherwise allocate again, doubling as it fills.
    /// </summary>
    public List<EmailEventRecord> ReleaseEvents()
    {
        var events = Events;
        releasedEvents = events.Count;
        events.Clear();
        Events = [];
        eventIds.Clear();
        eventIds.TrimExcess();
        return events;
    }

    private Rejection? Merge(string type, string id, string? parentId, long line, Func<EntityFields, EntityFields> apply)
    {
        if (!entityIndex.TryGetValue((type, id), out var merged))
        {
            merged = new MergedEntity(type, id, parentId, Entities.Count);
            entityIndex.Add((type, id), merged);
            Entities.Add(merged);
        }
        else if (!string.Equals(merged.ParentId, parentId, StringComparison.Ordinal))
        {
            ParsedLines--;
            return new Rejection(line, ParentField(type), $"{type} '{id}' was given parent '{merged.ParentId}' on line {merged.Lines[0]}; an entity cannot move");
        }
        merged.Lines.Add(line);
        merged.Fields = apply(merged.Fields);
        return null;
    }

    private static string ParentField(string type) => type switch
    {
        "company" => "tenant_id",
        "sequence_step" => "campaign_id",
        _ => "company_id",
    };
}

/// <summary>All lines of one entity in a batch, merged.</summary>
internal sealed class MergedEntity(string type, string id, string? parentId, int index)
{
    public string Type { get; } = type;

    public string Id { get; } = id;

    public string? ParentId { get; } = parentId;

    /// <summary>The position in the batch: the staged row's <c>line</c>, mapped back to <see cref="Lines"/>.</summary>
    public int Index { get; } = index;

    public List<long> Lines { get; } = [];

    public EntityFields Fields { get; set; } = new();
}

/// <summary>The optional fields of any entity type; each type uses some of them.</summary>
internal sealed record EntityFields
{
    public string? Name { get; init; }

    public string? Status { get; init; }

    public string? Address { get; init; }

    public string? Domain { get; init; }

    public string? WarmupStatus { get; init; }

    /// <summary>A tenant's billing cycle day.</summary>
    public int? BillingCycleDay { get; init; }

    /// <summary>A sequence step's number.</summary>
    public int? StepNumber { get; init; }

    /// <summary>A mailbox's current daily volume.</summary>
    public int? CurrentVolume { get; init; }

    public DateTime? StartedAt { get; init; }

    public DateTime? CompletedAt { get; init; }

    public string? Variant { get; init; }

    /// <summary>A tenant's time zone (IANA name).</summary>
    public string? TimeZone { get; init; }
}
