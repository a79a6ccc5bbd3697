using System.Text;
using System.Text.RegularExpressions;
using PenguinMails.Analytics.Ingestion;

namespace PenguinMails.Analytics.IntegrationTests.Pipeline;

/// <summary>Nothing poisons the pipeline: bad lines, records the engine refuses, email ids two tenants use.</summary>
public abstract partial class PipelineConformanceTests
{
    private const string NotUtf8 = "is not valid UTF-8 text (invalid bytes or an unpaired surrogate escape)";

    [Fact]
    public async Task every_malformed_line_of_a_file_is_one_rejection_and_every_good_line_lands()
    {
        var good = PipelineFixture.Workload(seed: 21, tenants: 2, emails: 400);
        var reference = ReferenceModel.FromLines(good).Expected();
        var sent = good.First(l => l.Contains("\"email.sent\"", StringComparison.Ordinal) && !l.Contains("\"warmup\"", StringComparison.Ordinal));
        string Sent(string eventId, string field, string value) =>
            Regex.Replace(sent.Replace("\"event_id\":\"", $"\"event_id\":\"{eventId}-", StringComparison.Ordinal), $"\"{field}\":\"[^\"]*\"", $"\"{field}\":\"{value}\"");
        byte[] Raw(string before, byte[] bytes, string after) => [.. Encoding.UTF8.GetBytes(before), .. bytes, .. Encoding.UTF8.GetBytes(after)];

        // Each would, before this was fixed, abort the file, stop every later fold, or be stored
        // on one engine and refused by the other.
        (byte[] Line, string Field, string Reason)[] bad =
        [
            (Encoding.UTF8.GetBytes(Sent("b1", "occurred_at", "0001-01-01T00:00:00Z")), "occurred_at", "is before 2000-01-01T00:00:00Z"),
            (Encoding.UTF8.GetBytes(Sent("b2", "occurred_at", "9999-12-31T23:59:59Z")), "occurred_at", "past the receiving clock"),
            (Raw(Sent("b3", "email_id", "z").Replace("\"z\"", "\"z@@\"", StringComparison.Ordinal).Split("@@")[0], [0xC3, 0x28], Sent("b3", "email_id", "z").Replace("\"z\"", "\"z@@\"", StringComparison.Ordinal).Split("@@")[1]), "email_id", NotUtf8),
            (Encoding.UTF8.GetBytes(Sent("b4", "email_id", @"z\ud800")), "email_id", NotUtf8),
            (Encoding.UTF8.GetBytes(Sent("b5", "email_id", @"z\udc00\ud800")), "email_id", NotUtf8),
            (Encoding.UTF8.GetBytes(Sent("b6", "email_id", @"z\u0000")), "email_id", "must not contain a NUL character"),
            (Encoding.UTF8.GetBytes("""{"type":"tenant","id":"t1","name":"Acme\u0000"}"""), "name", "must not contain a NUL character"),
            (Raw("{\"type\":\"tenant\",\"id\":\"t1\",\"name\":\"x", [0xFF, 0xFE], "\"}"), "name", NotUtf8),
            (Encoding.UTF8.GetBytes(sent[..(sent.Length / 2)]), "(line)", "not valid JSON"),
            (Raw("", [0xEF, 0xBB, 0xBF], sent), "(line)", "not valid JSON"),
            (Raw("{\"type\":\"tenant\",\"id\":\"t", [0x07], "\"}"), "(line)", "not valid JSON"),
            (Encoding.UTF8.GetBytes("{\"type\":\"tenant\",\"id\":\"t1\",\"deep\":" + new string('[', 100) + new string(']', 100) + "}"), "(line)", "maximum configured depth"),
            (Encoding.UTF8.GetBytes("""{"type":"tenant","id":"t1","billing_cycle_day":99999999999999999999999999}"""), "billing_cycle_day", "must be a whole number"),
            (Encoding.UTF8.GetBytes(Sent("b7", "event_id", "x").Replace("\"occurred_at\"", "\"tenant_id\":\"nobody\",\"occurred_at\"", StringComparison.Ordinal)), "tenant_id", "unknown tenant 'nobody'"),
            (Encoding.UTF8.GetBytes(new string(' ', 70_000) + "{}"), "(line)", "longer than the limit"),
        ];

        // A bad line after every 25 good ones; good lines end in CRLF now and then.
        using var file = new MemoryStream();
        var expected = new List<(long Line, string Field, string Reason)>();
        long line = 0;
        var next = 0;
        for (var i = 0; i < good.Count; i++)
        {
            file.Write(Encoding.UTF8.GetBytes(good[i] + (i % 7 == 0 ? "\r\n" : "\n")));
            line++;
            if (i % 25 == 24 && next < bad.Length)
            {
                file.Write(bad[next].Line);
                file.WriteByte((byte)'\n');
                expected.Add((++line, bad[next].Field, bad[next].Reason));
                next++;
            }
        }
        Assert.Equal(bad.Length, next);

        var result = await Pipeline.IngestAsync(file.ToArray(), batchLines: 1_000);

        Assert.Equal(bad.Length, result.Rejected);
        Assert.Equal(good.Count, result.Accepted);
        Assert.Equal(expected.Select(e => (e.Line, e.Field)), result.Errors.Select(e => (e.Line, e.Field)));
        foreach (var (error, wanted) in result.Errors.Zip(expected))
        {
            Assert.True(error.Reason.Contains(wanted.Reason, StringComparison.Ordinal), $"line {error.Line}: {error.Reason}");
        }
        var fold = await Pipeline.FoldAsync();
        Assert.Equal(0, fold.DeadLettered);
        AnalyticsSnapshot.AssertEqual(reference, await AnalyticsSnapshot.CountersOnly(Pipeline.Database), "the good lines of a malformed file vs reference");
    }

