using System.Text;
using PenguinMails.Analytics.Ingestion;
using PenguinMails.Analytics.Ingestion.Records;

namespace PenguinMails.Analytics.Tests.Ingestion;

public sealed class RecordParserTests
{
    private static object? Parse(string line, out Rejection? rejection) =>
        new RecordParser(maxIdLength: 20).Parse(Encoding.UTF8.GetBytes(line), 7, out rejection);

    [Fact]
    public void a_sent_event_is_parsed_with_its_references_and_a_utc_timestamp()
    {
        var record = Parse("""{"type":"email.sent","event_id":"e1","email_id":"x1","occurred_at":"2026-03-02T10:00:00.1234567+02:00","campaign_id":"k","step_id":"s","mailbox_id":"m","lead_id":"l","extra":[1,{"a":2}]}""", out var rejection);

        Assert.Null(rejection);
        var sent = Assert.IsType<EmailEventRecord>(record);
        Assert.Equal((EmailEventKind.Sent, "k", "s", "m", "l", false), (sent.Kind, sent.CampaignId, sent.StepId, sent.MailboxId, sent.LeadId, sent.Warmup));
        Assert.Equal(new DateTime(2026, 3, 2, 8, 0, 0, DateTimeKind.Utc).AddTicks(1_234_560), sent.OccurredAt);
        Assert.Equal(DateTimeKind.Utc, sent.OccurredAt.Kind);
    }

    [Theory]
    [InlineData("""{"type":"tenant","id":"t","billing_cycle_day":29}""", "billing_cycle_day", "must be between 1 and 28, got 29")]
    [InlineData("""{"type":"tenant","id":"t","billing_cycle_day":1.5}""", "billing_cycle_day", "must be a whole number, got 1.5")]
    [InlineData("""{"type":"tenant","id":""}""", "id", "must not be empty")]
    [InlineData("""{"type":"tenant","id":"123456789012345678901"}""", "id", "is longer than 20 characters")]
    [InlineData("""{"type":"company","id":"c"}""", "tenant_id", "is required")]
    [InlineData("""{"type":"company","id":"c","tenant_id":null}""", "tenant_id", "is required")]
    [InlineData("""{"id":"c"}""", "type", "is required")]
    [InlineData("""{"type":"email.opened","event_id":"e","email_id":"x","occurred_at":"2026-03-02T10:00:00"}""", "occurred_at", "is not an RFC 3339 timestamp with offset (like 2026-03-04T05:06:07Z): \"2026-03-02T10:00:00\"")]
    [InlineData("""{"type":"email.opened","event_id":"e","email_id":"x","occurred_at":"2026-02-30T10:00:00Z"}""", "occurred_at", "is not an RFC 3339 timestamp with offset (like 2026-03-04T05:06:07Z): \"2026-02-30T10:00:00Z\"")]
    [InlineData("""{"type":"email.opened","event_id":"e","email_id":"x","occurred_at":1700000000}""", "occurred_at", "must be an RFC 3339 timestamp string, got a number")]
    [InlineData("""{"type":"email.sent","event_id":"e","email_id":"x","occurred_at":"2026-03-02T10:00:00Z","warmup":true,"mailbox_id":"m","campaign_id":"k"}""", "campaign_id", "warmup traffic has no campaign, step or lead")]
    [InlineData("""{"type":"email.sent","event_id":"e","email_id":"x","occurred_at":"2026-03-02T10:00:00Z","warmup":"yes","mailbox_id":"m"}""", "warmup", "must be true or false, got a string")]
    [InlineData("""{"type":"email.bounced","event_id":"e","email_id":"x","occurred_at":"2026-03-02T10:00:00Z"}""", "bounce_type", "is required")]
    [InlineData("""{"type":"mailbox.health","event_id":"e","mailbox_id":"m","occurred_at":"2026-03-02T10:00:00Z","progress_percentage":-1}""", "progress_percentage", "must be between 0 and 100, got -1")]
    [InlineData("""[{"type":"tenant"}]""", Rejection.WholeLine, "expected a JSON object")]
    [InlineData("""{"type":"tenant","id":"t"} {"type":"tenant","id":"u"}""", Rejection.WholeLine, "not valid JSON: '{' is invalid after a single JSON value")]
    public void a_bad_record_names_its_field_and_reason(string line, string field, string reason)
    {
        Assert.Null(Parse(line, out var rejection));

        Assert.Equal(new Rejection(7, field, reason), rejection);
    }

