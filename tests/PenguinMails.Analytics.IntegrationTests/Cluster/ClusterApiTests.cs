using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PenguinMails.Analytics.Aggregation;
using PenguinMails.Analytics.Api;
using PenguinMails.Analytics.Api.Endpoints;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Generation;
using PenguinMails.Analytics.IntegrationTests.Infrastructure;
using PenguinMails.Analytics.Security;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.IntegrationTests.Cluster;

/// <summary>
/// <c>serve</c> against a cluster's coordinator, through real Kestrel: HTTP ingest is split onto
/// the shards and folded by each shard's worker, every read gives what one node serving the same
/// input gives (a tenant's on its shard, the admin's across every shard), tenants stay apart, and
/// a stopped shard fails only its own tenants with a 503 naming it. In the cluster collection:
/// the fault part stops a server the other cluster tests use.
/// </summary>
[Collection(TestCluster.Collection)]
public sealed class ClusterApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <param name="rlsOnly">The query layer's tenant predicates off: row-level security on the shards is the only wall.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Serve_on_the_coordinator_routes_ingest_and_reads_to_the_shards_and_a_stopped_shard_fails_only_its_tenants(bool rlsOnly)
    {
        // The shards reached as roles that are no superusers: RLS applies there as for users.
        var (coordinator, shards) = await TestCluster.CreateDatabasesAsync(shardOwners: true);
        var init = await CliProcess.RunAsync(["cluster", "init", "--db", coordinator, .. shards.SelectMany(s => new[] { "--shard", s })]);
        Assert.True(init.ExitCode == 0, init.Stderr);
        var single = await TestPostgres.CreateDatabaseAsync();
        Assert.Equal(0, (await CliProcess.RunAsync("migrate", "--db", single)).ExitCode);
        var lines = new List<string>();
        using (var output = new MemoryStream())
        {
            await new WorkloadGenerator(new WorkloadOptions { Emails = 1200, Tenants = 4, Seed = 3, End = new DateOnly(2026, 11, 1), EmailsPerCampaign = 300 }).WriteAsync(output, Ct);
            lines.AddRange(Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }

        // Each shard's own workload pool settings apply to its tenants' requests.
        await using (var shard2 = await AnalyticsDatabase.OpenAsync(DatabaseTarget.Postgres(shards[1]), Ct))
        await using (var connection = await shard2.OpenCrossTenantConnectionAsync(Ct))
        {
            await connection.ExecuteAsync("UPDATE analytics_connection_pools SET max_connections = 7 WHERE pool_type = 'dashboard_queries'", Ct);
        }
        await using var clusterServer = await ServerAsync(coordinator, rlsOnly);
        var graphs = clusterServer.App.Services.GetRequiredService<PenguinMails.Analytics.Api.Routing.ServiceGraphs>();
        Assert.Equal(7, graphs.OnShard(clusterServer.App.Services, graphs.Cluster!.Shard("shard2")).GetRequiredService<PenguinMails.Analytics.Pools.WorkloadPools>()[PenguinMails.Analytics.Pools.PoolTypes.Dashboard].MaxConnections);
        await using var singleServer = await ServerAsync(single, withoutQueryLayerFilter: false);
        await using (var shard = await AnalyticsDatabase.OpenAsync(DatabaseTarget.Postgres(shards[1]), Ct))
        await using (var connection = await shard.OpenConnectionAsync(Ct))
        {
            Assert.False(await connection.ScalarAsync<bool>("SELECT rolsuper FROM pg_roles WHERE rolname = current_user", Ct));
        }
        try
        {
            // The same body to both: all accepted, and folded by the workers (each shard's own on the cluster).
            foreach (var server in new[] { clusterServer, singleServer })
            {
                using var ingest = await server.SendAsync(HttpMethod.Post, "/v1/ingest", server.Keys["admin"], string.Join('\n', lines));
                var body = await ingest.Content.ReadAsStringAsync(Ct);
                Assert.True(ingest.StatusCode == HttpStatusCode.Accepted, body);
                Assert.Equal(lines.Count, JsonDocument.Parse(body).RootElement.GetProperty("accepted").GetInt64());
                await server.WaitUntilFoldedAsync();
            }
            using (var ready = JsonDocument.Parse(await clusterServer.Http.GetStringAsync("/readyz", Ct)))
            {
                Assert.Equal("ready", ready.RootElement.GetProperty("status").GetString());
                Assert.Equal(["shard1", "shard2"], ready.RootElement.GetProperty("shards").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
            }

            // t1 lives on shard1, t2 on shard2 (new tenants alternate); the admin reads across both.
            foreach (var (path, key) in new[]
                     {
                         ("/v1/campaigns?from=2026-01-01&to=2027-01-01", "t1-viewer"), ("/v1/campaigns?from=2026-01-01&to=2027-01-01", "t2-viewer"),
                         ("/v1/mailboxes?from=2026-01-01&to=2027-01-01", "t2-viewer"), ("/v1/usage?from=2026-01-01&to=2027-01-01", "admin"),
                         ("/v1/tenants", "admin"), ("/v1/campaigns?from=2026-01-01&to=2027-01-01&tenant_id=t2", "admin"),
                     })
            {
                var expected = await singleServer.DataAsync(path, key);
                Assert.True(expected.GetArrayLength() > 0, $"{path} has rows on one node");
                Assert.Equal(expected.ToString(), (await clusterServer.DataAsync(path, key)).ToString());
            }

            // Tenants stay apart: t1's key names t2 or asks for t2's campaign, and finds nothing;
            // nor t3's, which shares t1's shard (there only the shard's walls keep them apart).
            var t2Campaign = (await clusterServer.DataAsync("/v1/campaigns?from=2026-01-01&to=2027-01-01", "t2-viewer"))[0].GetProperty("campaign_id").GetString();
            Assert.Equal(HttpStatusCode.NotFound, (await clusterServer.SendAsync(HttpMethod.Get, $"/v1/campaigns/{t2Campaign}", clusterServer.Keys["t1-viewer"])).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await clusterServer.SendAsync(HttpMethod.Get, "/v1/campaigns?tenant_id=t2", clusterServer.Keys["t1-viewer"])).StatusCode);
            var t3Campaign = (await clusterServer.DataAsync("/v1/campaigns?from=2026-01-01&to=2027-01-01&tenant_id=t3", "admin"))[0].GetProperty("campaign_id").GetString();
            Assert.StartsWith("t3-", t3Campaign, StringComparison.Ordinal);
            Assert.Equal(HttpStatusCode.NotFound, (await clusterServer.SendAsync(HttpMethod.Get, $"/v1/campaigns/{t3Campaign}", clusterServer.Keys["t1-viewer"])).StatusCode);
            Assert.All((await clusterServer.DataAsync("/v1/campaigns?from=2026-01-01&to=2027-01-01", "t1-viewer")).EnumerateArray(),
                row => Assert.StartsWith("t1-", row.GetProperty("campaign_id").GetString(), StringComparison.Ordinal));
            Assert.All((await clusterServer.DataAsync("/v1/mailboxes?from=2026-01-01&to=2027-01-01", "t1-viewer")).EnumerateArray(),
                row => Assert.StartsWith("t1-", row.GetProperty("mailbox_id").GetString(), StringComparison.Ordinal));
            // The isolation suite's every list and id of the other tenant (ApiConformanceTests), for t3 seen by t1 on their one shard.
            const string range = "from=2026-01-01&to=2026-12-31";
            foreach (var path in new[]
                     {
                         $"/v1/campaigns?{range}&company_id=t3-c1", $"/v1/mailboxes?{range}&company_id=t3-c1", $"/v1/warmup?{range}&company_id=t3-c1",
                         $"/v1/campaigns?{range}", $"/v1/mailboxes?{range}", $"/v1/warmup?{range}", "/v1/usage?from=2025-01-01&to=2027-01-01",
                     })
            {
                using var response = await clusterServer.SendAsync(HttpMethod.Get, path, clusterServer.Keys["t1-viewer"]);
                Assert.Equal((path, HttpStatusCode.OK), (path, response.StatusCode));
                Assert.DoesNotContain("t3", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
            }
            foreach (var path in new[]
                     {
                         $"/v1/campaigns/t3-c1-k1?{range}", $"/v1/campaigns/t3-c1-k1/steps?{range}", $"/v1/mailboxes/t3-c1-m1?{range}",
                         $"/v1/leads?campaign_id=t3-c1-k1&{range}", $"/v1/timeseries?entity=campaign&id=t3-c1-k1&{range}",
                         $"/v1/timeseries?entity=mailbox&id=t3-c1-m1&{range}", $"/v1/timeseries?entity=step&id=t3-c1-k1-s1A&{range}",
                         $"/v1/timeseries?entity=tenant&id=t3&{range}",
                     })
            {
                Assert.Equal((path, HttpStatusCode.NotFound), (path, (await clusterServer.SendAsync(HttpMethod.Get, path, clusterServer.Keys["t1-viewer"])).StatusCode));
                Assert.Equal((path, HttpStatusCode.OK), (path, (await clusterServer.SendAsync(HttpMethod.Get, path, clusterServer.Keys["t3-viewer"])).StatusCode));
            }

            // The admin resolves a system event by its id alone: ids are unique over the shards (each
            // numbers from its ordinal << 40), and the event is resolved on the one that has it.
            // Maintenance on every shard leaves one event on each.
            var maintain = await CliProcess.RunAsync("maintain", "--db", coordinator);
            Assert.True(maintain.ExitCode == 0, maintain.Stderr);
            var events = await clusterServer.DataAsync("/v1/admin/system-events?event_type=maintenance", "admin");
            Assert.Equal([1L, 2L], events.EnumerateArray().Select(e => e.GetProperty("id").GetInt64() >> 40).Order());
            var alert = events.EnumerateArray().Single(e => e.GetProperty("id").GetInt64() >> 40 == 2).GetProperty("id").GetInt64();
            using (var resolved = await clusterServer.SendAsync(HttpMethod.Post, $"/v1/admin/system-events/{alert}/resolve", clusterServer.Keys["admin"], "{\"resolution\":\"checked the domain\"}", "application/json"))
            {
                Assert.True(resolved.StatusCode == HttpStatusCode.OK, await resolved.Content.ReadAsStringAsync(Ct));
            }
            var after = await clusterServer.DataAsync("/v1/admin/system-events?event_type=maintenance", "admin");
            Assert.Equal("checked the domain", after.EnumerateArray().Single(e => e.GetProperty("id").GetInt64() == alert).GetProperty("resolution").GetString());
            using (var twice = await clusterServer.SendAsync(HttpMethod.Post, $"/v1/admin/system-events/{alert}/resolve", clusterServer.Keys["admin"], "{}", "application/json"))
            {
                Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
            }
            using (var unknown = await clusterServer.SendAsync(HttpMethod.Post, $"/v1/admin/system-events/{(3L << 40) + 1}/resolve", clusterServer.Keys["admin"], "{}", "application/json"))
            {
                Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            }

            // shard2 stops: its tenants get a 503 naming it, promptly; shard1's tenants read as before.
            await TestCluster.ShardServerAsync(2, running: false);
            try
            {
                var clock = Stopwatch.StartNew();
                using var down = await clusterServer.SendAsync(HttpMethod.Get, "/v1/campaigns?from=2026-01-01&to=2027-01-01", clusterServer.Keys["t2-viewer"]);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
                Assert.Contains("shard shard2", await down.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), $"the refusal took {clock.Elapsed}: a hang, not a prompt 503");
                Assert.Equal(
                    (await singleServer.DataAsync("/v1/campaigns?from=2026-01-01&to=2027-01-01", "t1-viewer")).ToString(),
                    (await clusterServer.DataAsync("/v1/campaigns?from=2026-01-01&to=2027-01-01", "t1-viewer")).ToString());
                // A read across tenants needs every shard: the same 503 naming the one that is down.
                using (var across = await clusterServer.SendAsync(HttpMethod.Get, "/v1/usage?from=2026-01-01&to=2027-01-01", clusterServer.Keys["admin"]))
                {
                    var unavailable = await across.Content.ReadAsStringAsync(Ct);
                    Assert.True(across.StatusCode == HttpStatusCode.ServiceUnavailable, unavailable);
                    Assert.Matches(
                        "^Cannot connect to shard shard2 \\(PostgreSQL [^)]+:" + shards[1].Split("Port=")[1].Split(';')[0] + "/[^)]+\\): its server does not answer the coordinator \\(could not connect to server \"penguin_shard2\"\\)$",
                        JsonDocument.Parse(unavailable).RootElement.GetProperty("detail").GetString());
                }

                using var ingest = await clusterServer.SendAsync(HttpMethod.Post, "/v1/ingest", clusterServer.Keys["t2-ingest"], TenantLine(lines, "t2"));
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ingest.StatusCode);
                Assert.Contains("shard shard2", await ingest.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
                // The admin's batch for both: t1's line is stored, t2's refused, and the answer says which.
                using var mixed = await clusterServer.SendAsync(HttpMethod.Post, "/v1/ingest", clusterServer.Keys["admin"], TenantLine(lines, "t1") + "\n" + TenantLine(lines, "t2"));
                var refusal = await mixed.Content.ReadAsStringAsync(Ct);
                Assert.True(mixed.StatusCode == HttpStatusCode.ServiceUnavailable, refusal);
                using var problem = JsonDocument.Parse(refusal);
                Assert.Equal(1, problem.RootElement.GetProperty("accepted").GetInt64());
                Assert.StartsWith("Cannot connect to shard shard2 (", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
                Assert.EndsWith(
                    ": 1 lines of tenant(s) t2 were not accepted (everything else was; send the same input again once the shard is back)",
                    problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);

                using var ready = await clusterServer.Http.GetAsync("/readyz", Ct);
                using var readiness = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(Ct));
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                Assert.Equal("degraded", readiness.RootElement.GetProperty("status").GetString());
                Assert.Equal(["ready", "database unreachable"], readiness.RootElement.GetProperty("shards").EnumerateArray().Select(s => s.GetProperty("status").GetString()));
            }
            finally
            {
                await TestCluster.ShardServerAsync(2, running: true);
            }

            // Back: t2 reads again, with every number it had.
            Assert.Equal(
                (await singleServer.DataAsync("/v1/campaigns?from=2026-01-01&to=2027-01-01", "t2-viewer")).ToString(),
                (await clusterServer.DataAsync("/v1/campaigns?from=2026-01-01&to=2027-01-01", "t2-viewer")).ToString());
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(single);
        }
    }

    [Fact]
    public async Task A_cached_read_across_tenants_follows_every_shards_fold_even_one_that_began_before_the_latest()
    {
        var (coordinator, shards) = await TestCluster.CreateDatabasesAsync();
        var init = await CliProcess.RunAsync(["cluster", "init", "--db", coordinator, .. shards.SelectMany(s => new[] { "--shard", s })]);
        Assert.True(init.ExitCode == 0, init.Stderr);
        var lines = new List<string>();
        using (var output = new MemoryStream())
        {
            await new WorkloadGenerator(new WorkloadOptions { Emails = 200, Tenants = 2, Seed = 5, End = new DateOnly(2026, 11, 1) }).WriteAsync(output, Ct);
            lines.AddRange(Encoding.UTF8.GetString(output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        await using var server = await ServerAsync(coordinator, withoutQueryLayerFilter: false, responseCacheFor: TimeSpan.FromMinutes(10));
        using (var ingest = await server.SendAsync(HttpMethod.Post, "/v1/ingest", server.Keys["admin"], string.Join('\n', lines)))
        {
            Assert.Equal(HttpStatusCode.Accepted, ingest.StatusCode);
        }
        await server.WaitUntilFoldedAsync();
        // Shard1's as_of put before shard2's, as when its fold began first and committed last.
        async Task PutShard1BeforeShard2Async(TimeSpan by)
        {
            await using var shard1 = await AnalyticsDatabase.OpenAsync(DatabaseTarget.Postgres(shards[0]), Ct);
            await using var shard2 = await AnalyticsDatabase.OpenAsync(DatabaseTarget.Postgres(shards[1]), Ct);
            var shard2AsOf = await Aggregator.AsOfAsync(shard2, Ct);
            await using var connection = await shard1.OpenCrossTenantConnectionAsync(Ct);
            Assert.Equal(1, await connection.ExecuteAsync("UPDATE pipeline_state SET updated = $1 WHERE name = 'fold_seq'", Ct, shard2AsOf!.Value - by));
        }
        await PutShard1BeforeShard2Async(TimeSpan.FromSeconds(2));
        await Task.Delay(TimeSpan.FromMilliseconds(600), Ct); // as_of is read every 500 ms
        const string path = "/v1/usage?from=2026-01-01&to=2027-01-01";
        async Task<long> SentAsync() => (await server.DataAsync(path, "admin")).EnumerateArray().Sum(r => r.GetProperty("emails_sent").GetInt64());
        var before = await SentAsync();
        using (var again = await server.SendAsync(HttpMethod.Get, path, server.Keys["admin"]))
        {
            Assert.Equal($"{ResponseCache.CacheName}; hit", again.Headers.GetValues("Cache-Status").Single());
        }

        // One more send of t1, folded on shard1, whose as_of then stays before shard2's: the latest
        // of the two is what it was, and the cached answer must still give way to the new one.
        var sent = lines.First(l => l.Contains("\"type\":\"email.sent\"", StringComparison.Ordinal) && l.Contains("\"campaign_id\":\"t1-", StringComparison.Ordinal));
        var extra = System.Text.RegularExpressions.Regex.Replace(sent, "\"event_id\":\"[^\"]+\",\"email_id\":\"[^\"]+\"", "\"event_id\":\"late-1\",\"email_id\":\"late-e1\"");
        using (var ingest = await server.SendAsync(HttpMethod.Post, "/v1/ingest", server.Keys["admin"], extra))
        {
            Assert.Equal(HttpStatusCode.Accepted, ingest.StatusCode);
        }
        await server.WaitUntilFoldedAsync();
        await PutShard1BeforeShard2Async(TimeSpan.FromSeconds(1));
        await Task.Delay(TimeSpan.FromMilliseconds(600), Ct);
        Assert.Equal(before + 1, await SentAsync());
    }

    private static string TenantLine(List<string> lines, string tenant) =>
        lines.Single(l => l.StartsWith("{\"type\":\"tenant\"", StringComparison.Ordinal) && l.Contains($"\"id\":\"{tenant}\"", StringComparison.Ordinal));

    private static async Task<Server> ServerAsync(string connectionString, bool withoutQueryLayerFilter, TimeSpan responseCacheFor = default)
    {
        var database = await AnalyticsDatabase.OpenAsync(DatabaseTarget.Postgres(connectionString), Ct);
        var app = await ApiServer.BuildAsync(database, new ApiOptions
        {
            Urls = "http://127.0.0.1:0", ResponseCacheFor = responseCacheFor, MaintenanceAt = null, JsonLogs = false, WithoutQueryLayerFilter = withoutQueryLayerFilter,
        }, Ct);
        await app.StartAsync(Ct);
        var http = new HttpClient { BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()) };
        var store = app.Services.GetRequiredService<ApiKeyStore>();
        var keys = new Dictionary<string, string>();
        foreach (var (name, tenant, role) in new[]
                 {
                     ("admin", ApiKey.PlatformTenant, ApiKeyRole.Admin), ("t1-viewer", "t1", ApiKeyRole.Viewer),
                     ("t2-viewer", "t2", ApiKeyRole.Viewer), ("t2-ingest", "t2", ApiKeyRole.Ingest), ("t3-viewer", "t3", ApiKeyRole.Viewer),
                 })
        {
            keys[name] = (await store.CreateAsync(tenant, role, name, AdminActor.CommandLine, Ct)).Token;
        }
        return new Server(database, app, http, keys);
    }

    private sealed record Server(AnalyticsDatabase Database, WebApplication App, HttpClient Http, Dictionary<string, string> Keys) : IAsyncDisposable
    {
        public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string key, string? body = null, string mediaType = "application/x-ndjson")
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8, mediaType);
            }
            return await Http.SendAsync(request, Ct);
        }

        /// <summary>The <c>data</c> of a read that must succeed.</summary>
        public async Task<JsonElement> DataAsync(string path, string key)
        {
            using var response = await SendAsync(HttpMethod.Get, path, Keys[key]);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
            return JsonDocument.Parse(body).RootElement.GetProperty("data").Clone();
        }

        /// <summary>Until every queue the server's workers run is empty (a cluster: each shard's).</summary>
        public async Task WaitUntilFoldedAsync()
        {
            for (var attempt = 0; attempt < 600; attempt++)
            {
                using var ready = JsonDocument.Parse(await Http.GetStringAsync("/readyz", Ct));
                var depths = ready.RootElement.TryGetProperty("shards", out var shards)
                    ? shards.EnumerateArray().Select(s => s.GetProperty("queue_depth").GetInt64())
                    : [ready.RootElement.GetProperty("queue_depth").GetInt64()];
                if (depths.All(d => d == 0))
                {
                    return;
                }
                await Task.Delay(100, Ct);
            }
            Assert.Fail("the workers did not fold the ingest within a minute");
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await App.StopAsync(CancellationToken.None);
            await App.DisposeAsync();
            await Database.DisposeAsync();
        }
    }
}