    [Fact]
    public async Task a_record_the_engine_refuses_goes_to_the_dead_letters_and_the_rest_of_the_fold_lands()
    {
        string[] otherTenant =
        [
            """{"type":"tenant","id":"t2"}""", """{"type":"company","id":"c2","tenant_id":"t2"}""", """{"type":"campaign","id":"k2","company_id":"c2"}""",
            """{"type":"sequence_step","id":"s2","campaign_id":"k2","step_number":1}""", """{"type":"mailbox","id":"m2","company_id":"c2"}""",
            """{"type":"lead","id":"l2","company_id":"c2"}""",
            """{"type":"email.sent","event_id":"t2s1","email_id":"y1","occurred_at":"2026-03-02T10:00:00Z","campaign_id":"k2","step_id":"s2","mailbox_id":"m2","lead_id":"l2"}""",
        ];
        await Pipeline.IngestAsync([.. Lines.Entities, .. otherTenant, Lines.Sent("s1", "x1", "2026-03-02T10:00:00Z"), Lines.Sent("s2", "x2", "2026-03-02T10:00:00Z")]);
        await Pipeline.FoldAsync();

        // Past ingest validation (as a bug or an older version might let through): a bounce type
        // and a health score that the tables' CHECK constraints refuse, among good events of both tenants.
        await Pipeline.IngestAsync([Lines.Event("opened", "o1", "x1", "2026-03-02T11:00:00Z"), Lines.Bounce("b1", "x2", "2026-03-02T10:05:00Z", "hard")]);
        await Pipeline.ExecuteAsync(
            "INSERT INTO pending_events (kind, event_id, email_id, occurred_at, bounce_type, tenant_key) SELECT 5, 'poison-1', 'x1', TIMESTAMPTZ '2026-03-02 12:00:00+00', 'medium', tenant_key FROM tenants WHERE id = 't1'");
        await Pipeline.ExecuteAsync(
            "INSERT INTO pending_events (kind, event_id, occurred_at, tenant_key, mailbox_key, health_score) SELECT 8, 'poison-2', TIMESTAMPTZ '2026-03-02 12:00:00+00', t.tenant_key, m.mailbox_key, 250 FROM tenants t, mailboxes m WHERE t.id = 't1' AND m.id = 'm1'");
        await Pipeline.IngestAsync([Lines.Event("replied", "r1", "x1", "2026-03-03T09:00:00Z"), Lines.Event("delivered", "d2", "y1", "2026-03-02T10:01:00Z")]);

        var fold = await Pipeline.FoldAsync();

        Assert.Equal((2L, 0L), (fold.DeadLettered, fold.StillPending));
        Assert.Equal("1|1|1|1", await Pipeline.ScalarAsync<string>(
            "SELECT CAST(opened_tracked AS TEXT) || '|' || CAST(replied AS TEXT) || '|' || CAST(bounced AS TEXT) || '|' || CAST(sent - 1 AS TEXT) FROM campaign_analytics WHERE campaign_id = 'k1'"));
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>("SELECT delivered FROM campaign_analytics WHERE campaign_id = 'k2'"));
        Assert.Equal("hard", await Pipeline.ScalarAsync<string>("SELECT bounce_type FROM emails WHERE email_id = 'x2'"));
        Assert.Equal("email.bounced|poison-1,mailbox.health|poison-2", await Pipeline.ScalarAsync<string>(
            "SELECT string_agg(event_type || '|' || event_id, ',' ORDER BY event_id) FROM dead_letter_events"));
        Assert.Equal(2L, await Pipeline.ScalarAsync<long>(
            "SELECT COUNT(*) FROM dead_letter_events WHERE reason LIKE 'the database refused this record in the fold: %' AND lower(reason) LIKE '%check%'"));
        Assert.Equal(2L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM admin_system_events WHERE event_type = 'fold_record_refused' AND severity = 'error'"));
        Assert.Equal(0L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM mailbox_health_snapshots"));

        // The pipeline goes on: later events fold as usual.
        await Pipeline.IngestAsync([Lines.Event("clicked", "c1", "x1", "2026-03-03T10:00:00Z")]);
        Assert.Equal(0, (await Pipeline.FoldAsync()).DeadLettered);
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>("SELECT clicked_tracked FROM campaign_analytics WHERE campaign_id = 'k1'"));
    }