    // The parser keeps a value as its bytes in the line until a record asks for it: escapes,
    // non-ASCII text and lengths in characters (not bytes) must come out as a string would give them.
    [Fact]
    public void values_read_from_the_line_keep_their_meaning()
    {
        var parser = new RecordParser(maxIdLength: 20);
        EmailEventRecord Event(string line) => Assert.IsType<EmailEventRecord>(parser.Parse(Encoding.UTF8.GetBytes(line), 1, out _));

        var escaped = Event("""{"\u0074ype":"email.sent","event_id":"e1","email_\u0069d":"x\u00e9","occurred_at":"2026-03-02T10:00:00Z","campaign_id":"k\/1","step_id":"s","mailbox_id":"m","lead_id":"l"}""");
        Assert.Equal(("xé", "k/1"), (escaped.EmailId, escaped.CampaignId));

        var twentyAccents = new string('é', 20); // 40 bytes, 20 characters: within the limit
        Assert.Equal(twentyAccents, Event($$"""{"type":"email.opened","event_id":"e2","email_id":"{{twentyAccents}}","occurred_at":"2026-03-02T10:00:00Z"}""").EmailId);
        Assert.Null(parser.Parse(Encoding.UTF8.GetBytes($$"""{"type":"email.opened","event_id":"e3","email_id":"{{twentyAccents}}é","occurred_at":"2026-03-02T10:00:00Z"}"""), 9, out var tooLong));
        Assert.Equal(new Rejection(9, "email_id", "is longer than 20 characters"), tooLong);

        // A user agent is matched without a string: escaped, non-ASCII, up to 1,000 characters.
        Assert.True(Event("""{"type":"email.opened","event_id":"e4","email_id":"x","occurred_at":"2026-03-02T10:00:00Z","user_agent":"curl\/8.5"}""").Machine);
        Assert.True(Event($$"""{"type":"email.clicked","event_id":"e5","email_id":"x","occurred_at":"2026-03-02T10:00:00Z","user_agent":"{{new string('ü', 990)}} Barracuda"}""").Machine);
        Assert.Null(Event("""{"type":"email.opened","event_id":"e6","email_id":"x","occurred_at":"2026-03-02T10:00:00Z","user_agent":"Mozilla/5.0 (Macintosh)"}""").Machine);
        Assert.Null(parser.Parse(Encoding.UTF8.GetBytes($$"""{"type":"email.opened","event_id":"e7","email_id":"x","occurred_at":"2026-03-02T10:00:00Z","user_agent":"{{new string('ü', 1001)}}"}"""), 10, out var longAgent));
        Assert.Equal(new Rejection(10, "user_agent", "is longer than 1000 characters"), longAgent);
    }

    // Ids that lines repeat are shared from a bounded table that starts over when full: an id
    // read again after that is still itself.
    [Fact]
    public void ids_stay_right_after_the_shared_table_starts_over()
    {
        var parser = new RecordParser(maxIdLength: 20);
        byte[] Sent(int n, string lead) => Encoding.UTF8.GetBytes(
            $$"""{"type":"email.sent","event_id":"v{{n}}","email_id":"e{{n}}","occurred_at":"2026-03-02T10:00:00Z","campaign_id":"k1","step_id":"s1","mailbox_id":"m1","lead_id":"{{lead}}"}""");

        var first = Assert.IsType<EmailEventRecord>(parser.Parse(Sent(0, "lead-a"), 1, out _));
        for (var n = 1; n <= 70_000; n++)
        {
            parser.Parse(Sent(n, $"l{n}"), n + 1, out _);
        }
        var again = Assert.IsType<EmailEventRecord>(parser.Parse(Sent(70_001, "lead-a"), 70_002, out _));

        Assert.Equal(("lead-a", "e0", "k1"), (first.LeadId, first.EmailId, first.CampaignId));
        Assert.Equal(("lead-a", "e70001", "k1", "s1", "m1"), (again.LeadId, again.EmailId, again.CampaignId, again.StepId, again.MailboxId));
    }

    [Fact]
    public void broken_json_is_rejected_as_a_whole_line()
    {
        Assert.Null(Parse("""{"type":"tenant","id":""", out var rejection));

        Assert.Equal(Rejection.WholeLine, rejection!.Field);
        Assert.StartsWith("not valid JSON", rejection.Reason, StringComparison.Ordinal);
    }

