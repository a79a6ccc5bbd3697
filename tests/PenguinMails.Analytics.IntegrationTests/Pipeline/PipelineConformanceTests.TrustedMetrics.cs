using PenguinMails.Analytics.Aggregation;
using PenguinMails.Analytics.Jobs;

namespace PenguinMails.Analytics.IntegrationTests.Pipeline;

/// <summary>
/// Metrics users can trust (DESIGN.md): human and machine opens and clicks, automatic replies,
/// reply categories and distinct leads, with exact values, in every arrival order, and the same
/// after a recompute.
/// </summary>
public abstract partial class PipelineConformanceTests
{
    private const string HumanCounters = "opened_tracked, opened_human, clicked_tracked, clicked_human, replied, replied_human, replied_auto, replied_positive";

    private async Task<string> CampaignCountersAsync(string columns = HumanCounters) =>
        await Pipeline.ScalarAsync<string>($"SELECT CONCAT_WS('|', {columns}) FROM campaign_analytics WHERE campaign_id = 'k1'") ?? "";

    private async Task AssertRecomputeKeepsAsync()
    {
        var incremental = await AnalyticsSnapshot.Full(Pipeline.Database);
        await Pipeline.Aggregator.RecomputeAsync(RecomputeScope.All, TestContext.Current.CancellationToken);
        AnalyticsSnapshot.AssertEqual(incremental, await AnalyticsSnapshot.Full(Pipeline.Database), "recompute vs incremental");
    }

    [Fact]
    public async Task machine_opens_and_clicks_are_told_apart_by_flag_user_agent_and_timing()
    {
        await Pipeline.IngestAsync(Lines.Entities);
        await Pipeline.IngestAsync(
        [
            // x1: opened 10 s after the send (timing: a machine), clicked by a scanner's user agent.
            Lines.Sent("s1", "x1", "2026-03-02T10:00:00Z"),
            Lines.Event("opened", "o1", "x1", "2026-03-02T10:00:10Z"),
            Lines.Event("clicked", "c1", "x1", "2026-03-02T10:30:00Z", "\"user_agent\":\"Mimecast URL Protect\""),
            // x2: the sender says human although it came fast (the flag wins); a click said to be a machine's.
            Lines.Sent("s2", "x2", "2026-03-02T10:00:00Z"),
            Lines.Event("opened", "o2", "x2", "2026-03-02T10:00:05Z", "\"machine\":false"),
            Lines.Event("clicked", "c2", "x2", "2026-03-02T11:00:00Z", "\"machine\":true,\"user_agent\":\"Mozilla/5.0\""),
            // x3: a prefetching proxy, then the reader an hour later: one open, and a human one.
            Lines.Sent("s3", "x3", "2026-03-02T10:00:00Z"),
            Lines.Event("opened", "o3", "x3", "2026-03-02T10:05:00Z", "\"user_agent\":\"Mozilla/5.0 (compatible; YahooMailProxy)\""),
            // x4: an ordinary open minutes later, through Gmail's proxy (a person's).
            Lines.Sent("s4", "x4", "2026-03-02T10:00:00Z"),
            Lines.Event("opened", "o4", "x4", "2026-03-02T10:04:00Z", "\"user_agent\":\"Mozilla/5.0 (via ggpht.com GoogleImageProxy)\""),
        ]);
        await Pipeline.FoldAsync();
        Assert.Equal("4|2|2|0|0|0|0|0", await CampaignCountersAsync());

        // The reader of x3 opens later, and clicks; before its email was folded, x5's human open waited.
        await Pipeline.IngestAsync(
        [
            Lines.Event("opened", "o5", "x3", "2026-03-02T11:05:00Z"),
            Lines.Event("clicked", "c5", "x3", "2026-03-02T11:06:00Z"),
            Lines.Event("opened", "o6", "x5", "2026-03-02T12:00:00Z"),
        ]);
        await Pipeline.FoldAsync();
        await Pipeline.IngestAsync([Lines.Sent("s5", "x5", "2026-03-02T10:00:00Z")]);
        await Pipeline.FoldAsync();
        Assert.Equal("5|4|3|1|0|0|0|0", await CampaignCountersAsync());
        Assert.Equal("5|4", await Pipeline.ScalarAsync<string>("SELECT CONCAT_WS('|', opened_tracked, opened_human) FROM daily_tenant_stats WHERE tenant_id = 't1'"));
        await AssertRecomputeKeepsAsync();
    }

