namespace PenguinMails.Analytics.IntegrationTests.Pipeline;

/// <summary>Small builders for NDJSON lines of the data contract, for hand-made scenarios.</summary>
public static class Lines
{
    public const string Tenant = """{"type":"tenant","id":"t1","name":"Acme","billing_cycle_day":1}""";
    public const string Company = """{"type":"company","id":"c1","tenant_id":"t1"}""";
    public const string Campaign = """{"type":"campaign","id":"k1","company_id":"c1","status":"active"}""";
    public const string Step = """{"type":"sequence_step","id":"s1","campaign_id":"k1","step_number":1,"variant":"A"}""";
    public const string Mailbox = """{"type":"mailbox","id":"m1","company_id":"c1","domain":"a.example","warmup_status":"warming"}""";
    public const string Lead = """{"type":"lead","id":"l1","company_id":"c1","status":"new"}""";

    public static readonly string[] Entities = [Tenant, Company, Campaign, Step, Mailbox, Lead];

    public static string Sent(string eventId, string emailId, string at, string lead = "l1") =>
        $$"""{"type":"email.sent","event_id":"{{eventId}}","email_id":"{{emailId}}","occurred_at":"{{at}}","campaign_id":"k1","step_id":"s1","mailbox_id":"m1","lead_id":"{{lead}}"}""";

    public static string Warmup(string eventId, string emailId, string at) =>
        $$"""{"type":"email.sent","event_id":"{{eventId}}","email_id":"{{emailId}}","occurred_at":"{{at}}","warmup":true,"mailbox_id":"m1"}""";

    /// <summary>An email event; <paramref name="fields"/> are more JSON members, like <c>"machine":true</c>.</summary>
    public static string Event(string type, string eventId, string emailId, string at, string fields = "") =>
        $$"""{"type":"email.{{type}}","event_id":"{{eventId}}","email_id":"{{emailId}}","occurred_at":"{{at}}"{{(fields.Length == 0 ? "" : "," + fields)}}}""";

    public static string Bounce(string eventId, string emailId, string at, string bounceType) =>
        $$"""{"type":"email.bounced","event_id":"{{eventId}}","email_id":"{{emailId}}","occurred_at":"{{at}}","bounce_type":"{{bounceType}}"}""";

    public static string Health(string eventId, string at, int? health, int? progress) =>
        $$"""{"type":"mailbox.health","event_id":"{{eventId}}","mailbox_id":"m1","occurred_at":"{{at}}"{{(health is null ? "" : $",\"health_score\":{health}")}}{{(progress is null ? "" : $",\"progress_percentage\":{progress}")}}}""";
}