    // Bytes, not strings: most of these cannot be written as a valid .NET string.
    public static TheoryData<string, byte[], string, string> MalformedLines => new()
    {
        { "invalid UTF-8 in a value", Bytes("{\"type\":\"tenant\",\"id\":\"t", [0xC3, 0x28], "\"}"), "id", NotUtf8 },
        { "a truncated UTF-8 sequence", Bytes("{\"type\":\"tenant\",\"id\":\"t\",\"name\":\"", [0xE2, 0x82], "\"}"), "name", NotUtf8 },
        { "an encoded surrogate (CESU-8)", Bytes("{\"type\":\"tenant\",\"id\":\"", [0xED, 0xA0, 0x80], "\"}"), "id", NotUtf8 },
        { "invalid UTF-8 in a field name", Bytes("{\"type\":\"tenant\",\"", [0xFF], "\":1,\"id\":\"t\"}"), Rejection.WholeLine, "a field name is not valid UTF-8 text (invalid bytes or an unpaired surrogate escape)" },
        { "a lone high surrogate escape", Bytes("""{"type":"tenant","id":"t\ud800"}"""), "id", NotUtf8 },
        { "a lone low surrogate escape", Bytes("""{"type":"tenant","id":"\udc00t"}"""), "id", NotUtf8 },
        { "reversed surrogate escapes", Bytes("""{"type":"tenant","id":"\udc00\ud800"}"""), "id", NotUtf8 },
        { "an escaped NUL in an id", Bytes("""{"type":"company","id":"c\u0000","tenant_id":"t"}"""), "id", @"must not contain a NUL character (\u0000)" },
        { "an escaped NUL in a name", Bytes("""{"type":"tenant","id":"t","name":"a\u0000b"}"""), "name", @"must not contain a NUL character (\u0000)" },
        { "a raw control character in a string", Bytes("{\"type\":\"tenant\",\"id\":\"t", [0x01], "\"}"), Rejection.WholeLine, "not valid JSON: '0x01' is invalid within a JSON string" },
        { "a raw NUL byte", Bytes("{\"type\":\"tenant\",\"id\":\"t", [0x00], "\"}"), Rejection.WholeLine, "not valid JSON: '0x00' is invalid within a JSON string" },
        { "a truncated line", Bytes("""{"type":"email.sent","event_id":"e","email_id":"""), Rejection.WholeLine, "not valid JSON: Expected depth to be zero at the end of the JSON payload" },
        { "deep nesting", Bytes("{\"type\":\"tenant\",\"id\":\"t\",\"x\":" + new string('[', 64) + new string(']', 64) + "}"), Rejection.WholeLine, "not valid JSON: The maximum configured depth of 16 has been exceeded" },
        { "a huge number", Bytes("{\"type\":\"tenant\",\"id\":\"t\",\"billing_cycle_day\":1" + new string('0', 400) + "}"), "billing_cycle_day", "must be a whole number, got 1" + new string('0', 59) + "..." },
        { "a number with an exponent", Bytes("""{"type":"tenant","id":"t","billing_cycle_day":1e400}"""), "billing_cycle_day", "must be a whole number, got 1e400" },
        { "a byte order mark inside a line", Bytes("", [0xEF, 0xBB, 0xBF], """{"type":"tenant","id":"t"}"""), Rejection.WholeLine, "not valid JSON: '0xEF' is an invalid start of a value" },
        { "year 1", Bytes("""{"type":"email.opened","event_id":"e","email_id":"x","occurred_at":"0001-01-01T00:00:00Z"}"""), "occurred_at", "is before 2000-01-01T00:00:00Z, the earliest accepted timestamp: \"0001-01-01T00:00:00Z\"" },
        { "just before 2000", Bytes("""{"type":"email.opened","event_id":"e","email_id":"x","occurred_at":"1999-12-31T23:59:59Z"}"""), "occurred_at", "is before 2000-01-01T00:00:00Z, the earliest accepted timestamp: \"1999-12-31T23:59:59Z\"" },
        { "year 9999", Bytes("""{"type":"email.sent","event_id":"e","email_id":"x","occurred_at":"9999-12-31T23:59:59Z","campaign_id":"k","step_id":"s","mailbox_id":"m","lead_id":"l"}"""), "occurred_at", "is more than 24 hours past the receiving clock (accepted up to 2026-12-03T12:00:00Z): \"9999-12-31T23:59:59Z\"" },
        { "started_at in the far future", Bytes("""{"type":"campaign","id":"k","company_id":"c","started_at":"2030-01-01T00:00:00Z"}"""), "started_at", "is more than 24 hours past the receiving clock (accepted up to 2026-12-03T12:00:00Z): \"2030-01-01T00:00:00Z\"" },
        { "completed_at before 2000", Bytes("""{"type":"campaign","id":"k","company_id":"c","completed_at":"1970-01-01T00:00:00+01:00"}"""), "completed_at", "is before 2000-01-01T00:00:00Z, the earliest accepted timestamp: \"1970-01-01T00:00:00+01:00\"" },
        { "a tenant_id that is not a string", Bytes("""{"type":"email.opened","event_id":"e","email_id":"x","occurred_at":"2026-03-02T10:00:00Z","tenant_id":7}"""), "tenant_id", "must be a string, got a number" },
    };

