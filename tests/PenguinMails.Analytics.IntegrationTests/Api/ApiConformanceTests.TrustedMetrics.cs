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
}
