using System.Net;
using System.Text.Json;
using PenguinMails.Analytics.IntegrationTests.Pipeline;

namespace PenguinMails.Analytics.IntegrationTests.Api;

/// <summary>The trusted metrics through HTTP: human and machine, automatic and positive replies, leads, best send times.</summary>
public abstract partial class ApiConformanceTests
{
    [Fact]
    public async Task the_dashboard_reads_and_best_send_times_tell_people_from_machines_in_the_tenants_time()
    {
        await Pipeline.IngestAsync([.. Lines.Entities, """{"type":"tenant","id":"t1","time_zone":"Europe/Berlin"}""",
            """{"type":"tenant","id":"t2"}""", """{"type":"company","id":"c2","tenant_id":"t2"}""", """{"type":"campaign","id":"k2","company_id":"c2"}""",
            """{"type":"sequence_step","id":"s2","campaign_id":"k2"}""", """{"type":"mailbox","id":"m2","company_id":"c2"}""", """{"type":"lead","id":"l2","company_id":"c2"}""",
            // Tuesday 09:00 and 09:30 in Berlin: a machine's open, a person's reply, categorized interested; a person's open.
            Lines.Sent("s1", "x1", "2026-03-03T08:00:00Z"), Lines.Event("delivered", "d1", "x1", "2026-03-03T08:00:05Z"),
            Lines.Event("opened", "o1", "x1", "2026-03-03T08:00:10Z"), Lines.Event("replied", "r1", "x1", "2026-03-03T10:00:00Z"),
            Lines.Event("reply_categorized", "g1", "x1", "2026-03-03T11:00:00Z", "\"category\":\"interested\""),
            Lines.Sent("s2", "x2", "2026-03-03T08:30:00Z"), Lines.Event("delivered", "d2", "x2", "2026-03-03T08:30:05Z"),
            Lines.Event("opened", "o2", "x2", "2026-03-03T09:30:00Z"),
            // Friday 16:00 in Berlin: an out-of-office reply.
            Lines.Sent("s3", "x3", "2026-03-06T15:00:00Z"), Lines.Event("delivered", "d3", "x3", "2026-03-06T15:00:05Z"),
            Lines.Event("replied", "r3", "x3", "2026-03-06T15:01:00Z", "\"kind\":\"out_of_office\""),
            """{"type":"email.sent","event_id":"s4","email_id":"x4","occurred_at":"2026-03-03T08:00:00Z","campaign_id":"k2","step_id":"s2","mailbox_id":"m2","lead_id":"l2"}"""]);
        await Pipeline.FoldAsync();
        const string Range = "from=2026-03-01&to=2026-04-01";

        var campaign = Assert.Single((await DataAsync($"/v1/campaigns?{Range}", keys["a-viewer"])).EnumerateArray());
        // Numbers by value (PostgreSQL writes a rounded rate as 100.00, DuckDB as 100).
        static string Fields(JsonElement row, params string[] names) => string.Join('|', names.Select(n => row.GetProperty(n) is { ValueKind: JsonValueKind.Number } v
            ? v.GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture) : row.GetProperty(n).ToString()));
        Assert.Equal("k1|3|3|2|1|2|1|1|1", Fields(campaign, "campaign_id", "sent", "delivered", "opened_tracked", "opened_human", "replied", "replied_human", "replied_auto", "replied_positive"));
        Assert.Equal("66.67|33.33|66.67|33.33|33.33", Fields(campaign, "open_rate", "human_open_rate", "reply_rate", "human_reply_rate", "positive_reply_rate"));
        Assert.Equal("1|1|1|100|100", Fields(campaign, "leads_contacted", "leads_replied", "leads_positive", "lead_reply_rate", "lead_positive_rate"));

