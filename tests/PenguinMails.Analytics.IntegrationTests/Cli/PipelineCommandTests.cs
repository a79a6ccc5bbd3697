using System.Diagnostics;
using System.Text.Json;
using PenguinMails.Analytics.IntegrationTests.Infrastructure;
using PenguinMails.Analytics.IntegrationTests.Pipeline;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.IntegrationTests.Cli;

/// <summary>
/// <c>generate</c>, <c>ingest</c> and <c>aggregate</c> as real processes on both engines, including
/// processes killed (not disposed) in the middle of their work and then run again.
/// </summary>
public abstract class PipelineCommandTests : CliSuite
{
    [Fact]
    public async Task ingest_exits_0_when_all_lines_land_and_2_with_line_field_and_reason_otherwise()
    {
        var good = Path.Combine(Folder, "good.ndjson");
        await File.WriteAllLinesAsync(good, [.. Lines.Entities, Lines.Sent("s1", "x1", "2026-03-02T10:00:00Z")], Ct);
        var bad = Path.Combine(Folder, "bad.ndjson");
        await File.WriteAllLinesAsync(bad, [Lines.Sent("s2", "x2", "2026-03-02T10:00:00Z"), Lines.Sent("s3", "x3", "2026-03-02T10:00:00Z", lead: "ghost"), "[1,2]"], Ct);

        var ok = await CliProcess.RunAsync("ingest", good, "--db", Db);
        var partly = await CliProcess.RunAsync("ingest", bad, "--db", Db);
        var json = await CliProcess.RunAsync("ingest", bad, "--db", Db, "--format", "json");

        Assert.Equal((0, "accepted 7, rejected 0"), (ok.ExitCode, ok.Stdout.Trim()));
        Assert.Equal((2, "accepted 1, rejected 2"), (partly.ExitCode, partly.Stdout.Trim()));
        Assert.Equal(["line 2: lead_id: unknown lead 'ghost'", "line 3: (line): expected a JSON object"], partly.Stderr.Trim().Split('\n'));
        Assert.Equal(2, json.ExitCode);
        using var summary = JsonDocument.Parse(json.Stdout);
        Assert.Equal(1, summary.RootElement.GetProperty("accepted").GetInt64());
        Assert.Equal(2, summary.RootElement.GetProperty("rejected").GetInt64());
        var first = summary.RootElement.GetProperty("errors")[0];
        Assert.Equal((2, "lead_id", "unknown lead 'ghost'"), (first.GetProperty("line").GetInt32(), first.GetProperty("field").GetString(), first.GetProperty("reason").GetString()));

        var aggregate = await CliProcess.RunAsync("aggregate", "--db", Db);
        Assert.True(aggregate.ExitCode == 0, aggregate.Stderr);
        var sent = await CliProcess.RunAsync("sql", "SELECT sent FROM campaign_analytics", "--format", "csv", "--db", Db);
        Assert.Equal("sent\n2", sent.Stdout.Trim().ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task report_prints_the_apis_reports_on_the_command_line()
    {
        var file = Path.Combine(Folder, "workload.ndjson");
        Assert.Equal(0, (await CliProcess.RunAsync("generate", "--tenants", "2", "--emails", "2000", "--seed", "9", "--days", "20", "--end", "2026-06-01", "--out", file)).ExitCode);
        Assert.Equal(0, (await CliProcess.RunAsync("ingest", file, "--db", Db)).ExitCode);
        Assert.Equal(0, (await CliProcess.RunAsync("aggregate", "--db", Db)).ExitCode);

        var campaigns = await CliProcess.RunAsync("report", "campaigns", "--tenant", "t1", "--from", "2026-05-01", "--to", "2026-07-01", "--format", "json", "--db", Db);
        var steps = await CliProcess.RunAsync("report", "steps", "--tenant", "t1", "--campaign", "t1-c1-k1", "--from", "2026-05-01", "--to", "2026-07-01", "--db", Db);
        var noTenant = await CliProcess.RunAsync("report", "mailboxes", "--db", Db);

        Assert.True(campaigns.ExitCode == 0, campaigns.Stderr);
        using var rows = JsonDocument.Parse(campaigns.Stdout);
        var expected = ReferenceModel.FromLines(await File.ReadAllLinesAsync(file, Ct)).Expected()["campaign_analytics"]
            .Where(r => r.StartsWith("t1-", StringComparison.Ordinal)).Sum(r => long.Parse(r.Split('|')[3], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected, rows.RootElement.EnumerateArray().Sum(r => r.GetProperty("sent").GetInt64()));
        Assert.True(steps.ExitCode == 0, steps.Stderr);
        Assert.Contains("A/B comparisons", steps.Stdout, StringComparison.Ordinal);
        Assert.Contains("step 1 reply_rate: A ", steps.Stdout, StringComparison.Ordinal);
        Assert.Equal((1, "error: report mailboxes needs --tenant."), (noTenant.ExitCode, noTenant.Stderr.Trim()));
    }

    [Fact]
    public async Task killed_ingest_and_aggregate_processes_rerun_to_the_same_numbers()
    {
        var file = Path.Combine(Folder, "workload.ndjson");
        var generate = await CliProcess.RunAsync("generate", "--tenants", "3", "--emails", "20000", "--seed", "5", "--days", "30", "--end", "2026-06-01", "--out", file);
        Assert.True(generate.ExitCode == 0, generate.Stderr);
        var lines = await File.ReadAllLinesAsync(file, Ct);

        // A producer's ingest dies half-way (some batches committed), and it sends the file again.
        await KillWhenAsync(CliProcess.Start("ingest", file, "--db", Db, "--batch-lines", "1000"), ProgressMade);
        var partial = await CountAsync("SELECT COUNT(*) FROM pending_events");
        Assert.InRange(partial, 1, lines.Length - 1);
        var retry = await CliProcess.RunAsync("ingest", file, "--db", Db);
        Assert.True(retry.ExitCode == 0, retry.Stderr);

        // A worker dies in the middle of folding, holding the job under the default lease; the next
        // one (on the same host) sees that the holder is dead and takes the job over at once.
        await KillAfterFirstFoldAsync(CliProcess.Start("aggregate", "--db", Db, "--max-events-per-fold", "1500"));
        Assert.True(1 == await CountAsync("SELECT COUNT(*) FROM analytics_jobs WHERE status = 'running'"),
            (await CliProcess.RunAsync("sql", "SELECT id, job_type, status, attempts, lease_expires, last_error FROM analytics_jobs", "--db", Db)).Stdout
            + await CountAsync("SELECT COUNT(*) FROM pending_events"));
        var clock = Stopwatch.StartNew();
        var restart = await CliProcess.RunAsync("aggregate", "--db", Db);
        Assert.True(restart.ExitCode == 0, restart.Stderr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the crashed worker's job took {clock.Elapsed} to finish");
        Assert.Equal(2, await CountAsync("SELECT MAX(attempts) FROM analytics_jobs WHERE job_type = 'fold'"));

        await using var database = await TestDatabase.OpenAsync();
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM pending_events"));
        AnalyticsSnapshot.AssertEqual(ReferenceModel.FromLines(lines).Expected(), await AnalyticsSnapshot.CountersOnly(database), "after crashes vs reference");
    }

    [Fact]
    public async Task two_tenants_using_one_email_id_through_the_cli_each_count_their_own()
    {
        var file = Path.Combine(Folder, "shared.ndjson");
        await File.WriteAllLinesAsync(file,
        [
            .. Lines.Entities, """{"type":"tenant","id":"t2"}""", """{"type":"company","id":"c2","tenant_id":"t2"}""", """{"type":"campaign","id":"k2","company_id":"c2"}""",
            """{"type":"sequence_step","id":"s2","campaign_id":"k2"}""", """{"type":"mailbox","id":"m2","company_id":"c2"}""", """{"type":"lead","id":"l2","company_id":"c2"}""",
            Lines.Sent("a1", "same-id", "2026-03-02T10:00:00Z"),
            """{"type":"email.sent","event_id":"b1","email_id":"same-id","occurred_at":"2026-03-02T10:00:00Z","campaign_id":"k2","step_id":"s2","mailbox_id":"m2","lead_id":"l2"}""",
            """{"type":"email.opened","event_id":"a2","email_id":"same-id","occurred_at":"2026-03-02T11:00:00Z","tenant_id":"t1"}""",
            """{"type":"email.replied","event_id":"b2","email_id":"same-id","occurred_at":"2026-03-02T12:00:00Z","tenant_id":"t2"}""",
        ], Ct);
        var later = Path.Combine(Folder, "later.ndjson");
        await File.WriteAllLinesAsync(later, [Lines.Event("clicked", "x1", "same-id", "2026-03-02T13:00:00Z")], Ct);

        var ingest = await CliProcess.RunAsync("ingest", file, "--db", Db);
        var aggregate = await CliProcess.RunAsync("aggregate", "--db", Db);
        var ambiguous = await CliProcess.RunAsync("ingest", later, "--db", Db);
        var counts = await CliProcess.RunAsync("sql", "SELECT campaign_id, sent, opened_tracked, replied, clicked_tracked FROM campaign_analytics ORDER BY campaign_id", "--format", "csv", "--db", Db);

        Assert.Equal((0, "accepted 16, rejected 0"), (ingest.ExitCode, ingest.Stdout.Trim()));
        Assert.True(aggregate.ExitCode == 0, aggregate.Stderr);
        Assert.Equal((2, "line 1: email_id: email id 'same-id' is used by more than one tenant: name the tenant with tenant_id"), (ambiguous.ExitCode, ambiguous.Stderr.Trim()));
        Assert.Equal("campaign_id,sent,opened_tracked,replied,clicked_tracked\nk1,1,1,0,0\nk2,1,0,1,0\n", counts.Stdout.Replace("\r", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task a_serve_killed_while_it_folds_is_caught_up_by_the_next_worker_within_30_seconds()
    {
        var file = Path.Combine(Folder, "workload.ndjson");
        var generate = await CliProcess.RunAsync("generate", "--tenants", "3", "--emails", "20000", "--seed", "6", "--days", "30", "--end", "2026-06-01", "--out", file);
        Assert.True(generate.ExitCode == 0, generate.Stderr);
        var ingest = await CliProcess.RunAsync("ingest", file, "--db", Db);
        Assert.True(ingest.ExitCode == 0, ingest.Stderr);

        // kill -9 of serve's worker: on PostgreSQL while it holds the fold job; DuckDB lets no
        // other process look while serve holds the file, so there it dies shortly after starting.
        using (var serve = CliProcess.Start("serve", "--role", "worker", "--urls", "http://127.0.0.1:0", "--db", Db))
        {
            var stdout = serve.StandardOutput.ReadToEndAsync(Ct);
            var stderr = serve.StandardError.ReadToEndAsync(Ct);
            var deadline = DateTime.UtcNow.AddMinutes(1);
            if (Engine == StorageEngine.Postgres)
            {
                // The count that ended the wait is the one checked: asking again could find the
                // fold already done on a fast machine.
                long running;
                while ((running = await CountAsync("SELECT COUNT(*) FROM analytics_jobs WHERE status = 'running'")) == 0 && DateTime.UtcNow < deadline && !serve.HasExited)
                {
                    await Task.Delay(5, Ct);
                }
                Assert.True(running == 1, "serve did not claim the fold");
            }
            else
            {
                await Task.Delay(TimeSpan.FromSeconds(2.5), Ct);
            }
            if (serve.HasExited)
            {
                Assert.Fail($"serve ended before it could be killed: {await stderr}");
            }
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync(Ct);
            await stdout;
        }

        var clock = Stopwatch.StartNew();
        var rerun = await CliProcess.RunAsync("aggregate", "--db", Db);

        Assert.True(rerun.ExitCode == 0, rerun.Stderr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"catching up after the crash took {clock.Elapsed}");
        await using var database = await TestDatabase.OpenAsync();
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM pending_events"));
        AnalyticsSnapshot.AssertEqual(ReferenceModel.FromLines(await File.ReadAllLinesAsync(file, Ct)).Expected(), await AnalyticsSnapshot.CountersOnly(database), "after a killed serve vs reference");
    }

    // DuckDB allows one process per file, so while the child runs the test watches the write-ahead
    // log grow (batches are committing); PostgreSQL is asked directly.
    private async Task<bool> ProgressMade() => Engine == StorageEngine.DuckDb
        ? new FileInfo(Db + ".wal") is { Exists: true, Length: > 200_000 }
        : await CountAsync("SELECT COUNT(*) FROM pending_events") > 0;

    // The aggregate command prints a line per committed fold transaction: kill right after the first.
    private static async Task KillAfterFirstFoldAsync(Process process)
    {
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(Ct);
            string? line;
            while ((line = await process.StandardError.ReadLineAsync(Ct)) is not null && !line.StartsWith("folded ", StringComparison.Ordinal))
            {
            }
            Assert.False(line is null || process.HasExited, "the aggregate process ended before it could be killed");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Ct);
            await stdout;
        }
    }

    private static async Task KillWhenAsync(Process process, Func<Task<bool>> condition)
    {
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(Ct);
            var stderr = process.StandardError.ReadToEndAsync(Ct);
            var deadline = DateTime.UtcNow.AddMinutes(2);
            while (!process.HasExited && !await condition() && DateTime.UtcNow < deadline)
            {
                await Task.Delay(5, Ct);
            }
            Assert.False(process.HasExited, $"the process finished before it could be killed: {await stderr}");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(Ct);
            await stdout;
        }
    }

    [Theory]
    [InlineData(false, "penguin-analytics; fwd=miss", "penguin-analytics; hit")]
    [InlineData(true, null, null)]
    public async Task serve_answers_a_repeated_read_from_its_cache_unless_told_not_to(bool noCache, string? first, string? second)
    {
        var file = await WriteAsync("workload.ndjson", PipelineFixture.Workload(83, tenants: 1, emails: 100, days: 5));
        Assert.Equal(0, (await CliProcess.RunAsync("ingest", file, "--db", Db)).ExitCode);
        // Folded before serve starts: a fold by serve's worker between the two reads would move
        // as_of, which the cache keys on, and the second read would rightly miss.
        Assert.Equal(0, (await CliProcess.RunAsync("aggregate", "--db", Db)).ExitCode);
        var created = await CliProcess.RunAsync("keys", "create", "--tenant", "t1", "--role", "viewer", "--db", Db);
        Assert.True(created.ExitCode == 0, created.Stderr);
        var key = System.Text.RegularExpressions.Regex.Match(created.Stdout, @"pma_\S+").Value;

        string[] args = ["serve", "--urls", "http://127.0.0.1:0", "--db", Db, .. noCache ? new[] { "--no-cache" } : []];
        using var serve = CliProcess.Start(args);
        try
        {
            string? line;
            do
            {
                line = await serve.StandardOutput.ReadLineAsync(Ct); // log lines first, then where it listens
            }
            while (line is not null && !line.StartsWith("serving ", StringComparison.Ordinal));
            Assert.StartsWith("serving http://127.0.0.1:", line, StringComparison.Ordinal);
            using var http = new HttpClient { BaseAddress = new Uri(line!["serving ".Length..]) };
            var statuses = new List<string?>();
            for (var i = 0; i < 2; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "v1/campaigns?from=2026-01-01&to=2027-01-01");
                request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
                using var response = await http.SendAsync(request, Ct);
                Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
                statuses.Add(response.Headers.TryGetValues("Cache-Status", out var values) ? string.Join(",", values) : null);
            }
            Assert.Equal([first, second], statuses);
        }
        finally
        {
            serve.Kill(entireProcessTree: true);
            await serve.WaitForExitAsync(Ct);
        }
    }

    private Task<long> CountAsync(string sql) => ScalarAsync<long>(sql);
}

public sealed class DuckDbPipelineCommandTests : PipelineCommandTests
{
    protected override StorageEngine Engine => StorageEngine.DuckDb;
}

public sealed class PostgresPipelineCommandTests : PipelineCommandTests
{
    protected override StorageEngine Engine => StorageEngine.Postgres;
}