    [Fact]
    public async Task reply_kinds_and_the_latest_category_decide_human_auto_and_positive_in_any_order()
    {
        await Pipeline.IngestAsync(Lines.Entities);
        // The categorization comes first, before the email.sent, then an out-of-office reply.
        await Pipeline.IngestAsync([Lines.Event("reply_categorized", "g1", "x1", "2026-03-03T09:00:00Z", "\"category\":\"interested\"")]);
        await Pipeline.FoldAsync();
        await Pipeline.IngestAsync([Lines.Sent("s1", "x1", "2026-03-02T10:00:00Z"), Lines.Event("replied", "r1", "x1", "2026-03-02T10:05:00Z", "\"kind\":\"out_of_office\"")]);
        await Pipeline.FoldAsync();
        Assert.Equal("0|0|0|0|1|0|1|0", await CampaignCountersAsync());

        // The person answers: the email moves from automatic to human, and is positive.
        await Pipeline.IngestAsync([Lines.Event("replied", "r2", "x1", "2026-03-02T15:00:00Z")]);
        await Pipeline.FoldAsync();
        Assert.Equal("0|0|0|0|1|1|0|1", await CampaignCountersAsync());

        // An older categorization arriving late changes nothing; a later one does; the same event
        // again is a no-op; at the same moment the larger event id wins.
        await Pipeline.IngestAsync([Lines.Event("reply_categorized", "g0", "x1", "2026-03-02T20:00:00Z", "\"category\":\"not_interested\"")]);
        await Pipeline.FoldAsync();
        Assert.Equal("0|0|0|0|1|1|0|1", await CampaignCountersAsync());
        await Pipeline.IngestAsync([Lines.Event("reply_categorized", "g2", "x1", "2026-03-04T09:00:00Z", "\"category\":\"not_interested\"")]);
        await Pipeline.FoldAsync();
        Assert.Equal("0|0|0|0|1|1|0|0", await CampaignCountersAsync());
        await Pipeline.IngestAsync(
        [
            Lines.Event("reply_categorized", "g2", "x1", "2026-03-04T09:00:00Z", "\"category\":\"not_interested\""),
            Lines.Event("reply_categorized", "g4", "x1", "2026-03-05T09:00:00Z", "\"category\":\"other\""),
            Lines.Event("reply_categorized", "g5", "x1", "2026-03-05T09:00:00Z", "\"category\":\"meeting_booked\""),
        ]);
        await Pipeline.FoldAsync();
        Assert.Equal("0|0|0|0|1|1|0|1", await CampaignCountersAsync());
        Assert.Equal("meeting_booked", await Pipeline.ScalarAsync<string>("SELECT reply_category FROM emails WHERE email_id = 'x1'"));

        // x2: two automatic replies and a categorization: automatic, never positive (no person replied).
        await Pipeline.IngestAsync(
        [
            Lines.Sent("s2", "x2", "2026-03-02T10:00:00Z"),
            Lines.Event("replied", "r3", "x2", "2026-03-02T10:01:00Z", "\"kind\":\"auto\""),
            Lines.Event("replied", "r4", "x2", "2026-03-02T10:02:00Z", "\"kind\":\"out_of_office\""),
            Lines.Event("reply_categorized", "g6", "x2", "2026-03-02T11:00:00Z", "\"category\":\"interested\""),
        ]);
        await Pipeline.FoldAsync();
        Assert.Equal("0|0|0|0|2|1|1|1", await CampaignCountersAsync());
        Assert.Equal("2|1|1|1", await Pipeline.ScalarAsync<string>(
            "SELECT CONCAT_WS('|', replied, replied_human, replied_auto, replied_positive) FROM lead_analytics WHERE lead_id = 'l1'"));
        await AssertRecomputeKeepsAsync();
    }

