using PenguinMails.Analytics.Aggregation;
using PenguinMails.Analytics.Ingestion;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.IntegrationTests.Pipeline;

/// <summary>
/// The pipeline's behaviour, the same on both engines: ingest, incremental fold, recompute, and
/// the reference computed in the test from the records themselves.
/// </summary>
public abstract partial class PipelineConformanceTests : IAsyncLifetime
{
    private PipelineFixture? fixture;

    protected abstract StorageEngine Engine { get; }

    private PipelineFixture Pipeline => fixture ?? throw new InvalidOperationException("not initialized");

    public async ValueTask InitializeAsync() => fixture = await PipelineFixture.CreateAsync(Engine);

    public async ValueTask DisposeAsync()
    {
        if (fixture is not null)
        {
            await fixture.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    public async Task incremental_equals_recompute_equals_reference_on_random_workloads(int seed)
    {
        var random = new Random(seed);
        var lines = PipelineFixture.Workload(seed, tenants: 3, emails: 1_500);
        var reference = ReferenceModel.FromLines(lines).Expected();

        // Entity definitions first (a record with an unknown parent is rejected); then the events
        // in a shuffled order with the later entity updates among them, in random batches, some
        // sent twice (a producer retry), with folds at random points in between.
        var firstEvent = lines.FindIndex(l => l.Contains("\"email.", StringComparison.Ordinal) || l.Contains("mailbox.health", StringComparison.Ordinal));
        var definitions = lines.Take(firstEvent).ToList();
        var rest = lines.Skip(firstEvent).Where(l => !definitions.Contains(l)).ToList();
        definitions.AddRange(rest.Where(l => !IsEvent(l) && !IsLateUpdate(l)));
        rest = rest.Where(l => IsEvent(l) || IsLateUpdate(l)).ToList();
        Shuffle(rest, random);

        Assert.Equal(0, (await Pipeline.IngestAsync(definitions)).Rejected);
        var position = 0;
        while (position < rest.Count)
        {
            var size = random.Next(1, rest.Count / 5);
            var batch = rest.Skip(position).Take(size).ToList();
            position += size;
            var result = await Pipeline.IngestAsync(batch, batchLines: random.Next(50, 500));
            Assert.Equal(0, result.Rejected);
            if (random.NextDouble() < 0.3)
            {
                await Pipeline.IngestAsync(batch); // the same batch again: all no-ops
            }
            if (random.NextDouble() < 0.5)
            {
                await Pipeline.FoldAsync();
            }
        }
        var fold = await Pipeline.FoldAsync();
        Assert.Equal(0, fold.StillPending);

        var incremental = await AnalyticsSnapshot.Full(Pipeline.Database);
        AnalyticsSnapshot.AssertEqual(reference, await AnalyticsSnapshot.CountersOnly(Pipeline.Database), "incremental vs reference");
        // (Seed 11 has the fewest: 6, campaigns in two billing periods each; nothing is sent past the workload's end.)
        Assert.True(reference["campaign_analytics"].Count >= 6, $"the workload should have many campaign periods, has {reference["campaign_analytics"].Count}");
        Assert.NotEmpty(reference["warmup_analytics"]);
        // The trusted metrics are not trivially equal to the guide's: machines open, replies are automatic, some positive.
        long Sum(int counter) => reference["daily_tenant_stats"].Sum(r => long.Parse(r.Split('|')[2 + counter], System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(Sum(8), 1, Sum(2) - 1);  // opened_human < opened_tracked
        Assert.InRange(Sum(9), 1, Sum(3) - 1);  // clicked_human < clicked_tracked
        Assert.True(Sum(11) > 0 && Sum(12) > 0, $"replied_auto {Sum(11)}, replied_positive {Sum(12)}");

        await Pipeline.Aggregator.RecomputeAsync(RecomputeScope.All, TestContext.Current.CancellationToken);
        AnalyticsSnapshot.AssertEqual(incremental, await AnalyticsSnapshot.Full(Pipeline.Database), "full recompute vs incremental");

        await Pipeline.Aggregator.RecomputeAsync(new RecomputeScope("t2", new DateOnly(2026, 5, 1), new DateOnly(2026, 5, 10)), TestContext.Current.CancellationToken);
        AnalyticsSnapshot.AssertEqual(incremental, await AnalyticsSnapshot.Full(Pipeline.Database), "scoped recompute vs incremental");

        // A tenant moves to another time zone: the recompute its ingest queued re-buckets its days.
        string[] move = ["""{"type":"tenant","id":"t1","time_zone":"Pacific/Auckland"}"""];
        Assert.Equal(0, (await Pipeline.IngestAsync(move)).Rejected);
        await new PenguinMails.Analytics.Jobs.JobRunner(Pipeline.Database, JobHandlers.All(Pipeline.Database, Pipeline.Aggregator)).RunUntilIdleAsync(TestContext.Current.CancellationToken);
        AnalyticsSnapshot.AssertEqual(ReferenceModel.FromLines([.. lines, .. move]).Expected(), await AnalyticsSnapshot.CountersOnly(Pipeline.Database), "after a time zone change vs reference");
    }

    [Fact]
    public async Task every_kind_of_bad_line_is_rejected_with_its_reason_and_the_rest_lands()
    {
        var longId = new string('x', 70_000);
        string[] lines =
        [
            .. Lines.Entities,                                                                   // 1-6
            Lines.Sent("e1", "x1", "2026-03-02T10:00:00Z"),                                      // 7 ok
            "{\"type\":\"email.sent\",",                                                          // 8 broken JSON
            """{"type":"email.teleported","event_id":"e2","email_id":"x1","occurred_at":"2026-03-02T10:00:00Z"}""", // 9 unknown type
            """{"type":"email.opened","email_id":"x1","occurred_at":"2026-03-02T10:00:00Z"}""",  // 10 missing event_id
            """{"type":"email.opened","event_id":7,"email_id":"x1","occurred_at":"2026-03-02T10:00:00Z"}""", // 11 wrong type
            """{"type":"email.opened","event_id":"e3","email_id":"x1","occurred_at":"2026-03-02 10:00"}""",  // 12 bad timestamp
            """{"type":"mailbox.health","event_id":"e4","mailbox_id":"m1","occurred_at":"2026-03-02T10:00:00Z","health_score":101}""", // 13 out of range
            Lines.Sent("e5", "x2", "2026-03-02T10:00:00Z", lead: "nobody"),                     // 14 unknown parent
            $$"""{"type":"lead","id":"{{longId}}","company_id":"c1"}""",                         // 15 over-long line
            "",                                                                                  // 16 blank: skipped
            Lines.Event("opened", "e6", "x1", "2026-03-02T11:00:00Z"),                           // 17 ok
            """{"type":"company","id":"c2","tenant_id":"nope"}""",                               // 18 unknown tenant
            """{"type":"email.bounced","event_id":"e7","email_id":"x1","occurred_at":"2026-03-02T10:00:00Z","bounce_type":"medium"}""", // 19 bad enum
        ];

        var result = await Pipeline.IngestAsync(lines);

        Assert.Equal(8, result.Accepted);
        Assert.Equal(10, result.Rejected);
        Assert.Equal([8L, 9, 10, 11, 12, 13, 14, 15, 18, 19], result.Errors.Select(e => e.Line));
        var byLine = result.Errors.ToDictionary(e => e.Line);
        Assert.Contains("not valid JSON", byLine[8].Reason, StringComparison.Ordinal);
        Assert.Equal(("type", true), (byLine[9].Field, byLine[9].Reason.Contains("unknown record type 'email.teleported'", StringComparison.Ordinal)));
        Assert.Equal(("event_id", "is required"), (byLine[10].Field, byLine[10].Reason));
        Assert.Equal(("event_id", "must be a string, got a number"), (byLine[11].Field, byLine[11].Reason));
        Assert.Equal("occurred_at", byLine[12].Field);
        Assert.Contains("RFC 3339", byLine[12].Reason, StringComparison.Ordinal);
        Assert.Equal(("health_score", "must be between 0 and 100, got 101"), (byLine[13].Field, byLine[13].Reason));
        Assert.Equal(("lead_id", "unknown lead 'nobody'"), (byLine[14].Field, byLine[14].Reason));
        Assert.Equal(Rejection.WholeLine, byLine[15].Field);
        Assert.Contains("longer than the limit", byLine[15].Reason, StringComparison.Ordinal);
        Assert.Equal(("tenant_id", "unknown tenant 'nope'"), (byLine[18].Field, byLine[18].Reason));
        Assert.Equal("bounce_type", byLine[19].Field);

        // The good lines of the same batch landed and count.
        await Pipeline.FoldAsync();
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>("SELECT sent FROM campaign_analytics WHERE campaign_id = 'k1'"));
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>("SELECT opened_tracked FROM campaign_analytics WHERE campaign_id = 'k1'"));
        Assert.Equal(0L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM companies WHERE id = 'c2'"));
    }

    [Fact]
    public async Task a_fold_in_several_transactions_tells_events_waiting_for_their_email_from_events_not_read_yet()
    {
        await Pipeline.IngestAsync(Lines.Entities);
        // Seven events: an open of an email that never arrives, then three emails with an open each.
        await Pipeline.IngestAsync([Lines.Event("opened", "o0", "x0", "2026-03-02T11:00:00Z"),
            Lines.Sent("s1", "x1", "2026-03-02T10:00:00Z"), Lines.Event("opened", "o1", "x1", "2026-03-02T11:00:00Z"),
            Lines.Sent("s2", "x2", "2026-03-02T10:00:00Z"), Lines.Event("opened", "o2", "x2", "2026-03-02T11:00:00Z"),
            Lines.Sent("s3", "x3", "2026-03-02T10:00:00Z"), Lines.Event("opened", "o3", "x3", "2026-03-02T11:00:00Z")]);
        var folds = new Folds();
        var total = await new Aggregator(await Pipeline.DatabaseOfAsync("t1"), new AggregationOptions { MaxEventsPerFold = 3 }, progress: folds).FoldAsync(TestContext.Current.CancellationToken);

        // Three new events a transaction: the lost email's open waits in each; the rest is queued until read.
        Assert.Equal(["1 waiting, 4 queued", "1 waiting, 1 queued", "1 waiting, 0 queued"], folds.Seen.Select(f => $"{f.StillPending} waiting, {f.Queued} queued"));
        Assert.Equal((1L, 0L, 3L), (total.StillPending, total.Queued, total.NewEmails));
        Assert.Equal(3L, await Pipeline.ScalarAsync<long>("SELECT SUM(opened_tracked) FROM campaign_analytics"));
    }

    private sealed class Folds : IProgress<FoldResult>
    {
        public List<FoldResult> Seen { get; } = [];

        public void Report(FoldResult value) => Seen.Add(value);
    }

    [Fact]
    public async Task an_event_before_its_email_waits_and_counts_once_the_email_arrives()
    {
        await Pipeline.IngestAsync(Lines.Entities);
        await Pipeline.IngestAsync([Lines.Event("opened", "e1", "x1", "2026-03-02T11:00:00Z"), Lines.Event("delivered", "e2", "x1", "2026-03-02T10:01:00Z")]);
        var first = await Pipeline.FoldAsync();

        Assert.Equal(2, first.StillPending);
        Assert.Equal(0L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM campaign_analytics"));

        // Waiting, they are not read again by a fold whose sends are for other emails.
        await Pipeline.IngestAsync([Lines.Sent("e5", "y1", "2026-03-02T10:00:00Z")]);
        var unrelated = await Pipeline.FoldAsync();

        Assert.Equal((1L, 2L), (unrelated.EventsRead, unrelated.StillPending));

        await Pipeline.IngestAsync([Lines.Sent("e3", "x1", "2026-03-02T10:00:00Z"), Lines.Event("opened", "e4", "x1", "2026-03-02T09:00:00Z")]);
        var second = await Pipeline.FoldAsync();

        Assert.Equal((4L, 0L), (second.EventsRead, second.StillPending));
        Assert.Equal("2|1|1", await Pipeline.ScalarAsync<string>( // x1 sent, delivered, opened; y1 sent
            "SELECT CAST(SUM(sent) AS TEXT) || '|' || CAST(SUM(delivered) AS TEXT) || '|' || CAST(SUM(opened_tracked) AS TEXT) FROM campaign_analytics"));
        // The raw store keeps the first occurrence of each event.
        Assert.Equal("2026-03-02 09:00:00", await Pipeline.ScalarAsync<string>(
            "SELECT CAST(CAST(opened_at AT TIME ZONE 'UTC' AS TIMESTAMP) AS TEXT) FROM emails WHERE email_id = 'x1'"));
    }

    [Fact]
    public async Task a_batch_is_queued_in_input_order_so_the_first_of_two_sends_of_an_email_wins()
    {
        const string SecondLead = """{"type":"lead","id":"l2","company_id":"c1","status":"new"}""";
        await Pipeline.IngestAsync([.. Lines.Entities, SecondLead]);
        // One batch of 200,002 sends, more than one of DuckDB's row groups (122,880 rows), which its
        // threads take in any order: the email "dup" is sent to l2 first and to l1 last.
        var filler = Enumerable.Range(0, 200_000).Select(i => Lines.Sent($"f{i:D6}", $"y{i}", "2026-03-02T10:00:00Z"));
        List<string> batch = [Lines.Sent("f", "dup", "2026-03-02T09:00:00Z", lead: "l2"), .. filler, Lines.Sent("g", "dup", "2026-03-02T11:00:00Z")];
        Assert.Equal(0, (await Pipeline.IngestAsync(batch, batchLines: 250_000)).Rejected);

        // The queue numbers the events as the lines came: event ids ascend with seq.
        Assert.Equal(0L, await Pipeline.ScalarAsync<long>(
            "SELECT COUNT(*) FROM (SELECT event_id, LAG(event_id) OVER (ORDER BY seq) AS previous FROM pending_events) x WHERE event_id < previous"));
        await Pipeline.FoldAsync();
        Assert.Equal("l2|2026-03-02 09:00:00", await Pipeline.ScalarAsync<string>(
            "SELECT l.id || '|' || CAST(CAST(e.sent_at AT TIME ZONE 'UTC' AS TIMESTAMP) AS TEXT) FROM emails e JOIN leads l ON l.lead_key = e.lead_key WHERE e.email_id = 'dup'"));
        Assert.Equal(200_001L, await Pipeline.ScalarAsync<long>("SELECT SUM(sent) FROM campaign_analytics"));
    }

    [Fact]
    public async Task pending_events_past_their_window_are_dead_lettered_with_a_system_event()
    {
        await Pipeline.IngestAsync(Lines.Entities);
        await Pipeline.IngestAsync([Lines.Event("opened", "e1", "lost", "2026-03-02T11:00:00Z"), Lines.Event("clicked", "e2", "lost", "2026-03-02T11:01:00Z")]);
        await Pipeline.FoldAsync();
        await Pipeline.ExecuteAsync("UPDATE pending_events SET received = received - INTERVAL '8 days'");

        var fold = await Pipeline.FoldAsync();

        Assert.Equal(2, fold.DeadLettered);
        Assert.Equal(0L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM pending_events"));
        Assert.Equal("email.clicked,email.opened", await Pipeline.ScalarAsync<string>(
            "SELECT string_agg(event_type, ',' ORDER BY event_type) FROM dead_letter_events WHERE email_id = 'lost'"));
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM admin_system_events WHERE event_type = 'pending_events_dead_lettered' AND message LIKE '2 %'"));
    }

    [Fact]
    public async Task health_score_comes_from_snapshots_else_from_the_formula()
    {
        await Pipeline.IngestAsync(Lines.Entities);
        // 10 emails on 2026-03-02: 1 hard bounce, 9 delivered, 3 opened, 1 replied.
        var lines = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            lines.Add(Lines.Sent($"s{i}", $"x{i}", $"2026-03-02T10:0{i}:00Z"));
            lines.Add(i == 0 ? Lines.Bounce($"b{i}", $"x{i}", "2026-03-02T10:30:00Z", "hard") : Lines.Event("delivered", $"d{i}", $"x{i}", "2026-03-02T10:30:00Z"));
        }
        lines.AddRange([Lines.Event("opened", "o1", "x1", "2026-03-02T12:00:00Z"), Lines.Event("opened", "o2", "x2", "2026-03-02T12:00:00Z"),
            Lines.Event("opened", "o3", "x3", "2026-03-02T12:00:00Z"), Lines.Event("replied", "r1", "x1", "2026-03-02T13:00:00Z")]);
        await Pipeline.IngestAsync(lines);
        await Pipeline.FoldAsync();

        // 100 - 4 x 10% bounces - 0 + min(10, 11.1% replies) - max(0, (20 - 33.3% opens) / 2) = 70
        Assert.Equal(70, await Pipeline.ScalarAsync<int>("SELECT health_score FROM mailbox_analytics WHERE mailbox_id = 'm1'"));

        // A snapshot from the sender inside the period wins; warmup rows carry it forward by day.
        await Pipeline.IngestAsync([Lines.Health("h1", "2026-03-03T08:00:00Z", 55, 30), Lines.Warmup("w1", "wx1", "2026-03-04T09:00:00Z")]);
        await Pipeline.FoldAsync();
        Assert.Equal(55, await Pipeline.ScalarAsync<int>("SELECT health_score FROM mailbox_analytics WHERE mailbox_id = 'm1'"));
        Assert.Equal("2026-03-03|55|30|0,2026-03-04|55|30|1", await Pipeline.ScalarAsync<string>(
            "SELECT string_agg(CAST(snapshot_date AS TEXT) || '|' || CAST(health_score AS TEXT) || '|' || CAST(progress_percentage AS TEXT) || '|' || CAST(sent AS TEXT), ',' ORDER BY snapshot_date) FROM warmup_analytics"));
    }

    [Fact]
    public async Task warmup_days_carry_each_snapshot_value_forward_on_its_own()
    {
        // Warmup on five days; snapshots on two of them. A value carries from the last snapshot
        // that has it, up to the end of a day: a later snapshot the same day without health keeps
        // that day's earlier health, one without progress keeps the earlier progress.
        await Pipeline.IngestAsync([.. Lines.Entities,
            .. Enumerable.Range(1, 5).Select(day => Lines.Warmup($"w{day}", $"wx{day}", $"2026-03-0{day}T12:00:00Z"))]);
        await Pipeline.FoldAsync();
        await Pipeline.IngestAsync([Lines.Health("h1", "2026-03-02T08:00:00Z", 60, 10), Lines.Health("h2", "2026-03-02T20:00:00Z", 65, null)]);
        await Pipeline.FoldAsync();
        await Pipeline.IngestAsync([Lines.Health("h3", "2026-03-04T09:00:00Z", null, 40), Lines.Health("h4", "2026-03-04T07:00:00Z", 70, 35)]);
        await Pipeline.FoldAsync();

        const string Days = "SELECT string_agg(CAST(snapshot_date AS TEXT) || '|' || COALESCE(CAST(health_score AS TEXT), '-') || '|' || COALESCE(CAST(progress_percentage AS TEXT), '-'), ',' ORDER BY snapshot_date) FROM warmup_analytics";
        // Before any snapshot: the formula over the day's one warmup email (sent, not delivered), no progress.
        const string Expected = "2026-03-01|90|-,2026-03-02|65|10,2026-03-03|65|10,2026-03-04|70|40,2026-03-05|70|40";
        Assert.Equal(Expected, await Pipeline.ScalarAsync<string>(Days));
        await Pipeline.RecomputeAsync(RecomputeScope.All);
        Assert.Equal(Expected, await Pipeline.ScalarAsync<string>(Days));
    }

    [Fact]
    public async Task entity_updates_reach_the_analytics_rows_and_usage_follows_billing_cycles()
    {
        await Pipeline.IngestAsync([.. Lines.Entities, """{"type":"tenant","id":"t1","billing_cycle_day":10}""",
            Lines.Sent("s1", "x1", "2026-03-09T10:00:00Z"), Lines.Sent("s2", "x2", "2026-03-10T10:00:00Z"),
            Lines.Warmup("w1", "wx1", "2026-03-10T11:00:00Z")]);
        await Pipeline.FoldAsync();

        Assert.Equal("t1@2026-02-10|1|1|1|1|1|0,t1@2026-03-10|1|1|1|1|1|1", await Pipeline.ScalarAsync<string>(
            "SELECT string_agg(tenant_id || '@' || CAST(penguin_utc_day(period_start) AS TEXT) || '|' || CAST(emails_sent AS TEXT) || '|' || CAST(mailboxes_used AS TEXT) || '|' || "
            + "CAST(domains_used AS TEXT) || '|' || CAST(campaigns_used AS TEXT) || '|' || CAST(leads_used AS TEXT) || '|' || CAST(warmups_active AS TEXT), ',' ORDER BY period_start) FROM billing_analytics"));

        await Pipeline.IngestAsync(["""{"type":"campaign","id":"k1","company_id":"c1","status":"completed"}""",
            """{"type":"lead","id":"l1","company_id":"c1","status":"replied"}""",
            """{"type":"mailbox","id":"m1","company_id":"c1","warmup_status":"done","current_volume":77}"""]);
        await Pipeline.FoldAsync();

        Assert.Equal("completed,completed", await Pipeline.ScalarAsync<string>("SELECT string_agg(status, ',') FROM campaign_analytics"));
        Assert.Equal("replied,replied", await Pipeline.ScalarAsync<string>("SELECT string_agg(status, ',') FROM lead_analytics"));
        Assert.Equal("done|77|completed", await Pipeline.ScalarAsync<string>(
            "SELECT MIN(warmup_status || '|' || CAST(current_volume AS TEXT) || '|' || campaign_status) FROM mailbox_analytics"));
    }

    [Fact]
    public async Task only_known_entities_whose_values_change_are_queued_for_an_attribute_refresh()
    {
        const string changes = "SELECT COALESCE(string_agg(entity_type || ':' || entity_id, ',' ORDER BY entity_type, entity_id), '') FROM entity_changes";
        await Pipeline.IngestAsync(Lines.Entities);
        Assert.Equal("", await Pipeline.ScalarAsync<string>(changes)); // new entities: no analytics rows to refresh

        await Pipeline.IngestAsync([
            """{"type":"campaign","id":"k1","company_id":"c1","status":"paused"}""",                      // changed
            """{"type":"mailbox","id":"m1","company_id":"c1","domain":"a.example","current_volume":5}""",  // changed (volume)
            Lines.Lead,                                                                                  // the same values again
            """{"type":"lead","id":"l2","company_id":"c1","status":"new"}""",                            // new
        ]);
        Assert.Equal("campaign:k1,mailbox:m1", await Pipeline.ScalarAsync<string>(changes));

        await Pipeline.FoldAsync();
        Assert.Equal("", await Pipeline.ScalarAsync<string>(changes));
    }

    [Fact]
    public async Task warmup_traffic_never_counts_as_campaign_traffic()
    {
        await Pipeline.IngestAsync([.. Lines.Entities, Lines.Warmup("w1", "wx1", "2026-03-04T09:00:00Z"), Lines.Event("opened", "o1", "wx1", "2026-03-04T10:00:00Z")]);
        await Pipeline.FoldAsync();

        Assert.Equal(0L, await Pipeline.ScalarAsync<long>(
            "SELECT (SELECT COUNT(*) FROM campaign_analytics) + (SELECT COUNT(*) FROM mailbox_analytics) + (SELECT COUNT(*) FROM daily_tenant_stats) + (SELECT SUM(emails_sent) FROM billing_analytics)"));
        Assert.Equal("1|1", await Pipeline.ScalarAsync<string>("SELECT CAST(sent AS TEXT) || '|' || CAST(opened_tracked AS TEXT) FROM warmup_analytics"));
    }

    [Fact]
    public async Task a_tenant_scoped_producer_cannot_touch_another_tenants_data()
    {
        await Pipeline.IngestAsync([.. Lines.Entities, """{"type":"tenant","id":"t2"}""", """{"type":"company","id":"c2","tenant_id":"t2"}""",
            """{"type":"mailbox","id":"m2","company_id":"c2"}""", Lines.Sent("s1", "x1", "2026-03-02T10:00:00Z")]);
        var scoped = new Ingestor(Pipeline.Database, new IngestOptions { TenantId = "t2" });

        var result = await scoped.IngestAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join('\n',
        [
            """{"type":"company","id":"c3","tenant_id":"t1"}""",
            """{"type":"campaign","id":"k9","company_id":"c1"}""",
            """{"type":"email.sent","event_id":"s2","email_id":"x2","occurred_at":"2026-03-02T10:00:00Z","warmup":true,"mailbox_id":"m1"}""",
            Lines.Event("opened", "o1", "x1", "2026-03-02T11:00:00Z"),
            """{"type":"email.sent","event_id":"s3","email_id":"x3","occurred_at":"2026-03-02T10:00:00Z","warmup":true,"mailbox_id":"m2"}""",
        ]))), null, TestContext.Current.CancellationToken);
        await Pipeline.FoldAsync();

        Assert.Equal([(1L, "tenant_id"), (2L, "company_id"), (3L, "mailbox_id")], result.Errors.Select(e => (e.Line, e.Field)));
        Assert.All(result.Errors, e => Assert.Contains("tenant of this API key", e.Reason, StringComparison.Ordinal));
        // The open of tenant t1's email, sent with t2's key, is not applied: it waits, then dead-letters.
        Assert.Equal(0L, await Pipeline.ScalarAsync<long>("SELECT opened_tracked FROM campaign_analytics WHERE campaign_id = 'k1'"));
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM pending_events WHERE event_id = 'o1'"));
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>("SELECT sent FROM warmup_analytics WHERE mailbox_id = 'm2'"));
    }

    private static bool IsEvent(string line) =>
        line.Contains("\"email.", StringComparison.Ordinal) || line.Contains("\"mailbox.health\"", StringComparison.Ordinal);

    // The generator ends with status updates of campaigns that finished (no name, unlike definitions).
    private static bool IsLateUpdate(string line) =>
        line.StartsWith("{\"type\":\"campaign\"", StringComparison.Ordinal) && !line.Contains("\"name\"", StringComparison.Ordinal);

    private static void Shuffle(List<string> lines, Random random)
    {
        for (var i = lines.Count - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (lines[i], lines[j]) = (lines[j], lines[i]);
        }
    }
}

public sealed class DuckDbPipelineTests : PipelineConformanceTests
{
    protected override StorageEngine Engine => StorageEngine.DuckDb;
}

public sealed class PostgresPipelineTests : PipelineConformanceTests
{
    protected override StorageEngine Engine => StorageEngine.Postgres;
}
