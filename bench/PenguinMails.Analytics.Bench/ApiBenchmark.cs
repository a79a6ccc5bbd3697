using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PenguinMails.Analytics.Aggregation;
using PenguinMails.Analytics.Api;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Generation;
using PenguinMails.Analytics.Ingestion;
using PenguinMails.Analytics.Security;
using PenguinMails.Analytics.Storage;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.Bench;

/// <summary>
/// Dashboard latency under load through real HTTP: a generated workload, then concurrent clients
/// on mixed read endpoints over random date ranges with viewer keys of random tenants (p50, p99,
/// requests/s), then ingest
/// over HTTP against the CLI path's rate. Client and server share the machine's cores.
/// </summary>
internal static class ApiBenchmark
{
    // The dashboard's reads; {0} and {1} are a range of random days (1 to 90 of them, within the
    // workload's year), so that with the cache on almost every request is still a new one.
    private static readonly string[] Endpoints =
    [
        "/v1/campaigns?from={0}&to={1}", "/v1/mailboxes?from={0}&to={1}",
        "/v1/timeseries?entity=tenant&from={0}&to={1}", "/v1/usage?from={0}&to={1}",
        "/v1/warmup?from={0}&to={1}",
    ];

    private static string RandomRead(Random random)
    {
        var from = new DateOnly(2026, 1, 1).AddDays(random.Next(0, 300));
        var to = from.AddDays(random.Next(1, 91));
        return string.Format(CultureInfo.InvariantCulture, Endpoints[random.Next(Endpoints.Length)], from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var emails = long.Parse(BenchArgs.Option(args, "--emails") ?? "1000000", CultureInfo.InvariantCulture);
        var tenants = int.Parse(BenchArgs.Option(args, "--tenants") ?? "1000", CultureInfo.InvariantCulture);
        var clients = int.Parse(BenchArgs.Option(args, "--clients") ?? "32", CultureInfo.InvariantCulture);
        var seconds = int.Parse(BenchArgs.Option(args, "--seconds") ?? "20", CultureInfo.InvariantCulture);
        var pg = BenchArgs.Option(args, "--pg");
        var ingestLines = int.Parse(BenchArgs.Option(args, "--ingest-lines") ?? "20000", CultureInfo.InvariantCulture);
        var perCampaign = int.Parse(BenchArgs.Option(args, "--emails-per-campaign") ?? "3000", CultureInfo.InvariantCulture);
        var directory = Path.Combine(Path.GetTempPath(), $"penguin-bench-api-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        try
        {
            var target = pg is null ? DatabaseTarget.DuckDb(Path.Combine(directory, "bench.duckdb")) : DatabaseTarget.Postgres(pg);
            await using var database = await AnalyticsDatabase.OpenAsync(target);
            await new SchemaMigrator(database).MigrateAsync();
            var file = Path.Combine(directory, "workload.ndjson");
            await using (var output = File.Create(file))
            {
                await new WorkloadGenerator(new WorkloadOptions { Emails = emails, Tenants = tenants, Seed = 7, End = new DateOnly(2026, 11, 1), EmailsPerCampaign = perCampaign }).WriteAsync(output);
            }
            var cliStarted = Stopwatch.StartNew();
            IngestResult ingested;
            await using (var input = File.OpenRead(file))
            {
                ingested = await new Ingestor(database).IngestAsync(input);
            }
            var cliRate = (ingested.Accepted + ingested.Rejected) / cliStarted.Elapsed.TotalSeconds;
            await new Aggregator(database).FoldAsync();
            var campaigns = await CountAsync(database, "SELECT COUNT(*) FROM campaigns");
            Console.WriteLine($"engine {database.Engine}: {tenants:N0} tenants, {campaigns:N0} campaigns, {emails:N0} campaign emails; CLI-path ingest {cliRate:N0} lines/s");

            var store = new ApiKeyStore(database);
            var random = new Random(1);
            var keys = new List<string>();
            for (var i = 0; i < 50; i++)
            {
                keys.Add((await store.CreateAsync($"t{1 + random.Next(tenants)}", ApiKeyRole.Viewer, "bench", AdminActor.CommandLine)).Token);
            }
            var admin = (await store.CreateAsync("t1", ApiKeyRole.Admin, "bench", AdminActor.CommandLine)).Token;

            if (BenchArgs.Option(args, "--duckdb-threads") is { } threads && database.Engine == StorageEngine.DuckDb)
            {
                await using var connection = await database.OpenCrossTenantConnectionAsync();
                await connection.ExecuteAsync($"SET threads = {int.Parse(threads, CultureInfo.InvariantCulture)}", CancellationToken.None);
                Console.WriteLine($"DuckDB threads = {threads}");
            }
            // The whole product, as `serve` runs by default: the job worker folds what HTTP ingest
            // enqueues (the reads beside ingest below); no scheduled maintenance during a run.
            var options = new ApiOptions { Urls = "http://127.0.0.1:0", DefaultRateLimit = (int.MaxValue, TimeSpan.FromMinutes(1)), Role = ServeRole.All, MaintenanceAt = null };
            if (args.Contains("--no-cache"))
            {
                options.ResponseCacheFor = TimeSpan.Zero; // every request reaches the database
            }
            Console.WriteLine($"response cache: {(options.ResponseCacheFor > TimeSpan.Zero ? $"{options.ResponseCacheFor.TotalSeconds:0.#} s" : "off")}");
            await using var app = await ApiServer.BuildAsync(database, options);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            using var http = new HttpClient { BaseAddress = new Uri(address) };

            // Warm up, then measure.
            await LoadAsync(http, keys, clients, TimeSpan.FromSeconds(3));
            var (latencies, errors, elapsed) = await LoadAsync(http, keys, clients, TimeSpan.FromSeconds(seconds));
            latencies.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"dashboard load: {clients} clients, {latencies.Count:N0} requests in {elapsed.TotalSeconds:0.0} s = {latencies.Count / elapsed.TotalSeconds:N0} req/s; "
                + $"p50 {Percentile(latencies, 0.50):0.0} ms, p99 {Percentile(latencies, 0.99):0.0} ms, errors {errors}"));

            // Ingest over HTTP: the same lines again for a fresh copy of the tenants' events (as no-ops
            // they still go through parsing, staging and the checks), in 20,000-line requests.
            var events = File.ReadLines(file).Where(l => l.StartsWith("{\"type\":\"email.", StringComparison.Ordinal)).Take(400_000).ToArray();
            var httpStarted = Stopwatch.StartNew();
            foreach (var chunk in events.Chunk(ingestLines))
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/ingest") { Content = new StringContent(string.Join('\n', chunk), Encoding.UTF8, "application/x-ndjson") };
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
                (await http.SendAsync(request)).EnsureSuccessStatusCode();
            }
            var httpRate = events.Length / httpStarted.Elapsed.TotalSeconds;
            Console.WriteLine($"HTTP ingest ({ingestLines:N0} lines per request): {events.Length:N0} events in {httpStarted.Elapsed.TotalSeconds:0.0} s = {httpRate:N0} events/s ({cliRate / httpRate:0.00}x slower than the CLI path)");

            // The same reads while new events arrive over HTTP and the job worker folds them: the
            // same lines under new email and event ids (new emails of the same campaigns), one
            // request after another for as long as the reads run.
            using var stop = new CancellationTokenSource();
            var posted = 0L;
            var beside = Task.Run(async () =>
            {
                for (var round = 1; !stop.IsCancellationRequested; round++)
                {
                    foreach (var chunk in events.Chunk(ingestLines))
                    {
                        if (stop.IsCancellationRequested)
                        {
                            break;
                        }
                        var fresh = string.Join('\n', chunk.Select(line => line.Replace("\"email_id\":\"", $"\"email_id\":\"b{round}-", StringComparison.Ordinal)
                            .Replace("\"event_id\":\"", $"\"event_id\":\"b{round}-", StringComparison.Ordinal)));
                        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/ingest") { Content = new StringContent(fresh, Encoding.UTF8, "application/x-ndjson") };
                        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
                        (await http.SendAsync(request)).EnsureSuccessStatusCode();
                        posted += chunk.Length;
                    }
                }
            });
            var (besideLatencies, besideErrors, besideElapsed) = await LoadAsync(http, keys, clients, TimeSpan.FromSeconds(seconds));
            await stop.CancelAsync();
            await beside;
            besideLatencies.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"dashboard load beside HTTP ingest: {besideLatencies.Count / besideElapsed.TotalSeconds:N0} req/s; "
                + $"p50 {Percentile(besideLatencies, 0.50):0.0} ms, p99 {Percentile(besideLatencies, 0.99):0.0} ms, errors {besideErrors}; "
                + $"{posted:N0} new events posted meanwhile ({posted / besideElapsed.TotalSeconds:N0} events/s)"));
            await app.StopAsync();
            return 0;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<(List<double> Latencies, int Errors, TimeSpan Elapsed)> LoadAsync(HttpClient http, List<string> keys, int clients, TimeSpan duration)
    {
        var latencies = new ConcurrentBag<double>();
        var errors = 0;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, clients).Select(async worker =>
        {
            var random = new Random(worker);
            while (clock.Elapsed < duration)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, RandomRead(random));
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", keys[random.Next(keys.Count)]);
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                await response.Content.ReadAsByteArrayAsync();
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        });
        await Task.WhenAll(workers);
        return (latencies.ToList(), errors, clock.Elapsed);
    }

    private static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    private static async Task<long> CountAsync(AnalyticsDatabase database, string sql)
    {
        await using var connection = await database.OpenCrossTenantConnectionAsync();
        return await connection.ScalarAsync<long>(sql, CancellationToken.None);
    }
}