    [Fact]
    public async Task distinct_leads_count_once_per_campaign_and_step_per_period()
    {
        await Pipeline.IngestAsync([.. Lines.Entities, """{"type":"lead","id":"l2","company_id":"c1"}""", """{"type":"lead","id":"l3","company_id":"c1"}"""]);
        await Pipeline.IngestAsync(
        [
            // l1 gets the step twice (two sequences) and replies to the second, positively.
            Lines.Sent("s1", "x1", "2026-03-02T10:00:00Z"),
            Lines.Sent("s2", "x2", "2026-03-09T10:00:00Z"),
            Lines.Event("replied", "r2", "x2", "2026-03-09T12:00:00Z"),
            Lines.Event("reply_categorized", "g2", "x2", "2026-03-09T13:00:00Z", "\"category\":\"interested\""),
            // l2 replies to both of its emails, once automatically; l3 is contacted only.
            Lines.Sent("s3", "x3", "2026-03-02T10:00:00Z", lead: "l2"),
            Lines.Sent("s4", "x4", "2026-03-09T10:00:00Z", lead: "l2"),
            Lines.Event("replied", "r3", "x3", "2026-03-02T11:00:00Z"),
            Lines.Event("replied", "r4", "x4", "2026-03-09T10:30:00Z", "\"kind\":\"auto\""),
            Lines.Sent("s5", "x5", "2026-03-02T10:00:00Z", lead: "l3"),
        ]);
        await Pipeline.FoldAsync();
        const string Leads = "sent, replied, replied_human, replied_positive, leads_contacted, leads_replied, leads_positive";
        Assert.Equal("5|3|2|1|3|2|1", await CampaignCountersAsync(Leads));
        Assert.Equal("5|3|2|1|3|2|1", await Pipeline.ScalarAsync<string>($"SELECT CONCAT_WS('|', {Leads}) FROM sequence_step_analytics WHERE step_id = 's1'"));

        // l3 replies in person later (a fold of its own): one more lead replied, none more contacted.
        await Pipeline.IngestAsync([Lines.Event("replied", "r5", "x5", "2026-03-10T09:00:00Z")]);
        await Pipeline.FoldAsync();
        Assert.Equal("5|4|3|1|3|3|1", await CampaignCountersAsync(Leads));
        Assert.Equal("5|4|3|1|3|3|1", await Pipeline.ScalarAsync<string>($"SELECT CONCAT_WS('|', {Leads}) FROM sequence_step_analytics WHERE step_id = 's1'"));
        // l1 changes its mind: no positive lead left.
        await Pipeline.IngestAsync([Lines.Event("reply_categorized", "g3", "x2", "2026-03-11T13:00:00Z", "\"category\":\"not_interested\"")]);
        await Pipeline.FoldAsync();
        Assert.Equal("5|4|3|0|3|3|0", await Pipeline.ScalarAsync<string>($"SELECT CONCAT_WS('|', {Leads}) FROM sequence_step_analytics WHERE step_id = 's1'"));
        await AssertRecomputeKeepsAsync();
    }

    [Fact]
    public async Task bad_reply_kinds_categories_and_machine_flags_are_rejected_with_their_reason()
    {
        var result = await Pipeline.IngestAsync(
        [
            .. Lines.Entities,                                                                                  // 1-6
            Lines.Sent("s1", "x1", "2026-03-02T10:00:00Z"),                                                     // 7 ok
            Lines.Event("replied", "r1", "x1", "2026-03-02T11:00:00Z", "\"kind\":\"robot\""),                   // 8
            Lines.Event("reply_categorized", "g1", "x1", "2026-03-02T12:00:00Z", "\"category\":\"maybe\""),     // 9
            Lines.Event("reply_categorized", "g2", "x1", "2026-03-02T12:00:00Z"),                               // 10
            Lines.Event("opened", "o1", "x1", "2026-03-02T12:00:00Z", "\"machine\":\"yes\""),                   // 11
            Lines.Event("clicked", "c1", "x1", "2026-03-02T12:00:00Z", "\"machine\":1"),                        // 12
            Lines.Event("opened", "o2", "x1", "2026-03-02T12:00:00Z", "\"user_agent\":42"),                     // 13
            Lines.Event("replied", "r2", "x1", "2026-03-02T11:00:00Z", "\"kind\":\"auto\""),                    // 14 ok
        ]);

        Assert.Equal([8L, 9, 10, 11, 12, 13], result.Errors.Select(e => e.Line));
        var byLine = result.Errors.ToDictionary(e => e.Line);
        Assert.Equal(("kind", "must be one of \"human\", \"auto\", \"out_of_office\", got \"robot\""), (byLine[8].Field, byLine[8].Reason));
        Assert.Equal(("category", "must be one of \"interested\", \"meeting_booked\", \"not_interested\", \"other\", got \"maybe\""), (byLine[9].Field, byLine[9].Reason));
        Assert.Equal(("category", "is required"), (byLine[10].Field, byLine[10].Reason));
        Assert.Equal(("machine", "must be true or false, got a string"), (byLine[11].Field, byLine[11].Reason));
        Assert.Equal(("machine", "must be true or false, got a number"), (byLine[12].Field, byLine[12].Reason));
        Assert.Equal(("user_agent", "must be a string, got a number"), (byLine[13].Field, byLine[13].Reason));

        await Pipeline.FoldAsync();
        Assert.Equal("0|0|0|0|1|0|1|0", await CampaignCountersAsync());
    }

