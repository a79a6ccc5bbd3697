using System.Globalization;
using System.Text;
using System.Text.Json;
using PenguinMails.Analytics.Ingestion.Records;

namespace PenguinMails.Analytics.Ingestion;

/// <summary>
/// Parses and validates one NDJSON line of the data contract (DESIGN.md, "Data contract") into a
/// typed record, or says precisely why not: which field, and what is wrong with it. Unknown fields
/// are ignored so that producers can add fields before this tier knows them. Not thread-safe: one
/// parser per ingest stream (it reuses its field buffers).
/// </summary>
internal sealed partial class RecordParser
{
    private static readonly string[] RecordTypes =
    [
        "tenant", "company", "campaign", "sequence_step", "mailbox", "lead",
        "email.sent", "email.delivered", "email.opened", "email.clicked", "email.replied",
        "email.bounced", "email.unsubscribed", "email.spam_complaint", "mailbox.health", "email.reply_categorized",
    ];

    private static readonly string[] ReplyKinds = ["human", "auto", "out_of_office"];

    private static readonly string[] Categories = ["interested", "meeting_booked", "not_interested", "other"];

    // The contract's field names, in the order of Field, and its record types as UTF-8, so that a
    // line's names and its type are matched against them instead of allocating a string each.
    private static readonly (byte[] Utf8, string Text)[] KnownNames = Utf8Table(
        "type", "id", "event_id", "email_id", "occurred_at", "campaign_id", "step_id", "mailbox_id", "lead_id", "tenant_id", "company_id",
        "name", "status", "address", "domain", "warmup_status", "billing_cycle_day", "step_number", "variant", "current_volume",
        "started_at", "completed_at", "warmup", "bounce_type", "health_score", "progress_percentage",
        "machine", "user_agent", "kind", "category", "time_zone");

    private static readonly Dictionary<string, Field> FieldsByName =
        KnownNames.Select((name, index) => (name.Text, (Field)index)).ToDictionary(n => n.Text, n => n.Item2, StringComparer.Ordinal);

    private static readonly (byte[] Utf8, string Text)[] KnownTypes = Utf8Table(RecordTypes);

    // At most this many distinct ids are kept to be shared between the lines that repeat them (a
    // workload names each campaign, step, mailbox and lead on many lines); past it the table starts over.
    private const int MaxSharedIds = 65_536;

    // The line's fields by Field, reused: Kind Undefined is a field the line does not have. A string
    // value is a slice of `line` (valid UTF-8, no escapes) until a record asks for it as text; one
    // with escapes is unescaped when it is read, as the reader only can.
    private readonly JsonField[] fields = new JsonField[KnownNames.Length];
    private readonly Dictionary<string, string> sharedIds = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> sharedIdLookup;
    private readonly int maxIdLength;
    private readonly TimestampWindow timestamps;
    private byte[] line = new byte[1024];
    private long lineNumber;