    private const string NotUtf8 = "is not valid UTF-8 text (invalid bytes or an unpaired surrogate escape)";

    [Theory]
    [MemberData(nameof(MalformedLines))]
    public void a_malformed_line_is_one_rejection_naming_its_field(string what, byte[] line, string field, string reason)
    {
        var parser = new RecordParser(maxIdLength: 20, new TimestampWindow { Time = new FixedClock(new DateTime(2026, 12, 2, 12, 0, 0, DateTimeKind.Utc)) });

        Assert.True(parser.Parse(line, 7, out var rejection) is null, what);

        Assert.Equal(new Rejection(7, field, reason), rejection);
    }

    [Fact]
    public void a_timestamp_inside_the_window_is_accepted_up_to_the_tolerance()
    {
        var parser = new RecordParser(maxIdLength: 20, new TimestampWindow { Time = new FixedClock(new DateTime(2026, 12, 2, 12, 0, 0, DateTimeKind.Utc)), FutureTolerance = TimeSpan.FromHours(1) });
        static byte[] Opened(string at) => Bytes($$"""{"type":"email.opened","event_id":"e","email_id":"x","occurred_at":"{{at}}","tenant_id":"t9"}""");

        var first = Assert.IsType<EmailEventRecord>(parser.Parse(Opened("2000-01-01T00:00:00Z"), 1, out _));
        var last = Assert.IsType<EmailEventRecord>(parser.Parse(Opened("2026-12-02T13:00:00Z"), 2, out _));
        Assert.Null(parser.Parse(Opened("2026-12-02T13:00:01Z"), 3, out var late));

        Assert.Equal((new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc), "t9"), (first.OccurredAt, first.TenantId));
        Assert.Equal(new DateTime(2026, 12, 2, 13, 0, 0, DateTimeKind.Utc), last.OccurredAt);
        Assert.Equal("is more than 1 hour past the receiving clock (accepted up to 2026-12-02T13:00:00Z): \"2026-12-02T13:00:01Z\"", late!.Reason);
    }

    [Fact]
    public void the_future_tolerance_comes_from_the_environment_and_a_bad_value_is_refused_by_name()
    {
        Assert.Equal(TimeSpan.FromHours(24), TimestampWindow.FromEnvironment(_ => null).FutureTolerance);
        Assert.Equal(TimeSpan.FromHours(2), TimestampWindow.FromEnvironment(_ => "2").FutureTolerance);
        var error = Assert.Throws<AnalyticsException>(() => TimestampWindow.FromEnvironment(_ => "soon"));
        Assert.Equal("PENGUIN_ANALYTICS_FUTURE_TOLERANCE_HOURS must be a whole number of hours from 0 to 8784, got \"soon\"", error.Message);
    }

    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static byte[] Bytes(string before, byte[] raw, string after) => [.. Encoding.UTF8.GetBytes(before), .. raw, .. Encoding.UTF8.GetBytes(after)];

    private sealed class FixedClock(DateTime utc) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(utc);
    }

    [Fact]
    public void an_unknown_type_lists_the_known_ones()
    {
        Parse("""{"type":"email.forwarded"}""", out var rejection);

        Assert.Equal("type", rejection!.Field);
        Assert.Contains("unknown record type 'email.forwarded'; expected one of tenant, company,", rejection.Reason, StringComparison.Ordinal);
    }
}