    [Fact]
    public async Task a_tenants_days_are_its_local_days_and_a_new_time_zone_rebuckets_it_through_a_queued_recompute()
    {
        await Pipeline.IngestAsync(Lines.Entities);
        await Pipeline.IngestAsync(
        [
            // x1: Sunday 2026-03-01 03:00 UTC, Saturday 22:00 in New York (the February of a March billing period).
            Lines.Sent("s1", "x1", "2026-03-01T03:00:00Z"),
            // x2: Monday 2026-03-02 15:00 UTC, 10:00 in New York; a person replies.
            Lines.Sent("s2", "x2", "2026-03-02T15:00:00Z"),
            Lines.Event("replied", "r2", "x2", "2026-03-02T16:00:00Z"),
        ]);
        await Pipeline.FoldAsync();
        const string Days = "SELECT string_agg(CAST(day AS TEXT) || '|' || CAST(sent AS TEXT), ',' ORDER BY day) FROM daily_campaign_stats";
        const string SendTimes = "SELECT string_agg(CONCAT_WS('|', weekday, hour, sent, replied_human), ',' ORDER BY weekday, hour) FROM send_time_stats";
        Assert.Equal("2026-03-01|1,2026-03-02|1", await Pipeline.ScalarAsync<string>(Days));
        Assert.Equal("1|15|1|1,7|3|1|0", await Pipeline.ScalarAsync<string>(SendTimes));
        var before = await Aggregator.AsOfAsync(Pipeline.Database, TestContext.Current.CancellationToken);

        var result = await Pipeline.IngestAsync(["""{"type":"tenant","id":"t1","time_zone":"America/New_York"}"""]);
        Assert.Equal(0, result.Rejected);
        Assert.Equal("America/New_York", await Pipeline.ScalarAsync<string>("SELECT time_zone FROM tenants WHERE id = 't1'"));
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM analytics_jobs WHERE job_type = 'recompute' AND tenant_id = 't1' AND status = 'queued'"));
        // Naming the zone it already has queues nothing more.
        await Pipeline.IngestAsync(["""{"type":"tenant","id":"t1","time_zone":"America/New_York"}"""]);
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM analytics_jobs WHERE job_type = 'recompute' AND tenant_id = 't1'"));

        var summary = await new JobRunner(Pipeline.Database, JobHandlers.All(Pipeline.Database, Pipeline.Aggregator)).RunUntilIdleAsync(TestContext.Current.CancellationToken);
        Assert.Equal((2, 0, 0), (summary.Succeeded, summary.Retried, summary.Dead)); // the recompute and the fold queued by the ingest
        Assert.Equal("2026-02-28|1,2026-03-02|1", await Pipeline.ScalarAsync<string>(Days));
        Assert.Equal("2026-02-28|1,2026-03-02|1", await Pipeline.ScalarAsync<string>(Days.Replace("daily_campaign_stats", "daily_tenant_stats", StringComparison.Ordinal)));
        Assert.Equal("1|10|1|1,6|22|1|0", await Pipeline.ScalarAsync<string>(SendTimes));
        // Billing periods stay UTC: both emails are March's.
        Assert.Equal("t1@2026-03-01|2", await Pipeline.ScalarAsync<string>(
            "SELECT string_agg(tenant_id || '@' || CAST(penguin_utc_day(period_start) AS TEXT) || '|' || CAST(emails_sent AS TEXT), ',') FROM billing_analytics"));
        Assert.True(await Aggregator.AsOfAsync(Pipeline.Database, TestContext.Current.CancellationToken) > before, "as_of moves when the re-bucketing commits");

        // A later email folds straight into the local day.
        await Pipeline.IngestAsync([Lines.Sent("s3", "x3", "2026-03-03T04:30:00Z")]);
        await Pipeline.FoldAsync();
        Assert.Equal("2026-02-28|1,2026-03-02|2", await Pipeline.ScalarAsync<string>(Days));
        await AssertRecomputeKeepsAsync();
    }

    [Fact]
    public async Task an_unknown_time_zone_is_rejected_and_the_tenant_keeps_its_own()
    {
        var result = await Pipeline.IngestAsync(
        [
            .. Lines.Entities,                                                                 // 1-6
            """{"type":"tenant","id":"t1","time_zone":"Mars/Olympus_Mons"}""",                // 7
            """{"type":"tenant","id":"t1","time_zone":"../../etc/passwd"}""",                 // 8
            """{"type":"tenant","id":"t1","time_zone":"Eastern Standard Time"}""",            // 9
            """{"type":"tenant","id":"t1","time_zone":42}""",                                 // 10
            """{"type":"tenant","id":"t2","time_zone":"Asia/Kolkata"}""",                     // 11 ok
        ]);

        Assert.Equal([7L, 8, 9, 10], result.Errors.Select(e => e.Line));
        Assert.All(result.Errors.Take(3), e => Assert.Equal("time_zone", e.Field));
        Assert.Equal("unknown time zone \"Mars/Olympus_Mons\": use an IANA name like \"Europe/Berlin\" or \"UTC\"", result.Errors[0].Reason);
        Assert.Equal(("time_zone", "must be a string, got a number"), (result.Errors[3].Field, result.Errors[3].Reason));
        Assert.Equal("t1|UTC,t2|Asia/Kolkata", await Pipeline.ScalarAsync<string>("SELECT string_agg(id || '|' || time_zone, ',' ORDER BY id) FROM tenants"));
    }
}
