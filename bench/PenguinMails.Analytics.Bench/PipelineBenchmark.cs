using System.Diagnostics;
using System.Globalization;
using System.Text;
using PenguinMails.Analytics.Aggregation;
using PenguinMails.Analytics.Generation;
using PenguinMails.Analytics.Ingestion;
using PenguinMails.Analytics.Storage;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.Bench;

/// <summary>
/// The whole pipeline at scale on one engine: generate, ingest (rows/s and peak memory), fold,
/// recompute, and the freshness of a small batch folded into the large database.
/// </summary>
internal static class PipelineBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var emails = long.Parse(BenchArgs.Option(args, "--emails") ?? "1000000", CultureInfo.InvariantCulture);
        var tenants = int.Parse(BenchArgs.Option(args, "--tenants") ?? "20", CultureInfo.InvariantCulture);
        var pg = BenchArgs.Option(args, "--pg");
        var directory = Path.Combine(Path.GetTempPath(), $"penguin-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        try
        {
            var file = Path.Combine(directory, "workload.ndjson");
            var generate = Stopwatch.StartNew();
            WorkloadGenerator.Summary summary;
            await using (var output = File.Create(file))
            {
                summary = await new WorkloadGenerator(new WorkloadOptions { Emails = emails, Tenants = tenants, Seed = 42, End = new DateOnly(2026, 11, 1) }).WriteAsync(output);
            }
            generate.Stop();
            Report("generate", generate.Elapsed, summary.Lines, $"{new FileInfo(file).Length / 1e6:N0} MB, {summary.CampaignEmails + summary.WarmupEmails:N0} emails");

            var target = pg is null ? DatabaseTarget.DuckDb(Path.Combine(directory, "bench.duckdb")) : DatabaseTarget.Postgres(pg);
            await using var database = await AnalyticsDatabase.OpenAsync(target);
            await new SchemaMigrator(database).MigrateAsync();
            Console.WriteLine($"engine: {database.Engine}");

            using var memory = new PeakMemory();
            var ingest = Stopwatch.StartNew();
            IngestResult result;
            await using (var input = File.OpenRead(file))
            {
                result = await new Ingestor(database).IngestAsync(input);
            }
            ingest.Stop();
            Report("ingest", ingest.Elapsed, result.Accepted,
                $"peak working set {memory.PeakMegabytes:N0} MB (managed heap {memory.PeakManagedMegabytes:N0} MB, of it live after a full collection {memory.PeakLiveMegabytes:N0} MB "
                + $"over {memory.FullCollections} of them; the rest is the engine's), rejected {result.Rejected}");
            if (database.Engine == StorageEngine.DuckDb)
            {
                Console.WriteLine($"{"",-24} DuckDB's memory after it, by kind: {await DuckDbMemoryAsync(database)}");
            }

            var aggregator = new Aggregator(database);
            var fold = Stopwatch.StartNew();
            var folded = await aggregator.FoldAsync();
            fold.Stop();
            Report("fold (incremental)", fold.Elapsed, folded.EventsRead, $"{folded.NewEmails:N0} emails");

            var recompute = Stopwatch.StartNew();
            await aggregator.RecomputeAsync(RecomputeScope.All);
            recompute.Stop();
            Report("recompute (all)", recompute.Elapsed, summary.CampaignEmails + summary.WarmupEmails, "emails");
            var (handWritten, differences) = await GroupByBaseline.RunAsync(database);
            Report("hand-written GROUP BYs", handWritten, summary.CampaignEmails + summary.WarmupEmails, "emails (the baseline: Sql/group_by_baseline.sql)");
            Console.WriteLine($"{"recompute ÷ GROUP BYs",-24} {recompute.Elapsed / handWritten,8:N2} x    same numbers: {(differences.Count == 0 ? "yes" : string.Join("; ", differences))}");
            if (database.Engine == StorageEngine.DuckDb)
            {
                var (scripted, totals) = await ScriptBaseline.RunAsync(file, directory);
                await using var connection = await database.OpenCrossTenantConnectionAsync();
                await using var command = connection.CreateCommand("SELECT SUM(sent), SUM(replied) FROM campaign_analytics");
                await using var ours = await command.ExecuteReaderAsync();
                await ours.ReadAsync();
                var product = string.Create(CultureInfo.InvariantCulture, $"{ours.GetValue(0)} {ours.GetValue(1)}");
                Report("hand-written DuckDB script", scripted, summary.Lines, "lines: the NDJSON file to checkpointed step, campaign and lead counters (Sql/duckdb_script_baseline.sql)");
                Console.WriteLine($"{"ingest + fold ÷ script",-24} {(ingest.Elapsed + fold.Elapsed) / scripted,8:N2} x    same campaign sent and replied: {(product == totals ? "yes" : $"no ({product} vs {totals})")}");
            }

            // Freshness: batches of 1,000 events arriving at the full database, each ingested and folded
            // (the first after the recompute, so its statements meet caches the big ones filled).
            var rounds = new List<(TimeSpan Ingest, TimeSpan Total)>();
            long leads;
            await using (var connection = await database.OpenCrossTenantConnectionAsync())
            {
                leads = await connection.ScalarAsync<long>("SELECT COUNT(*) FROM leads WHERE id LIKE 't1-c1-l%'", CancellationToken.None);
            }
            for (var round = 0; round < FreshnessRounds; round++)
            {
                var batch = FreshBatch(round, leads);
                var latency = Stopwatch.StartNew();
                await new Ingestor(database).IngestAsync(new MemoryStream(Encoding.UTF8.GetBytes(batch)));
                var ingested = latency.Elapsed;
                await aggregator.FoldAsync();
                rounds.Add((ingested, latency.Elapsed));
            }
            var median = rounds.OrderBy(r => r.Total).ElementAt(rounds.Count / 2);
            Console.WriteLine($"{"freshness (1,000 events)",-24} median {median.Total.TotalMilliseconds:N0} ms (ingest {median.Ingest.TotalMilliseconds:N0} + fold {(median.Total - median.Ingest).TotalMilliseconds:N0}), "
                + $"max {rounds.Max(r => r.Total).TotalMilliseconds:N0} ms; rounds: {string.Join(", ", rounds.Select(r => r.Total.TotalMilliseconds.ToString("N0", CultureInfo.InvariantCulture)))} ms");

            // Last, as it adds an index the product does not have (and drops it after).
            var guide = await GuideBaseline.RunAsync(database, sample: 200);
            Console.WriteLine($"{"the guide's approach",-24} {guide.Extrapolated.TotalSeconds,8:N1} s   one query per step per campaign-day: {guide.Sampled} of {guide.CampaignDays:N0} campaign-days timed and extrapolated "
                + $"(its index took {guide.Index.TotalSeconds:N1} s); ÷ recompute {guide.Extrapolated / recompute.Elapsed:N1} x");
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private const int FreshnessRounds = 5;

    // What DuckDB's buffer manager holds, by kind (tables, indexes, hash tables...): the native part of the working set.
    private static async Task<string> DuckDbMemoryAsync(AnalyticsDatabase database)
    {
        await using var connection = await database.OpenCrossTenantConnectionAsync();
        await using var command = connection.CreateCommand(
            "SELECT tag, memory_usage_bytes FROM duckdb_memory() WHERE memory_usage_bytes >= 1000000 ORDER BY memory_usage_bytes DESC");
        await using var reader = await command.ExecuteReaderAsync();
        var kinds = new List<string>();
        while (await reader.ReadAsync())
        {
            kinds.Add(string.Create(CultureInfo.InvariantCulture, $"{reader.GetString(0)} {reader.GetInt64(1) / 1e6:N0} MB"));
        }
        return kinds.Count == 0 ? "under 1 MB" : string.Join(", ", kinds);
    }

    // 250 new emails of t1's first campaign, sent, delivered, opened and clicked: new ids each round,
    // each to a lead of the company picked at random (seeded), as a real batch spreads over leads
    // (a batch to one lead hid what a fold does per lead: bench/README, session 16).
    private static string FreshBatch(int round, long leads)
    {
        var fresh = new StringBuilder();
        var random = new Random(1_000 + round);
        for (var i = 0; i < 250; i++)
        {
            var email = $"fresh{round}-{i}";
            var lead = 1 + random.NextInt64(leads);
            fresh.Append(CultureInfo.InvariantCulture, $$"""{"type":"email.sent","event_id":"f{{round}}-{{i}}s","email_id":"{{email}}","occurred_at":"2026-10-30T10:00:00Z","campaign_id":"t1-c1-k1","step_id":"t1-c1-k1-s1A","mailbox_id":"t1-c1-m1","lead_id":"t1-c1-l{{lead}}"}""").Append('\n');
            foreach (var type in new[] { "delivered", "opened", "clicked" })
            {
                fresh.Append(CultureInfo.InvariantCulture, $$"""{"type":"email.{{type}}","event_id":"f{{round}}-{{i}}{{type}}","email_id":"{{email}}","occurred_at":"2026-10-30T11:00:00Z"}""").Append('\n');
            }
        }
        return fresh.ToString();
    }

    private static void Report(string step, TimeSpan elapsed, long rows, string note) =>
        Console.WriteLine($"{step,-24} {elapsed.TotalSeconds,8:N1} s {rows / Math.Max(0.001, elapsed.TotalSeconds),12:N0} rows/s   {note}");
}