    public RecordParser(int maxIdLength, TimestampWindow? timestamps = null)
    {
        this.maxIdLength = maxIdLength;
        this.timestamps = timestamps ?? new TimestampWindow();
        sharedIdLookup = sharedIds.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>
    /// Parses <paramref name="utf8"/>; returns the record (an email event boxed), or null with
    /// <paramref name="rejection"/> set: <see cref="TryParse"/> for callers that keep lines of every
    /// kind as objects (the cluster's router).
    /// </summary>
    public object? Parse(ReadOnlySpan<byte> utf8, long lineNumber, out Rejection? rejection) =>
        TryParse(utf8, lineNumber, out var record, out rejection) ? record.Entity ?? record.Event : null;

    /// <summary>
    /// Parses <paramref name="utf8"/> into <paramref name="record"/>, or returns false with
    /// <paramref name="rejection"/> set. An email event stays a struct (ingest keeps millions).
    /// </summary>
    public bool TryParse(ReadOnlySpan<byte> utf8, long lineNumber, out ParsedRecord record, out Rejection? rejection)
    {
        this.lineNumber = lineNumber;
        rejection = null;
        record = default;
        try
        {
            ReadFields(utf8);
            record = Build();
            return true;
        }
        catch (JsonException e)
        {
            rejection = new Rejection(lineNumber, Rejection.WholeLine, $"not valid JSON: {FirstSentence(e.Message)}");
        }
        catch (InvalidRecordException e)
        {
            rejection = new Rejection(lineNumber, e.Field, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever else a line can make the reader throw is that line's problem, never the file's.
            rejection = new Rejection(lineNumber, Rejection.WholeLine, $"cannot be read: {FirstSentence(e.Message)}");
        }
        return false;
    }

    private void ReadFields(ReadOnlySpan<byte> utf8)
    {
        Array.Clear(fields);
        // A copy of the line (a few hundred bytes, reused), so that a record can read its values
        // from it after the reader is done; the caller's span cannot be kept in a field.
        if (line.Length < utf8.Length)
        {
            line = new byte[Math.Max(utf8.Length, line.Length * 2)];
        }
        utf8.CopyTo(line);
        var reader = new Utf8JsonReader(line.AsSpan(0, utf8.Length), new JsonReaderOptions { MaxDepth = 16 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidRecordException(Rejection.WholeLine, "expected a JSON object");
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // An unknown field is ignored, but its name and value must still be text; an escaped
            // name is read as text and may still be one of the contract's.
            var known = Known(ref reader, KnownNames);
            var name = known >= 0 ? KnownNames[known].Text : Text(ref reader, null);
            if (known < 0 && FieldsByName.TryGetValue(name, out var escaped))
            {
                known = (int)escaped;
            }
            reader.Read();
            var value = reader.TokenType switch
            {
                JsonTokenType.String => StringField(ref reader, name, known == (int)Field.Type),
                JsonTokenType.Number => new JsonField(JsonValueKind.Number, (int)reader.TokenStartIndex, reader.ValueSpan.Length, null),
                JsonTokenType.True => new JsonField(JsonValueKind.True, 0, 0, null),
                JsonTokenType.False => new JsonField(JsonValueKind.False, 0, 0, null),
                JsonTokenType.Null => new JsonField(JsonValueKind.Null, 0, 0, null),
                _ => Skip(ref reader),
            };
            if (known >= 0)
            {
                fields[known] = value;
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException("unexpected token after the object's properties");
        }
        // Anything after the object (a second object on the same line) makes the reader throw.
        reader.Read();
    }

    // A string value: a known record type as its constant, an escaped one unescaped now (the reader
    // checks it), any other kept as its slice of the line once it is known to be UTF-8.
    private static JsonField StringField(ref Utf8JsonReader reader, string name, bool isType)
    {
        if (isType && Known(ref reader, KnownTypes) is >= 0 and var type)
        {
            return new JsonField(JsonValueKind.String, 0, 0, KnownTypes[type].Text);
        }
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return new JsonField(JsonValueKind.String, 0, 0, Text(ref reader, name));
        }
        if (!System.Text.Unicode.Utf8.IsValid(reader.ValueSpan))
        {
            throw new InvalidRecordException(name, NotUtf8);
        }
        // An unescaped string cannot hold a NUL: JSON does not allow control characters in one.
        return new JsonField(JsonValueKind.String, (int)reader.TokenStartIndex + 1, reader.ValueSpan.Length, null);
    }

    // The index in the table of the known text the reader is at, or -1 (an escaped one is read as text).
    private static int Known(ref Utf8JsonReader reader, (byte[] Utf8, string Text)[] table)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return -1;
        }
        var span = reader.ValueSpan;
        for (var i = 0; i < table.Length; i++)
        {
            if (span.SequenceEqual(table[i].Utf8))
            {
                return i;
            }
        }
        return -1;
    }

    private static (byte[] Utf8, string Text)[] Utf8Table(params string[] texts) => [.. texts.Select(t => (Encoding.UTF8.GetBytes(t), t))];

    private const string NotUtf8 = "is not valid UTF-8 text (invalid bytes or an unpaired surrogate escape)";

    // Utf8JsonReader checks the JSON's structure but transcodes strings only here: invalid UTF-8,
    // a lone or reversed surrogate escape, and an escaped NUL (which PostgreSQL cannot store in
    // text, and DuckDB would) are each the field's rejection, the same on both engines.
    private static string Text(ref Utf8JsonReader reader, string? field)
    {
        string text;
        try
        {
            text = reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw field is null
                ? new InvalidRecordException(Rejection.WholeLine, "a field name is not valid UTF-8 text (invalid bytes or an unpaired surrogate escape)")
                : new InvalidRecordException(field, NotUtf8);
        }
        if (text.Contains('\0', StringComparison.Ordinal))
        {
            throw new InvalidRecordException(field ?? Rejection.WholeLine, field is null
                ? "a field name contains a NUL character (\\u0000)"
                : "must not contain a NUL character (\\u0000)");
        }
        return text;
    }

    private static JsonField Skip(ref Utf8JsonReader reader)
    {
        var kind = reader.TokenType == JsonTokenType.StartArray ? JsonValueKind.Array : JsonValueKind.Object;
        reader.Skip();
        return new JsonField(kind, 0, 0, null);
    }

    private ParsedRecord Build()
    {
        var type = RequiredString(Field.Type, isId: false);
        return type switch
        {
            "email.sent" => new(Sent()),
            "email.delivered" => new(EmailEvent(EmailEventKind.Delivered)),
            "email.opened" => new(EmailEvent(EmailEventKind.Opened)),
            "email.clicked" => new(EmailEvent(EmailEventKind.Clicked)),
            "email.replied" => new(EmailEvent(EmailEventKind.Replied)),
            "email.reply_categorized" => new(EmailEvent(EmailEventKind.ReplyCategorized)),
            "email.unsubscribed" => new(EmailEvent(EmailEventKind.Unsubscribed)),
            "email.spam_complaint" => new(EmailEvent(EmailEventKind.SpamComplaint)),
            "email.bounced" => new(EmailEvent(EmailEventKind.Bounced) with { BounceType = BounceType() }),
            "mailbox.health" => new(new EmailEventRecord(lineNumber, EmailEventKind.MailboxHealth, Id(Field.EventId), null, Timestamp(Field.OccurredAt),
                MailboxId: Id(Field.MailboxId), HealthScore: OptionalInt(Field.HealthScore, 0, 100),
                ProgressPercentage: OptionalInt(Field.ProgressPercentage, 0, 100), WarmupStatus: OptionalString(Field.WarmupStatus),
                TenantId: OptionalId(Field.TenantId))),
            _ => new(Entity(type)),
        };
    }

    private object Entity(string type) =>
        type switch
        {
            "tenant" => new TenantRecord(lineNumber, Id(Field.Id), OptionalString(Field.Name), OptionalInt(Field.BillingCycleDay, 1, 28), TimeZone()),
            "company" => new CompanyRecord(lineNumber, Id(Field.Id), Id(Field.TenantId), OptionalString(Field.Name)),
            "campaign" => new CampaignRecord(lineNumber, Id(Field.Id), Id(Field.CompanyId), OptionalString(Field.Name), OptionalString(Field.Status),
                OptionalTimestamp(Field.StartedAt), OptionalTimestamp(Field.CompletedAt)),
            "sequence_step" => new SequenceStepRecord(lineNumber, Id(Field.Id), Id(Field.CampaignId), OptionalInt(Field.StepNumber, 0, 10_000), OptionalString(Field.Variant)),
            "mailbox" => new MailboxRecord(lineNumber, Id(Field.Id), Id(Field.CompanyId), OptionalString(Field.Address), OptionalString(Field.Domain),
                OptionalString(Field.WarmupStatus), OptionalInt(Field.CurrentVolume, 0, int.MaxValue)),
            "lead" => new LeadRecord(lineNumber, Id(Field.Id), Id(Field.CompanyId), OptionalString(Field.Address), OptionalString(Field.Status)),
            _ => throw new InvalidRecordException("type", $"unknown record type '{type}'; expected one of {string.Join(", ", RecordTypes)}"),
        };

    // Arguments are evaluated in order: the contract's fields are checked in the contract's order.
    private EmailEventRecord EmailEvent(EmailEventKind kind) =>
        new(lineNumber, kind, Id(Field.EventId), Id(Field.EmailId), Timestamp(Field.OccurredAt), TenantId: OptionalId(Field.TenantId),
            Machine: kind is EmailEventKind.Opened or EmailEventKind.Clicked ? Machine() : null,
            ReplyKind: kind == EmailEventKind.Replied ? OneOf(Field.Kind, ReplyKinds, required: false) ?? "human" : null,
            Category: kind == EmailEventKind.ReplyCategorized ? OneOf(Field.Category, Categories, required: true) : null);

    private EmailEventRecord Sent()
    {
        var warmup = OptionalBool(Field.Warmup) ?? false;
        // Fields checked in the contract's order (the first problem is the line's rejection); one
        // record built once, as a line is parsed hundreds of thousands of times a second.
        var (eventId, emailId, occurredAt, tenant, mailbox) = (Id(Field.EventId), Id(Field.EmailId), Timestamp(Field.OccurredAt), OptionalId(Field.TenantId), Id(Field.MailboxId));
        if (!warmup)
        {
            return new EmailEventRecord(lineNumber, EmailEventKind.Sent, eventId, emailId, occurredAt, CampaignId: Id(Field.CampaignId), StepId: Id(Field.StepId),
                MailboxId: mailbox, LeadId: Id(Field.LeadId), TenantId: tenant);
        }
        foreach (var field in (ReadOnlySpan<Field>)[Field.CampaignId, Field.StepId, Field.LeadId])
        {
            if (Has(field))
            {
                throw new InvalidRecordException(Name(field), "warmup traffic has no campaign, step or lead");
            }
        }
        return new EmailEventRecord(lineNumber, EmailEventKind.Sent, eventId, emailId, occurredAt, MailboxId: mailbox, Warmup: true, TenantId: tenant);
    }


    // The sender's flag wins; without it a known machine's user agent says machine, and anything
    // else is left to the fold, which knows when the email was sent (MachineUserAgents).
    private bool? Machine()
    {
        var flag = OptionalBool(Field.Machine);
        var machineAgent = IsMachineUserAgent(); // checked even when the flag decides
        return flag ?? (machineAgent ? true : null);
    }

    // user_agent, checked as OptionalString checks it, and matched without making a string of it
    // (a third of a workload's lines are opens and clicks, most with a browser's long user agent).
    private bool IsMachineUserAgent()
    {
        if (!TryGet(Field.UserAgent, out var field))
        {
            return false;
        }
        if (field.Kind != JsonValueKind.String || field.Text is not null || field.Length > 1_000)
        {
            return MachineUserAgents.IsMachine(OptionalString(Field.UserAgent));
        }
        Span<char> buffer = stackalloc char[1_000];
        var chars = buffer[..Encoding.UTF8.GetChars(line.AsSpan(field.Start, field.Length), buffer)];
        return MachineUserAgents.IsMachine(chars);
    }

    // An IANA time zone name that this machine's time zone database knows (tzdata). Windows names
    // and paths are refused before the lookup; the databases' own conversions use the same names.
    private string? TimeZone()
    {
        var value = OptionalString(Field.TimeZone);
        if (value is null)
        {
            return null;
        }
        if (value.Length > 64 || !TimeZoneName().IsMatch(value) || !TimeZoneInfo.TryFindSystemTimeZoneById(value, out _))
        {
            throw new InvalidRecordException("time_zone", $"unknown time zone \"{Truncate(value)}\": use an IANA name like \"Europe/Berlin\" or \"UTC\"");
        }
        return value;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_+\-]*(/[A-Za-z0-9_+\-]+)*$")]
    private static partial System.Text.RegularExpressions.Regex TimeZoneName();

    private string? OneOf(Field name, string[] allowed, bool required)
    {
        var value = required ? RequiredString(name, isId: false) : OptionalString(name);
        return value is null || allowed.Contains(value, StringComparer.Ordinal)
            ? value
            : throw new InvalidRecordException(Name(name), $"must be one of {string.Join(", ", allowed.Select(a => $"\"{a}\""))}, got \"{Truncate(value)}\"");
    }

    private string BounceType()
    {
        var value = RequiredString(Field.BounceType, isId: false);
        return value switch
        {
            "hard" => "hard",
            "soft" => "soft",
            _ => throw new InvalidRecordException("bounce_type", $"must be \"hard\" or \"soft\", got \"{value}\""),
        };
    }

    private string Id(Field name) => RequiredString(name, isId: true);

    private string? OptionalId(Field name) => Has(name) ? Id(name) : null;

    // Whether the line has the field with a value other than null.
    private bool Has(Field name) => TryGet(name, out _);

    private bool TryGet(Field name, out JsonField field)
    {
        field = fields[(int)name];
        return field.Kind is not (JsonValueKind.Undefined or JsonValueKind.Null);
    }

    private static string Name(Field name) => KnownNames[(int)name].Text;

    private string RequiredString(Field name, bool isId)
    {
        if (!TryGet(name, out var field))
        {
            throw new InvalidRecordException(Name(name), "is required");
        }
        if (field.Kind != JsonValueKind.String)
        {
            throw new InvalidRecordException(Name(name), $"must be a string, got {Describe(field.Kind)}");
        }
        // Event ids are unique; the other ids repeat from line to line and are shared.
        var value = TextOf(field, share: isId && name != Field.EventId);
        if (value.Length == 0 || string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidRecordException(Name(name), "must not be empty");
        }
        if (isId && value.Length > maxIdLength)
        {
            throw new InvalidRecordException(Name(name), $"is longer than {maxIdLength} characters");
        }
        return value;
    }

    private string? OptionalString(Field name)
    {
        if (!TryGet(name, out var field))
        {
            return null;
        }
        if (field.Kind != JsonValueKind.String)
        {
            throw new InvalidRecordException(Name(name), $"must be a string, got {Describe(field.Kind)}");
        }
        var value = TextOf(field, share: false);
        if (value.Length > 1_000)
        {
            throw new InvalidRecordException(Name(name), "is longer than 1000 characters");
        }
        return value;
    }

    // A string field's text. A shared one is looked up in the ids seen before (no new string
    // for a repeated id: fewer objects for the collector to carry while a batch is built).
    private string TextOf(JsonField field, bool share)
    {
        if (field.Text is not null)
        {
            return field.Text;
        }
        var utf8 = line.AsSpan(field.Start, field.Length);
        if (!share || utf8.Length > 256)
        {
            return Encoding.UTF8.GetString(utf8);
        }
        Span<char> buffer = stackalloc char[256];
        var chars = buffer[..Encoding.UTF8.GetChars(utf8, buffer)];
        if (sharedIdLookup.TryGetValue(chars, out var shared))
        {
            return shared;
        }
        if (sharedIds.Count >= MaxSharedIds)
        {
            sharedIds.Clear();
        }
        shared = new string(chars);
        sharedIds.Add(shared, shared);
        return shared;
    }

    private bool? OptionalBool(Field name)
    {
        if (!TryGet(name, out var field))
        {
            return null;
        }
        return field.Kind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            var kind => throw new InvalidRecordException(Name(name), $"must be true or false, got {Describe(kind)}"),
        };
    }

    private int? OptionalInt(Field name, int min, int max)
    {
        if (!TryGet(name, out var field))
        {
            return null;
        }
        if (field.Kind != JsonValueKind.Number)
        {
            throw new InvalidRecordException(Name(name), $"must be a number, got {Describe(field.Kind)}");
        }
        var utf8 = line.AsSpan(field.Start, field.Length);
        if (!long.TryParse(utf8, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new InvalidRecordException(Name(name), $"must be a whole number, got {Truncate(Encoding.UTF8.GetString(utf8))}");
        }
        if (value < min || value > max)
        {
            throw new InvalidRecordException(Name(name), $"must be between {min} and {max}, got {value}");
        }
        return (int)value;
    }

    private DateTime Timestamp(Field name) =>
        OptionalTimestamp(name) ?? throw new InvalidRecordException(Name(name), "is required");

    private DateTime? OptionalTimestamp(Field name)
    {
        if (!TryGet(name, out var field))
        {
            return null;
        }
        if (field.Kind != JsonValueKind.String)
        {
            throw new InvalidRecordException(Name(name), $"must be an RFC 3339 timestamp string, got {Describe(field.Kind)}");
        }
        var parsed = field.Text is null ? Rfc3339.TryParse(line.AsSpan(field.Start, field.Length), out var utc) : Rfc3339.TryParse(field.Text, out utc);
        if (!parsed)
        {
            throw new InvalidRecordException(Name(name), $"is not an RFC 3339 timestamp with offset (like 2026-03-04T05:06:07Z): \"{Truncate(TextOf(field, share: false))}\"");
        }
        return timestamps.Check(utc) is { } outside
            ? throw new InvalidRecordException(Name(name), $"{outside}: \"{Truncate(TextOf(field, share: false))}\"")
            : utc;
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        _ => kind.ToString(),
    };

    private static string Truncate(string value) => value.Length <= 60 ? value : value[..60] + "...";

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message.TrimEnd('.') : message[..end];
    }

    // Start and Length: the value's bytes in the line; Text: a value read already (a known record type, an escaped string).
    private readonly record struct JsonField(JsonValueKind Kind, int Start, int Length, string? Text);

    // The contract's fields, in the order of KnownNames.
    private enum Field
    {
        Type, Id, EventId, EmailId, OccurredAt, CampaignId, StepId, MailboxId, LeadId, TenantId, CompanyId, Name, Status, Address, Domain, WarmupStatus, BillingCycleDay, StepNumber, Variant, CurrentVolume, StartedAt, CompletedAt, Warmup, BounceType, HealthScore, ProgressPercentage, Machine, UserAgent, Kind, Category, TimeZone,
    }

    private sealed class InvalidRecordException(string field, string message) : Exception(message)
    {
        public string Field { get; } = field;
    }
}
