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

    // The contract's field names and record types as UTF-8, so that a line's names and its type
    // are matched against them instead of allocating a string each (the parser's main cost).
    private static readonly (byte[] Utf8, string Text)[] KnownNames = Utf8Table(
        "type", "id", "event_id", "email_id", "occurred_at", "campaign_id", "step_id", "mailbox_id", "lead_id", "tenant_id", "company_id",
        "name", "status", "address", "domain", "warmup_status", "billing_cycle_day", "step_number", "variant", "current_volume",
        "started_at", "completed_at", "warmup", "bounce_type", "health_score", "progress_percentage",
        "machine", "user_agent", "kind", "category", "time_zone");

    private static readonly (byte[] Utf8, string Text)[] KnownTypes = Utf8Table(RecordTypes);

    private readonly Dictionary<string, JsonField> fields = new(StringComparer.Ordinal);
    private readonly int maxIdLength;
    private readonly TimestampWindow timestamps;
    private long line;

    public RecordParser(int maxIdLength, TimestampWindow? timestamps = null)
    {
        this.maxIdLength = maxIdLength;
        this.timestamps = timestamps ?? new TimestampWindow();
    }

    /// <summary>Parses <paramref name="utf8"/>; returns the record, or null with <paramref name="rejection"/> set.</summary>
    public object? Parse(ReadOnlySpan<byte> utf8, long lineNumber, out Rejection? rejection)
    {
        line = lineNumber;
        rejection = null;
        try
        {
            ReadFields(utf8);
            return Build();
        }
        catch (JsonException e)
        {
            rejection = new Rejection(line, Rejection.WholeLine, $"not valid JSON: {FirstSentence(e.Message)}");
        }
        catch (InvalidRecordException e)
        {
            rejection = new Rejection(line, e.Field, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Whatever else a line can make the reader throw is that line's problem, never the file's.
            rejection = new Rejection(line, Rejection.WholeLine, $"cannot be read: {FirstSentence(e.Message)}");
        }
        return null;
    }

    private void ReadFields(ReadOnlySpan<byte> utf8)
    {
        fields.Clear();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = 16 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidRecordException(Rejection.WholeLine, "expected a JSON object");
        }
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = Known(ref reader, KnownNames) ?? Text(ref reader, null);
            reader.Read();
            fields[name] = reader.TokenType switch
            {
                JsonTokenType.String => new JsonField(JsonValueKind.String, (name == "type" ? Known(ref reader, KnownTypes) : null) ?? Text(ref reader, name)),
                JsonTokenType.Number => new JsonField(JsonValueKind.Number, Encoding.UTF8.GetString(reader.ValueSpan)),
                JsonTokenType.True => new JsonField(JsonValueKind.True, null),
                JsonTokenType.False => new JsonField(JsonValueKind.False, null),
                JsonTokenType.Null => new JsonField(JsonValueKind.Null, null),
                _ => Skip(ref reader),
            };
        }
        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException("unexpected token after the object's properties");
        }
        // Anything after the object (a second object on the same line) makes the reader throw.
        reader.Read();
    }

    // The known text the reader is at, or null (an escaped or unknown one is read as text).
    private static string? Known(ref Utf8JsonReader reader, (byte[] Utf8, string Text)[] table)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            return null;
        }
        var span = reader.ValueSpan;
        foreach (var (utf8, text) in table)
        {
            if (span.SequenceEqual(utf8))
            {
                return text;
            }
        }
        return null;
    }

    private static (byte[] Utf8, string Text)[] Utf8Table(params string[] texts) => [.. texts.Select(t => (Encoding.UTF8.GetBytes(t), t))];

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
                : new InvalidRecordException(field, "is not valid UTF-8 text (invalid bytes or an unpaired surrogate escape)");
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
        return new JsonField(kind, null);
    }

    private object Build()
    {
        var type = RequiredString("type", isId: false);
        return type switch
        {
            "tenant" => new TenantRecord(line, Id("id"), OptionalString("name"), OptionalInt("billing_cycle_day", 1, 28), TimeZone()),
            "company" => new CompanyRecord(line, Id("id"), Id("tenant_id"), OptionalString("name")),
            "campaign" => new CampaignRecord(line, Id("id"), Id("company_id"), OptionalString("name"), OptionalString("status"),
                OptionalTimestamp("started_at"), OptionalTimestamp("completed_at")),
            "sequence_step" => new SequenceStepRecord(line, Id("id"), Id("campaign_id"), OptionalInt("step_number", 0, 10_000), OptionalString("variant")),
            "mailbox" => new MailboxRecord(line, Id("id"), Id("company_id"), OptionalString("address"), OptionalString("domain"),
                OptionalString("warmup_status"), OptionalInt("current_volume", 0, int.MaxValue)),
            "lead" => new LeadRecord(line, Id("id"), Id("company_id"), OptionalString("address"), OptionalString("status")),
            "email.sent" => Sent(),
            "email.delivered" => EmailEvent(EmailEventKind.Delivered),
            "email.opened" => EmailEvent(EmailEventKind.Opened),
            "email.clicked" => EmailEvent(EmailEventKind.Clicked),
            "email.replied" => EmailEvent(EmailEventKind.Replied),
            "email.reply_categorized" => EmailEvent(EmailEventKind.ReplyCategorized),
            "email.unsubscribed" => EmailEvent(EmailEventKind.Unsubscribed),
            "email.spam_complaint" => EmailEvent(EmailEventKind.SpamComplaint),
            "email.bounced" => EmailEvent(EmailEventKind.Bounced) with { BounceType = BounceType() },
            "mailbox.health" => new EmailEventRecord(line, EmailEventKind.MailboxHealth, Id("event_id"), null, Timestamp("occurred_at"),
                MailboxId: Id("mailbox_id"), HealthScore: OptionalInt("health_score", 0, 100),
                ProgressPercentage: OptionalInt("progress_percentage", 0, 100), WarmupStatus: OptionalString("warmup_status"),
                TenantId: OptionalId("tenant_id")),
            _ => throw new InvalidRecordException("type", $"unknown record type '{type}'; expected one of {string.Join(", ", RecordTypes)}"),
        };
    }

    // Arguments are evaluated in order: the contract's fields are checked in the contract's order.
    private EmailEventRecord EmailEvent(EmailEventKind kind) =>
        new(line, kind, Id("event_id"), Id("email_id"), Timestamp("occurred_at"), TenantId: OptionalId("tenant_id"),
            Machine: kind is EmailEventKind.Opened or EmailEventKind.Clicked ? Machine() : null,
            ReplyKind: kind == EmailEventKind.Replied ? OneOf("kind", ReplyKinds, required: false) ?? "human" : null,
            Category: kind == EmailEventKind.ReplyCategorized ? OneOf("category", Categories, required: true) : null);

    private EmailEventRecord Sent()
    {
        var warmup = OptionalBool("warmup") ?? false;
        // Fields checked in the contract's order (the first problem is the line's rejection); one
        // record built once, as a line is parsed hundreds of thousands of times a second.
        var (eventId, emailId, occurredAt, tenant, mailbox) = (Id("event_id"), Id("email_id"), Timestamp("occurred_at"), OptionalId("tenant_id"), Id("mailbox_id"));
        if (!warmup)
        {
            return new EmailEventRecord(line, EmailEventKind.Sent, eventId, emailId, occurredAt, CampaignId: Id("campaign_id"), StepId: Id("step_id"),
                MailboxId: mailbox, LeadId: Id("lead_id"), TenantId: tenant);
        }
        foreach (var field in new[] { "campaign_id", "step_id", "lead_id" })
        {
            if (fields.TryGetValue(field, out var value) && value.Kind != JsonValueKind.Null)
            {
                throw new InvalidRecordException(field, "warmup traffic has no campaign, step or lead");
            }
        }
        return new EmailEventRecord(line, EmailEventKind.Sent, eventId, emailId, occurredAt, MailboxId: mailbox, Warmup: true, TenantId: tenant);
    }


    // The sender's flag wins; without it a known machine's user agent says machine, and anything
    // else is left to the fold, which knows when the email was sent (MachineUserAgents).
    private bool? Machine()
    {
        var flag = OptionalBool("machine");
        var userAgent = OptionalString("user_agent");
        return flag ?? (MachineUserAgents.IsMachine(userAgent) ? true : null);
    }

    // An IANA time zone name that this machine's time zone database knows (tzdata). Windows names
    // and paths are refused before the lookup; the databases' own conversions use the same names.
    private string? TimeZone()
    {
        var value = OptionalString("time_zone");
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

    private string? OneOf(string name, string[] allowed, bool required)
    {
        var value = required ? RequiredString(name, isId: false) : OptionalString(name);
        return value is null || allowed.Contains(value, StringComparer.Ordinal)
            ? value
            : throw new InvalidRecordException(name, $"must be one of {string.Join(", ", allowed.Select(a => $"\"{a}\""))}, got \"{Truncate(value)}\"");
    }

    private string BounceType()
    {
        var value = RequiredString("bounce_type", isId: false);
        return value is "hard" or "soft" ? value : throw new InvalidRecordException("bounce_type", $"must be \"hard\" or \"soft\", got \"{value}\"");
    }

    private string Id(string name) => RequiredString(name, isId: true);

    private string? OptionalId(string name) =>
        fields.TryGetValue(name, out var field) && field.Kind != JsonValueKind.Null ? Id(name) : null;

    private string RequiredString(string name, bool isId)
    {
        if (!fields.TryGetValue(name, out var field) || field.Kind == JsonValueKind.Null)
        {
            throw new InvalidRecordException(name, "is required");
        }
        if (field.Kind != JsonValueKind.String)
        {
            throw new InvalidRecordException(name, $"must be a string, got {Describe(field.Kind)}");
        }
        var value = field.Text!;
        if (value.Length == 0 || string.IsNullOrWhiteSpace(value))
        {
            throw new InvalidRecordException(name, "must not be empty");
        }
        if (isId && value.Length > maxIdLength)
        {
            throw new InvalidRecordException(name, $"is longer than {maxIdLength} characters");
        }
        return value;
    }

    private string? OptionalString(string name)
    {
        if (!fields.TryGetValue(name, out var field) || field.Kind == JsonValueKind.Null)
        {
            return null;
        }
        if (field.Kind != JsonValueKind.String)
        {
            throw new InvalidRecordException(name, $"must be a string, got {Describe(field.Kind)}");
        }
        if (field.Text!.Length > 1_000)
        {
            throw new InvalidRecordException(name, "is longer than 1000 characters");
        }
        return field.Text;
    }

    private bool? OptionalBool(string name)
    {
        if (!fields.TryGetValue(name, out var field) || field.Kind == JsonValueKind.Null)
        {
            return null;
        }
        return field.Kind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw new InvalidRecordException(name, $"must be true or false, got {Describe(field.Kind)}"),
        };
    }

    private int? OptionalInt(string name, int min, int max)
    {
        if (!fields.TryGetValue(name, out var field) || field.Kind == JsonValueKind.Null)
        {
            return null;
        }
        if (field.Kind != JsonValueKind.Number)
        {
            throw new InvalidRecordException(name, $"must be a number, got {Describe(field.Kind)}");
        }
        if (!long.TryParse(field.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            throw new InvalidRecordException(name, $"must be a whole number, got {Truncate(field.Text!)}");
        }
        if (value < min || value > max)
        {
            throw new InvalidRecordException(name, $"must be between {min} and {max}, got {value}");
        }
        return (int)value;
    }

    private DateTime Timestamp(string name) =>
        OptionalTimestamp(name) ?? throw new InvalidRecordException(name, "is required");

    private DateTime? OptionalTimestamp(string name)
    {
        if (!fields.TryGetValue(name, out var field) || field.Kind == JsonValueKind.Null)
        {
            return null;
        }
        if (field.Kind != JsonValueKind.String)
        {
            throw new InvalidRecordException(name, $"must be an RFC 3339 timestamp string, got {Describe(field.Kind)}");
        }
        if (!Rfc3339.TryParse(field.Text!, out var utc))
        {
            throw new InvalidRecordException(name, $"is not an RFC 3339 timestamp with offset (like 2026-03-04T05:06:07Z): \"{Truncate(field.Text!)}\"");
        }
        return timestamps.Check(utc) is { } outside
            ? throw new InvalidRecordException(name, $"{outside}: \"{Truncate(field.Text!)}\"")
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

    private readonly record struct JsonField(JsonValueKind Kind, string? Text);

    private sealed class InvalidRecordException(string field, string message) : Exception(message)
    {
        public string Field { get; } = field;
    }
}
