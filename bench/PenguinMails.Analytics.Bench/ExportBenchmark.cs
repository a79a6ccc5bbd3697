using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using PenguinMails.Analytics.Aggregation;
using PenguinMails.Analytics.Exports;
using PenguinMails.Analytics.Ingestion;
using PenguinMails.Analytics.Pools;
using PenguinMails.Analytics.Queries;
using PenguinMails.Analytics.Storage;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.Bench;

/// <summary>
/// Exports at scale: a campaign with N leads (one email each) goes through ingest and fold, then
/// its lead report is exported as csv, json and xlsx (encrypted at rest), at a tenth of N and at
/// N, with the time and the process's peak working set of each run; and a PDF of 10,000 rows.
/// Flat memory means the peak does not grow with the rows.
/// </summary>
internal static class ExportBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rows = int.Parse(BenchArgs.Option(args, "--rows") ?? "1000000", CultureInfo.InvariantCulture);
        var pg = BenchArgs.Option(args, "--pg");
        var directory = Path.Combine(Path.GetTempPath(), $"penguin-export-bench-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        try
        {
            var target = pg is null ? DatabaseTarget.DuckDb(Path.Combine(directory, "bench.duckdb")) : DatabaseTarget.Postgres(pg);
            await using var database = await AnalyticsDatabase.OpenAsync(target);
            await new SchemaMigrator(database).MigrateAsync();
            Console.WriteLine($"engine: {database.Engine}, {rows:N0} leads in campaign k1, 10,000 in k2");

            var file = Path.Combine(directory, "leads.ndjson");
            await WriteWorkloadAsync(file, rows);
            var load = Stopwatch.StartNew();
            await using (var input = File.OpenRead(file))
            {
                await new Ingestor(database).IngestAsync(input);
            }
            await new Aggregator(database).FoldAsync();
            Console.WriteLine($"{"ingest + fold",-24} {load.Elapsed.TotalSeconds,8:N1} s");

            await using (var connection = await database.OpenCrossTenantConnectionAsync())
            {
                await connection.ExecuteAsync(
                    "INSERT INTO analytics_export_controls (tenant_id, export_type, max_rows, requires_approval, encryption_required) VALUES "
                    + "('t1', 'csv', $1, FALSE, TRUE), ('t1', 'json', $1, FALSE, TRUE), ('t1', 'xlsx', $1, FALSE, TRUE), ('t1', 'pdf', 10000, FALSE, TRUE)",
                    CancellationToken.None, rows);
            }
            using var pools = await WorkloadPools.LoadAsync(database);
            await using var services = new ServiceCollection()
                .AddPenguinAnalytics(database, pools, new ExportOptions { Directory = Path.Combine(directory, "exports"), Cipher = new ExportCipher(new byte[32]) })
                .BuildServiceProvider();
            var exports = services.GetRequiredService<ExportService>();
            var parameters = new ReportFilter(new DateOnly(2026, 1, 1), new DateOnly(2027, 1, 1)) { CampaignId = "k1" };
            foreach (var format in new[] { ExportFormat.Csv, ExportFormat.Json, ExportFormat.Xlsx })
            {
                foreach (var limit in new[] { rows / 10, rows })
                {
                    await using (var connection = await database.OpenCrossTenantConnectionAsync())
                    {
                        await connection.ExecuteAsync("UPDATE analytics_export_controls SET max_rows = $1 WHERE export_type = $2", CancellationToken.None, limit, format);
                    }
                    // The smaller run exports campaign k3, which has a tenth of k1's leads.
                    await MeasureAsync(exports, format, limit == rows ? parameters : parameters with { CampaignId = "k3" }, limit);
                }
            }
            await MeasureAsync(exports, ExportFormat.Pdf, parameters with { CampaignId = "k2" }, 10_000);
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task MeasureAsync(ExportService exports, string format, ReportFilter parameters, int expected)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var before = Process.GetCurrentProcess();
        var baseline = before.WorkingSet64 / 1e6;
        using var memory = new PeakMemory();
        var clock = Stopwatch.StartNew();
        var record = await exports.RequestAsync(new ExportService.Requester("t1", "bench", false), new ExportService.Request("leads", format, parameters));
        await exports.RunAsync(record.Id);
        clock.Stop();
        var done = await exports.GetAsync(new TenantScope("t1", false), record.Id) ?? throw new InvalidOperationException("the export vanished");
        if (done.Status != "ready" || done.RowsExported != expected)
        {
            throw new InvalidOperationException($"{format}: {done.Status} with {done.RowsExported} rows ({done.Error})");
        }
        Console.WriteLine(
            $"{format,-5} {done.RowsExported,10:N0} rows {clock.Elapsed.TotalSeconds,7:N1} s {done.RowsExported / clock.Elapsed.TotalSeconds,10:N0} rows/s  "
            + $"{done.FileBytes / 1e6,8:N1} MB encrypted  working set {baseline:N0} MB before, peak {memory.PeakMegabytes:N0} MB (managed peak {memory.PeakManagedMegabytes:N0} MB)");
    }

    // One tenant; campaign k1 with `rows` leads, k2 with 10,000 and k3 with a tenth of `rows`, one email each.
    private static async Task WriteWorkloadAsync(string file, int rows)
    {
        await using var writer = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 20);
        await writer.WriteLineAsync("""{"type":"tenant","id":"t1","name":"Bench","billing_cycle_day":1}""");
        await writer.WriteLineAsync("""{"type":"company","id":"c1","tenant_id":"t1"}""");
        await writer.WriteLineAsync("""{"type":"mailbox","id":"m1","company_id":"c1","domain":"bench.example"}""");
        foreach (var (campaign, leads) in new[] { ("k1", rows), ("k2", 10_000), ("k3", rows / 10) })
        {
            await writer.WriteLineAsync($$"""{"type":"campaign","id":"{{campaign}}","company_id":"c1","name":"Campaign {{campaign}}","status":"active"}""");
            await writer.WriteLineAsync($$"""{"type":"sequence_step","id":"{{campaign}}-s1","campaign_id":"{{campaign}}","step_number":1,"variant":"A"}""");
            for (var i = 0; i < leads; i++)
            {
                var lead = $"{campaign}-l{i}";
                await writer.WriteLineAsync($$"""{"type":"lead","id":"{{lead}}","company_id":"c1","address":"{{lead}}@example.com","status":"contacted"}""");
                await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $$"""{"type":"email.sent","event_id":"{{lead}}-s","email_id":"{{lead}}-e","occurred_at":"2026-10-{{1 + i % 20:00}}T10:00:00Z","campaign_id":"{{campaign}}","step_id":"{{campaign}}-s1","mailbox_id":"m1","lead_id":"{{lead}}"}"""));
            }
        }
    }
}