    private static readonly string[] SecondTenant =
    [
        """{"type":"tenant","id":"t2"}""", """{"type":"company","id":"c2","tenant_id":"t2"}""", """{"type":"campaign","id":"k2","company_id":"c2"}""",
        """{"type":"sequence_step","id":"s2","campaign_id":"k2","step_number":1}""", """{"type":"mailbox","id":"m2","company_id":"c2"}""",
        """{"type":"lead","id":"l2","company_id":"c2"}""",
    ];

    private static string SentOfSecondTenant(string eventId, string emailId, string at) =>
        $$"""{"type":"email.sent","event_id":"{{eventId}}","email_id":"{{emailId}}","occurred_at":"{{at}}","campaign_id":"k2","step_id":"s2","mailbox_id":"m2","lead_id":"l2"}""";

    private async Task<string> CountersAsync(string campaign) => (await Pipeline.ScalarAsync<string>(
        "SELECT CAST(sent AS TEXT) || '|' || CAST(opened_tracked AS TEXT) || '|' || CAST(replied AS TEXT) || '|' || CAST(clicked_tracked AS TEXT) FROM campaign_analytics WHERE campaign_id = $1", campaign))!;

    [Fact]
    public async Task two_tenants_using_one_email_id_through_their_own_keys_each_count_their_own()
    {
        await Pipeline.IngestAsync([.. Lines.Entities, .. SecondTenant]);

        var a = await Pipeline.IngestAsync([Lines.Sent("a1", "shared-1", "2026-03-02T10:00:00Z"), Lines.Event("opened", "a2", "shared-1", "2026-03-02T11:00:00Z")], "t1");
        var b = await Pipeline.IngestAsync([SentOfSecondTenant("b1", "shared-1", "2026-03-02T10:30:00Z"), Lines.Event("replied", "b2", "shared-1", "2026-03-02T12:00:00Z")], "t2");
        await Pipeline.FoldAsync();
        // Events that come later through each key still find their own tenant's email.
        await Pipeline.IngestAsync([Lines.Event("clicked", "a3", "shared-1", "2026-03-02T13:00:00Z")], "t1");
        var fold = await Pipeline.FoldAsync();

        Assert.Equal((2L, 0L, 2L, 0L), (a.Accepted, a.Rejected, b.Accepted, b.Rejected));
        Assert.Equal((0L, 0L), (fold.StillPending, fold.DeadLettered));
        Assert.Equal("1|1|0|1", await CountersAsync("k1"));
        Assert.Equal("1|0|1|0", await CountersAsync("k2"));
        Assert.Equal(2L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM emails WHERE email_id = 'shared-1'"));
    }

    [Fact]
    public async Task without_a_key_an_event_for_an_email_id_two_tenants_use_must_name_its_tenant()
    {
        await Pipeline.IngestAsync([.. Lines.Entities, .. SecondTenant]);

        // The platform's own ingest (the CLI, an admin key): email.sent finds its tenant through its
        // campaign; an event that names no tenant is resolved to the one tenant that has the email.
        await Pipeline.IngestAsync([Lines.Sent("a1", "shared-1", "2026-03-02T10:00:00Z"), Lines.Event("opened", "a2", "shared-1", "2026-03-02T11:00:00Z")]);
        await Pipeline.FoldAsync();
        Assert.Equal("1|1|0|0", await CountersAsync("k1"));

        // Tenant t2 starts using the same id; an event in the same file that names no tenant is
        // ambiguous once both emails exist: it is dead-lettered with the reason, not guessed.
        var same = await Pipeline.IngestAsync([SentOfSecondTenant("b1", "shared-1", "2026-03-02T10:30:00Z"), Lines.Event("replied", "b2", "shared-1", "2026-03-02T12:00:00Z")]);
        var fold = await Pipeline.FoldAsync();
        Assert.Equal((2L, 0L, 1L), (same.Accepted, same.Rejected, fold.DeadLettered));
        Assert.Equal("email id 'shared-1' is used by more than one tenant and the event does not name tenant_id", await Pipeline.ScalarAsync<string>(
            "SELECT reason FROM dead_letter_events WHERE event_id = 'b2'"));

        // From now on ingest refuses such an event at once, line by line, and takes the ones that name their tenant.
        var later = await Pipeline.IngestAsync(
        [
            Lines.Event("replied", "b3", "shared-1", "2026-03-02T12:00:00Z"),
            """{"type":"email.replied","event_id":"b4","email_id":"shared-1","occurred_at":"2026-03-02T12:00:00Z","tenant_id":"t2"}""",
            """{"type":"email.clicked","event_id":"a3","email_id":"shared-1","occurred_at":"2026-03-02T12:00:00Z","tenant_id":"t1"}""",
            """{"type":"email.clicked","event_id":"a4","email_id":"shared-1","occurred_at":"2026-03-02T12:00:00Z","tenant_id":"t3"}""",
            Lines.Event("opened", "a5", "x-only-t1", "2026-03-02T12:00:00Z"),
        ]);
        await Pipeline.IngestAsync([Lines.Sent("a6", "x-only-t1", "2026-03-02T10:00:00Z")]);
        fold = await Pipeline.FoldAsync();

        Assert.Equal([(1L, "email_id", "email id 'shared-1' is used by more than one tenant: name the tenant with tenant_id"), (4L, "tenant_id", "unknown tenant 't3'")],
            later.Errors.Select(e => (e.Line, e.Field, e.Reason)));
        Assert.Equal((0L, 0L), (fold.StillPending, fold.DeadLettered));
        Assert.Equal("2|2|0|1", await CountersAsync("k1"));
        Assert.Equal("1|0|1|0", await CountersAsync("k2"));

        // A producer's key may only name its own tenant.
        var wrong = await Pipeline.IngestAsync(["""{"type":"email.opened","event_id":"b5","email_id":"shared-1","occurred_at":"2026-03-02T12:00:00Z","tenant_id":"t1"}"""], "t2");
        Assert.Equal([(1L, "tenant_id", "tenant 't1' is not the tenant of this API key")], wrong.Errors.Select(e => (e.Line, e.Field, e.Reason)));
    }

    [Fact]
    public async Task an_input_that_breaks_off_keeps_every_batch_read_before_and_reports_why()
    {
        var lines = PipelineFixture.Workload(seed: 23, tenants: 2, emails: 300);
        static bool IsEvent(string line) => line.Contains("\"event_id\"", StringComparison.Ordinal);
        // Batches of the entities and 40 events each; the input breaks off in the middle of the third.
        var batchLines = lines.FindIndex(IsEvent) + 40;
        var text = Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n");
        var cut = Encoding.UTF8.GetByteCount(string.Join('\n', lines.Take(batchLines * 5 / 2)) + "\n");
        var ingestor = new Ingestor(Pipeline.Database, new IngestOptions { BatchLines = batchLines });

        var error = await Assert.ThrowsAsync<IOException>(() => ingestor.IngestAsync(new BreakingStream(text, cut), null, TestContext.Current.CancellationToken));

        Assert.Equal("the input broke off", error.Message);
        // The workload repeats some events, as producers that deliver at least once do: a batch
        // queues each once (the fold drops repeats across batches).
        int Queued(IEnumerable<string> batch) => batch.Where(IsEvent).Select(l => Regex.Match(l, "\"event_id\":\"([^\"]+)\"").Groups[1].Value).Distinct().Count();
        var landed = Queued(lines.Take(batchLines)) + Queued(lines.Skip(batchLines).Take(batchLines));
        Assert.True(landed > 40 && landed < lines.Count(IsEvent), $"{landed} events in the first two batches");
        Assert.Equal(landed, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM pending_events"));
    }

    /// <summary>An input that fails after <paramref name="length"/> bytes, as a dropped upload or a dying disk does.</summary>
    private sealed class BreakingStream(byte[] bytes, int length) : MemoryStream(bytes, 0, length)
    {
        // The one way in: MemoryStream's other reads come here for a derived type.
        public override int Read(byte[] buffer, int offset, int count) =>
            base.Read(buffer, offset, count) is var read and > 0 ? read : throw new IOException("the input broke off");

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var bytes = new byte[buffer.Length];
            var read = Read(bytes, 0, bytes.Length);
            bytes.AsSpan(0, read).CopyTo(buffer.Span);
            return ValueTask.FromResult(read);
        }
    }
}
