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

    [Fact]
    public void broken_json_is_rejected_as_a_whole_line()
    {
        Assert.Null(Parse("""{"type":"tenant","id":""", out var rejection));

        Assert.Equal(Rejection.WholeLine, rejection!.Field);
        Assert.StartsWith("not valid JSON", rejection.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void an_unknown_type_lists_the_known_ones()
    {
        Parse("""{"type":"email.forwarded"}""", out var rejection);

        Assert.Equal("type", rejection!.Field);
        Assert.Contains("unknown record type 'email.forwarded'; expected one of tenant, company,", rejection.Reason, StringComparison.Ordinal);
    }
}