        var cells = await DataAsync($"/v1/send-times?{Range}", keys["a-viewer"]);
        Assert.Equal(["2|9|2|2|1|1|50|50", "5|16|1|1|0|0|0|0"],
            cells.EnumerateArray().Select(c => Fields(c, "weekday", "hour", "sent", "delivered", "replied_human", "replied_positive", "human_reply_rate", "positive_reply_rate")));
        Assert.Equal(cells.ToString(), (await DataAsync($"/v1/send-times?campaign_id=k1&{Range}", keys["a-viewer"])).ToString()); // the tenant's one campaign
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, $"/v1/send-times?campaign_id=k2&{Range}", keys["a-viewer"])).StatusCode);
        Assert.Equal(["2|8|1"], (await DataAsync($"/v1/send-times?{Range}", keys["b-viewer"])).EnumerateArray().Select(c => Fields(c, "weekday", "hour", "sent")));

        var series = await DataAsync($"/v1/timeseries?entity=campaign&id=k1&metric=human_open_rate&{Range}", keys["a-viewer"]);
        Assert.Equal(["2026-03-03|50", "2026-03-06|0"], series.EnumerateArray().Select(r => Fields(r, "day", "human_open_rate")));
        var steps = (await DataAsync($"/v1/campaigns/k1/steps?{Range}", keys["a-viewer"]))[0];
        Assert.Equal("3|1|1|1|1", Fields(steps, "sent", "replied_human", "leads_contacted", "leads_replied", "leads_positive"));
        var lead = Assert.Single((await DataAsync($"/v1/leads?campaign_id=k1&{Range}", keys["a-viewer"])).EnumerateArray());
        Assert.Equal("l1|positive reply|1|1|33.33|33.33", Fields(lead, "lead_id", "engagement", "opened_human", "replied_positive", "human_reply_rate", "positive_reply_rate"));
    }

    [Fact]
    public async Task a_one_day_read_counts_the_leads_of_the_billing_period_that_holds_it_in_the_farthest_zones()
    {
        // Billing periods are UTC months; dashboard days are the tenant's. t1 is 14 hours ahead of
        // UTC: its 1 April began at 10:00 UTC on 31 March, in March's period. t2 is 11 hours behind:
        // its 31 March ended at 11:00 UTC on 1 April, in April's period. The reads bound the periods
        // by UTC days as well (for PostgreSQL's planning); these are the periods nearest those bounds.
        await Pipeline.IngestAsync([.. Lines.Entities, """{"type":"tenant","id":"t1","time_zone":"Pacific/Kiritimati"}""",
            """{"type":"tenant","id":"t2","time_zone":"Pacific/Pago_Pago"}""", """{"type":"company","id":"c2","tenant_id":"t2"}""",
            """{"type":"campaign","id":"k2","company_id":"c2"}""", """{"type":"sequence_step","id":"s2","campaign_id":"k2"}""",
            """{"type":"mailbox","id":"m2","company_id":"c2"}""", """{"type":"lead","id":"l2","company_id":"c2"}""",
            Lines.Sent("s1", "x1", "2026-03-31T20:00:00Z"),
            """{"type":"email.sent","event_id":"s2","email_id":"x2","occurred_at":"2026-04-01T05:00:00Z","campaign_id":"k2","step_id":"s2","mailbox_id":"m2","lead_id":"l2"}"""]);
        await Pipeline.FoldAsync();

        foreach (var (key, campaign, day, next) in new[] { ("a-viewer", "k1", "2026-04-01", "2026-04-02"), ("b-viewer", "k2", "2026-03-31", "2026-04-01") })
        {
            var range = $"from={day}&to={next}";
            var row = Assert.Single((await DataAsync($"/v1/campaigns?{range}", keys[key])).EnumerateArray());
            Assert.Equal($"{campaign}|1|1", $"{row.GetProperty("campaign_id")}|{row.GetProperty("sent")}|{row.GetProperty("leads_contacted")}");
            var step = (await DataAsync($"/v1/campaigns/{campaign}/steps?{range}", keys[key]))[0];
            Assert.Equal("1|1", $"{step.GetProperty("sent")}|{step.GetProperty("leads_contacted")}");
            Assert.Single((await DataAsync($"/v1/leads?campaign_id={campaign}&{range}", keys[key])).EnumerateArray());
            Assert.Equal(1, (await DataAsync($"/v1/send-times?{range}", keys[key])).EnumerateArray().Sum(c => c.GetProperty("sent").GetInt32()));
        }
    }
}
