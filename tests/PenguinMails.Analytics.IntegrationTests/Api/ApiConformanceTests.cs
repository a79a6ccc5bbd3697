using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using PenguinMails.Analytics.Api;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.IntegrationTests.Pipeline;
using PenguinMails.Analytics.Pools;
using PenguinMails.Analytics.Security;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.IntegrationTests.Api;

/// <summary>
/// The HTTP API through real Kestrel on a loopback port, on both engines: health, keys and roles,
/// ingest (gzip, limits), the campaign dashboard, and tenant isolation.
/// </summary>
public abstract partial class ApiConformanceTests : IAsyncLifetime
{
    private PipelineFixture? fixture;
    private WebApplication? app;
    private HttpClient? client;
    private readonly Dictionary<string, string> keys = [];
    private readonly string exportDirectory = Path.Combine(Path.GetTempPath(), $"penguin-exports-{Guid.NewGuid():N}");

    protected abstract StorageEngine Engine { get; }

    /// <summary>True to run the API with PostgreSQL's row-level security as the only wall.</summary>
    protected virtual bool WithoutQueryLayerFilter => false;

    /// <summary>True to serve a cluster's coordinator (two shards of the local test cluster) instead of one database.</summary>
    protected virtual bool OnCluster => false;

    private PipelineFixture Pipeline => fixture!;

    private HttpClient Http => client!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        fixture = OnCluster ? await PipelineFixture.CreateOnClusterAsync() : await PipelineFixture.CreateAsync(Engine);
        app = await ApiServer.BuildAsync(Pipeline.Database, new ApiOptions
        {
            Urls = "http://127.0.0.1:0", MaxIngestBytes = 200_000, MaxDecompressedIngestBytes = 400_000, WithoutQueryLayerFilter = WithoutQueryLayerFilter,
            SessionWindow = TimeSpan.FromSeconds(1), SessionSweepInterval = TimeSpan.FromHours(1),
            PseudonymKey = new PenguinMails.Analytics.Compliance.PseudonymKey([.. Enumerable.Repeat((byte)7, 32)]),
            Exports = new PenguinMails.Analytics.Exports.ExportOptions { Directory = exportDirectory, Cipher = new PenguinMails.Analytics.Exports.ExportCipher(ExportKey) },
        }, Ct);
        await app.StartAsync(Ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        client = new HttpClient { BaseAddress = new Uri(address) };
        var store = new ApiKeyStore(Pipeline.Database);
        foreach (var (name, tenant, role) in new[] { ("a-viewer", "t1", ApiKeyRole.Viewer), ("b-viewer", "t2", ApiKeyRole.Viewer), ("a-ingest", "t1", ApiKeyRole.Ingest), ("admin", "t1", ApiKeyRole.Admin), ("a-tenant-admin", "t1", ApiKeyRole.TenantAdmin), ("b-tenant-admin", "t2", ApiKeyRole.TenantAdmin) })
        {
            keys[name] = (await store.CreateAsync(tenant, role, name, AdminActor.CommandLine, Ct)).Token;
        }
    }

    /// <summary>
    /// The workload pools a tenant's requests take turns in, and the database whose settings they
    /// follow: the process's own, or on a cluster the tenant's shard's (serve's graph for it).
    /// </summary>
    private async Task<(WorkloadPools Pools, AnalyticsDatabase Database)> PoolsOfAsync(string tenantId)
    {
        var services = await app!.Services.GetRequiredService<PenguinMails.Analytics.Api.Routing.ServiceGraphs>().ForTenantAsync(app.Services, tenantId, Ct);
        return (services.GetRequiredService<WorkloadPools>(), services.GetRequiredService<AnalyticsDatabase>());
    }

    public async ValueTask DisposeAsync()
    {
        client?.Dispose();
        if (app is not null)
        {
            await app.StopAsync(CancellationToken.None);
            await app.DisposeAsync();
        }
        if (fixture is not null)
        {
            await fixture.DisposeAsync();
        }
        if (Directory.Exists(exportDirectory))
        {
            Directory.Delete(exportDirectory, recursive: true);
        }
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task health_readiness_and_the_openapi_document_are_served()
    {
        Assert.Equal(HttpStatusCode.OK, (await Http.GetAsync("/healthz", Ct)).StatusCode);
        using var ready = JsonDocument.Parse(await Http.GetStringAsync("/readyz", Ct));
        Assert.Equal("ready", ready.RootElement.GetProperty("status").GetString());
        Assert.Equal(new PenguinMails.Analytics.Storage.Migrations.SchemaMigrator(Pipeline.Database).LatestVersion, ready.RootElement.GetProperty("schema_version").GetInt32());
        using var openApi = JsonDocument.Parse(await Http.GetStringAsync("/openapi/v1.json", Ct));
        var paths = openApi.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/v1/campaigns", out _));
        Assert.True(paths.TryGetProperty("/v1/ingest", out _));
    }

    [Fact]
    public async Task keys_decide_who_may_do_what()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/v1/campaigns", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/v1/campaigns", "pma_000000000000_forged")).StatusCode);
        var forbidden = await SendAsync(HttpMethod.Post, "/v1/ingest", keys["a-viewer"], Lines.Tenant);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("viewer key may not use this endpoint", await forbidden.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Get, "/v1/campaigns", keys["a-ingest"])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/v1/campaigns", keys["admin"])).StatusCode);

        var id = keys["a-viewer"].Split('_')[1];
        // Revoked through the server's store: at once (another process's revocation: within KeyCacheFor).
        Assert.True(await app!.Services.GetRequiredService<ApiKeyStore>().RevokeAsync(id, AdminActor.CommandLine, Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(HttpMethod.Get, "/v1/campaigns", keys["a-viewer"])).StatusCode);
    }

    [Fact]
    public async Task ingested_records_are_folded_by_the_worker_and_served_by_the_dashboard()
    {
        var lines = PipelineFixture.Workload(21, tenants: 2, emails: 200, days: 20);
        var body = string.Join('\n', lines.Append("{\"type\":\"email.sent\"}"));
        Assert.InRange(Encoding.UTF8.GetByteCount(body), 100_000, 200_000); // under the body limit of this fixture
        var response = await SendAsync(HttpMethod.Post, "/v1/ingest", keys["admin"], body);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        using var summary = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(lines.Count, summary.RootElement.GetProperty("accepted").GetInt64());
        Assert.Equal(1, summary.RootElement.GetProperty("rejected").GetInt64());
        Assert.Equal("event_id", summary.RootElement.GetProperty("errors")[0].GetProperty("field").GetString());

        // Fresh within moments: the background worker folds the batch the ingest enqueued.
        var expected = ReferenceModel.FromLines(lines).Expected()["daily_campaign_stats"]
            .Select(r => r.Split('|')).Where(r => r[1].CompareTo("2026-05-01") >= 0)
            .GroupBy(r => r[0]).ToDictionary(g => g.Key, g => (Sent: g.Sum(r => long.Parse(r[2], System.Globalization.CultureInfo.InvariantCulture)), Replied: g.Sum(r => long.Parse(r[6], System.Globalization.CultureInfo.InvariantCulture))));
        JsonElement data = default;
        for (var attempt = 0; attempt < 600; attempt++) // up to a minute on a busy machine; done when the sums agree
        {
            using var page = JsonDocument.Parse(await (await SendAsync(HttpMethod.Get, "/v1/campaigns?from=2026-05-01&to=2026-08-01&limit=1000", keys["admin"])).Content.ReadAsStringAsync(Ct));
            data = page.RootElement.GetProperty("data").Clone();
            if (data.EnumerateArray().Sum(r => r.GetProperty("sent").GetInt64()) == expected.Values.Sum(v => v.Sent))
            {
                break;
            }
            await Task.Delay(100, Ct);
        }
        Assert.Equal(expected.Count, data.GetArrayLength());
        foreach (var row in data.EnumerateArray())
        {
            var (sent, replied) = expected[row.GetProperty("campaign_id").GetString()!];
            Assert.Equal(sent, row.GetProperty("sent").GetInt64());
            Assert.Equal(replied, row.GetProperty("replied").GetInt64());
            var delivered = row.GetProperty("delivered").GetInt64();
            Assert.Equal(Math.Round(100.0 * delivered / sent, 2), row.GetProperty("delivery_rate").GetDouble(), 2);
        }
        var ranks = data.EnumerateArray().Select(r => (Rank: r.GetProperty("rank_by_volume").GetInt32(), Sent: r.GetProperty("sent").GetInt64())).ToList();
        Assert.Equal(ranks.OrderByDescending(r => r.Sent).Select(r => r.Sent), ranks.OrderBy(r => r.Rank).Select(r => r.Sent));
    }

    [Fact]
    public async Task a_tenant_never_sees_another_tenants_campaigns()
    {
        await Pipeline.IngestAsync([.. Lines.Entities, """{"type":"tenant","id":"t2"}""", """{"type":"company","id":"c2","tenant_id":"t2"}""",
            """{"type":"campaign","id":"k2","company_id":"c2","name":"Secret campaign of B"}""", """{"type":"sequence_step","id":"s2","campaign_id":"k2"}""",
            """{"type":"mailbox","id":"m2","company_id":"c2"}""", """{"type":"lead","id":"l2","company_id":"c2"}""",
            Lines.Sent("x1", "e1", "2026-03-02T10:00:00Z"),
            """{"type":"email.sent","event_id":"x2","email_id":"e2","occurred_at":"2026-03-02T10:00:00Z","campaign_id":"k2","step_id":"s2","mailbox_id":"m2","lead_id":"l2"}"""]);
        await Pipeline.FoldAsync();

        var a = await (await SendAsync(HttpMethod.Get, "/v1/campaigns?from=2026-03-01&to=2026-04-01", keys["a-viewer"])).Content.ReadAsStringAsync(Ct);
        var b = await (await SendAsync(HttpMethod.Get, "/v1/campaigns?from=2026-03-01&to=2026-04-01", keys["b-viewer"])).Content.ReadAsStringAsync(Ct);
        var all = await (await SendAsync(HttpMethod.Get, "/v1/campaigns?from=2026-03-01&to=2026-04-01", keys["admin"])).Content.ReadAsStringAsync(Ct);

        Assert.Contains("\"campaign_id\":\"k1\"", a, StringComparison.Ordinal);
        Assert.DoesNotContain("k2", a, StringComparison.Ordinal);
        Assert.DoesNotContain("Secret", a, StringComparison.Ordinal);
        Assert.Contains("Secret campaign of B", b, StringComparison.Ordinal);
        Assert.DoesNotContain("\"k1\"", b, StringComparison.Ordinal);
        Assert.Contains("\"k1\"", all, StringComparison.Ordinal);
        Assert.Contains("\"k2\"", all, StringComparison.Ordinal);
        // Another tenant's id is "not found", exactly like an id that does not exist.
        var foreign = await SendAsync(HttpMethod.Get, "/v1/campaigns/k2", keys["a-viewer"]);
        var missing = await SendAsync(HttpMethod.Get, "/v1/campaigns/nope", keys["a-viewer"]);
        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (foreign.StatusCode, missing.StatusCode));
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/v1/campaigns/k1?from=2026-03-01&to=2026-04-01", keys["a-viewer"])).StatusCode);
    }

    [Fact]
    public async Task no_endpoint_shows_another_tenants_data_whatever_ids_or_filters_are_asked_for()
    {
        var lines = PipelineFixture.Workload(41, tenants: 2, emails: 400, days: 20);
        Assert.Equal(0, (await Pipeline.IngestAsync(lines)).Rejected);
        await Pipeline.FoldAsync();
        const string range = "from=2026-01-01&to=2026-12-31";
        string[] foreignLists =
        [
            $"/v1/campaigns?{range}&company_id=t2-c1", $"/v1/mailboxes?{range}&company_id=t2-c1", $"/v1/warmup?{range}&company_id=t2-c1",
            $"/v1/campaigns?{range}", $"/v1/mailboxes?{range}", $"/v1/warmup?{range}", "/v1/usage?from=2025-01-01&to=2027-01-01",
        ];
        string[] foreignIds =
        [
            $"/v1/campaigns/t2-c1-k1?{range}", $"/v1/campaigns/t2-c1-k1/steps?{range}", $"/v1/mailboxes/t2-c1-m1?{range}",
            $"/v1/leads?campaign_id=t2-c1-k1&{range}", $"/v1/timeseries?entity=campaign&id=t2-c1-k1&{range}",
            $"/v1/timeseries?entity=mailbox&id=t2-c1-m1&{range}", $"/v1/timeseries?entity=step&id=t2-c1-k1-s1A&{range}",
            $"/v1/timeseries?entity=tenant&id=t2&{range}",
        ];

        foreach (var path in foreignLists)
        {
            var body = await (await SendAsync(HttpMethod.Get, path, keys["a-viewer"])).Content.ReadAsStringAsync(Ct);
            Assert.DoesNotContain("t2", body, StringComparison.Ordinal);
        }
        foreach (var path in foreignIds)
        {
            Assert.Equal((path, HttpStatusCode.NotFound), (path, (await SendAsync(HttpMethod.Get, path, keys["a-viewer"])).StatusCode));
            Assert.Equal((path, HttpStatusCode.OK), (path, (await SendAsync(HttpMethod.Get, path, keys["b-viewer"])).StatusCode));
        }
        // The lists are not empty for the tenant itself.
        Assert.Contains("t1-c1", await (await SendAsync(HttpMethod.Get, $"/v1/campaigns?{range}", keys["a-viewer"])).Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/campaigns?from=2026-13-01", "from must be a date like 2026-03-01")]
    [InlineData("/v1/campaigns?to=yesterday", "to must be a date like 2026-03-01")]
    [InlineData("/v1/campaigns?from=2026-03-02&to=2026-03-01", "must be before to")]
    [InlineData("/v1/campaigns?limit=0", "limit must be a whole number from 1 to 1000")]
    [InlineData("/v1/campaigns?limit=abc", "limit must be a whole number from 1 to 1000")]
    [InlineData("/v1/mailboxes?offset=-1", "offset must be a whole number")]
    [InlineData("/v1/timeseries?entity=planet&id=x", "entity must be one of campaign, step, mailbox, tenant")]
    [InlineData("/v1/timeseries?entity=campaign&id=k1&metric=sent;DROP%20TABLE%20emails", "metric must be one of")]
    [InlineData("/v1/leads", "The leads report needs campaign_id.")]
    [InlineData("/v1/leads?campaign_id=k1&search=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "search must be at most 200 characters")]
    public async Task bad_parameters_get_a_400_that_names_the_problem(string path, string message)
    {
        var response = await SendAsync(HttpMethod.Get, path, keys["a-viewer"]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(message, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/v1/campaigns/' OR '1'='1")]
    [InlineData("/v1/mailboxes/x'; DROP TABLE emails; --")]
    [InlineData("/v1/campaigns/x%27%20UNION%20SELECT%201--/steps")]
    public async Task ids_with_sql_metacharacters_are_just_ids_that_do_not_exist(string path)
    {
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, path, keys["a-viewer"])).StatusCode);
        Assert.Equal(0L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM emails"));
    }

    [Theory]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer")]
    [InlineData("Bearer pma_")]
    [InlineData("Bearer pma_nounderscore")]
    [InlineData("Bearer not-a-key-at-all")]
    public async Task malformed_authorization_headers_get_401(string header)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/campaigns");
        request.Headers.TryAddWithoutValidation("Authorization", header);

        var response = await Http.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
    }

    [Fact]
    public async Task two_tenants_ingesting_one_email_id_with_their_own_keys_each_read_their_own_numbers()
    {
        var store = new ApiKeyStore(Pipeline.Database);
        var bIngest = (await store.CreateAsync("t2", ApiKeyRole.Ingest, "b-ingest", AdminActor.CommandLine, Ct)).Token;
        await SendAsync(HttpMethod.Post, "/v1/ingest", keys["admin"], string.Join('\n', [.. Lines.Entities, """{"type":"tenant","id":"t2"}""",
            """{"type":"company","id":"c2","tenant_id":"t2"}""", """{"type":"campaign","id":"k2","company_id":"c2"}""", """{"type":"sequence_step","id":"s2","campaign_id":"k2"}""",
            """{"type":"mailbox","id":"m2","company_id":"c2"}""", """{"type":"lead","id":"l2","company_id":"c2"}"""]));

        var a = await SendAsync(HttpMethod.Post, "/v1/ingest", keys["a-ingest"],
            Lines.Sent("a1", "same-id", "2026-03-02T10:00:00Z") + "\n" + Lines.Event("opened", "a2", "same-id", "2026-03-02T11:00:00Z"));
        var b = await SendAsync(HttpMethod.Post, "/v1/ingest", bIngest,
            """{"type":"email.sent","event_id":"b1","email_id":"same-id","occurred_at":"2026-03-02T10:00:00Z","campaign_id":"k2","step_id":"s2","mailbox_id":"m2","lead_id":"l2"}"""
            + "\n" + Lines.Event("replied", "b2", "same-id", "2026-03-02T12:00:00Z"));

        Assert.Equal((HttpStatusCode.Accepted, HttpStatusCode.Accepted), (a.StatusCode, b.StatusCode));
        Assert.Equal("""{"accepted":2,"rejected":0,"errors":[]}""", await b.Content.ReadAsStringAsync(Ct));
        async Task<string> CountersAsync(string key)
        {
            for (var attempt = 0; ; attempt++)
            {
                using var page = JsonDocument.Parse(await (await SendAsync(HttpMethod.Get, "/v1/campaigns?from=2026-03-01&to=2026-04-01", key)).Content.ReadAsStringAsync(Ct));
                var rows = page.RootElement.GetProperty("data").EnumerateArray()
                    .Select(r => $"{r.GetProperty("campaign_id").GetString()}:{r.GetProperty("sent").GetInt64()}/{r.GetProperty("opened_tracked").GetInt64()}/{r.GetProperty("replied").GetInt64()}")
                    .ToList();
                if ((rows.Count == 1 && !rows[0].EndsWith("0/0", StringComparison.Ordinal)) || attempt == 100)
                {
                    return string.Join(',', rows);
                }
                await Task.Delay(100, Ct);
            }
        }
        Assert.Equal("k1:1/1/0", await CountersAsync(keys["a-viewer"]));
        Assert.Equal("k2:1/0/1", await CountersAsync(keys["b-viewer"]));
    }

    [Fact]
    public async Task a_producer_key_writes_only_its_tenant_and_bodies_over_the_limit_are_refused()
    {
        await Pipeline.IngestAsync([.. Lines.Entities, """{"type":"tenant","id":"t2"}"""]);

        // Another tenant's line is rejected once, whether that tenant exists here (t2) or not (t9;
        // on a cluster t2 lives on the other shard): one rejection per line, the rest accepted.
        using var scoped = JsonDocument.Parse(await (await SendAsync(HttpMethod.Post, "/v1/ingest", keys["a-ingest"],
            """{"type":"company","id":"c9","tenant_id":"t2"}""" + "\n" + """{"type":"company","id":"c8","tenant_id":"t1"}""" + "\n"
            + """{"type":"company","id":"c7","tenant_id":"t9"}""")).Content.ReadAsStringAsync(Ct));
        Assert.Equal((1L, 2L), (scoped.RootElement.GetProperty("accepted").GetInt64(), scoped.RootElement.GetProperty("rejected").GetInt64()));
        Assert.Equal(["1 tenant_id tenant 't2' is not the tenant of this API key", "3 tenant_id tenant 't9' is not the tenant of this API key"],
            scoped.RootElement.GetProperty("errors").EnumerateArray().Select(e => $"{e.GetProperty("line")} {e.GetProperty("field").GetString()} {e.GetProperty("reason").GetString()}"));

        var big = string.Join('\n', Enumerable.Range(0, 3_000).Select(i => Lines.Event("opened", $"o{i}", $"x{i}", "2026-03-02T11:00:00Z")));
        // As curl does for large bodies, the client waits for "100 Continue": the refusal comes before the upload.
        var tooLarge = await SendAsync(HttpMethod.Post, "/v1/ingest", keys["a-ingest"], big, expectContinue: true);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("200,000 bytes", await tooLarge.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(0L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM pending_events WHERE event_id = 'o1'"));

        // gzip is accepted; a small compressed body that inflates past the limit is refused.
        var gzipped = await SendAsync(HttpMethod.Post, "/v1/ingest", keys["a-ingest"], Gzip(string.Join('\n', big.Split('\n').Take(500))), gzip: true);
        Assert.Equal(HttpStatusCode.Accepted, gzipped.StatusCode);
        var bomb = await SendAsync(HttpMethod.Post, "/v1/ingest", keys["a-ingest"], Gzip(big + "\n" + big), gzip: true);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, bomb.StatusCode);
    }

    [Fact]
    public async Task every_read_endpoint_serves_the_workload_under_the_callers_scope()
    {
        var lines = PipelineFixture.Workload(31, tenants: 2, emails: 600, days: 40);
        Assert.Equal(0, (await Pipeline.IngestAsync(lines)).Rejected);
        await Pipeline.FoldAsync();
        var reference = ReferenceModel.FromLines(lines).Expected();
        const string range = "from=2026-01-01&to=2026-12-31&limit=1000";
        static long Sum(JsonElement data, string column) => data.EnumerateArray().Sum(r => r.GetProperty(column).GetInt64());
        long ReferenceSum(string table, string prefix, int column) =>
            reference[table].Where(r => r.StartsWith(prefix, StringComparison.Ordinal)).Sum(r => long.Parse(r.Split('|')[column], System.Globalization.CultureInfo.InvariantCulture));

        var mailboxes = await DataAsync($"/v1/mailboxes?{range}", keys["a-viewer"]);
        Assert.Equal(ReferenceSum("daily_mailbox_stats", "t1-", 2), Sum(mailboxes, "sent"));
        var health = mailboxes.EnumerateArray().Select(r => r.GetProperty("health_score")).Where(h => h.ValueKind == JsonValueKind.Number).Select(h => h.GetInt32()).ToList();
        Assert.NotEmpty(health);
        Assert.Equal(health.Order(), health); // needing attention first
        var mailbox = mailboxes[0].GetProperty("mailbox_id").GetString()!;
        Assert.Equal(1, (await DataAsync($"/v1/mailboxes/{mailbox}?{range}", keys["a-viewer"])).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, $"/v1/mailboxes/{mailbox}", keys["b-viewer"])).StatusCode);

        var campaigns = await DataAsync($"/v1/campaigns?{range}", keys["a-viewer"]);
        var campaign = campaigns[0].GetProperty("campaign_id").GetString()!;
        var campaignSent = campaigns[0].GetProperty("sent").GetInt64();
        var series = await DataAsync($"/v1/timeseries?entity=campaign&id={campaign}&metric=sent&{range}", keys["a-viewer"]);
        Assert.Equal(campaignSent, Sum(series, "sent"));
        Assert.Equal(["day", "sent"], series[0].EnumerateObject().Select(p => p.Name));
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, $"/v1/timeseries?entity=campaign&id={campaign}", keys["b-viewer"])).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await SendAsync(HttpMethod.Get, "/v1/timeseries?entity=campaign&id=x&metric=DROP", keys["a-viewer"])).StatusCode);
        Assert.Equal(campaignSent, Sum(await DataAsync($"/v1/leads?campaign_id={campaign}&{range}", keys["a-viewer"]), "sent"));

        // Campaigns with an odd number A/B test their first two steps: variants are compared.
        var abCampaign = campaigns.EnumerateArray().Select(c => c.GetProperty("campaign_id").GetString()!).First(c => c.EndsWith("-k1", StringComparison.Ordinal));
        using var steps = JsonDocument.Parse(await (await SendAsync(HttpMethod.Get, $"/v1/campaigns/{abCampaign}/steps?{range}", keys["a-viewer"])).Content.ReadAsStringAsync(Ct));
        var stepRows = steps.RootElement.GetProperty("data");
        Assert.Contains(stepRows.EnumerateArray(), r => r.GetProperty("variant").GetString() == "B");
        foreach (var row in stepRows.EnumerateArray().Where(r => r.GetProperty("delivered").GetInt64() > 0))
        {
            foreach (var rate in new[] { "reply_rate", "human_reply_rate", "positive_reply_rate", "open_rate" })
            {
                Assert.InRange(row.GetProperty(rate).GetDouble(), row.GetProperty(rate + "_ci_low").GetDouble(), row.GetProperty(rate + "_ci_high").GetDouble());
            }
            Assert.InRange(row.GetProperty("replied_human").GetInt64() + row.GetProperty("replied_auto").GetInt64(), row.GetProperty("replied").GetInt64(), row.GetProperty("replied").GetInt64());
        }
        var comparisons = steps.RootElement.GetProperty("comparisons");
        Assert.Equal(8, comparisons.GetArrayLength()); // steps 1 and 2, on reply, human reply, positive reply and open rate
        Assert.Equal(["reply_rate", "human_reply_rate", "positive_reply_rate", "open_rate"],
            comparisons.EnumerateArray().Take(4).Select(c => c.GetProperty("metric").GetString()));
        Assert.All(comparisons.EnumerateArray(), c => Assert.Equal(("A", "B"), (c.GetProperty("control").GetString(), c.GetProperty("variant").GetString())));

        var warmup = await DataAsync($"/v1/warmup?{range}", keys["a-viewer"]);
        // The guide's analysis keeps mailboxes of the tenant with at least 3 warmup days in the range.
        var tracked = await Pipeline.ScalarAsync<long>(
            "SELECT COUNT(*) FROM (SELECT w.mailbox_id FROM warmup_analytics w JOIN companies co ON co.id = w.company_id "
            + "WHERE co.tenant_id = 't1' AND w.snapshot_date >= DATE '2026-01-01' AND w.snapshot_date < DATE '2026-12-31' GROUP BY w.mailbox_id HAVING COUNT(*) >= 3) tracked");
        Assert.NotEqual(0L, tracked);
        Assert.Equal(tracked, warmup.GetArrayLength());
        Assert.All(warmup.EnumerateArray(), w => Assert.Contains(w.GetProperty("warmup_category").GetString(), new[] { "Excellent", "Good", "Fair", "Poor" }));

        var usage = await DataAsync("/v1/usage?from=2025-01-01&to=2027-01-01", keys["admin"]);
        Assert.Equal(["t1", "t2"], usage.EnumerateArray().Select(u => u.GetProperty("tenant_id").GetString()).Distinct());
        Assert.Equal(reference["billing_analytics"].Sum(r => long.Parse(r.Split('|')[1], System.Globalization.CultureInfo.InvariantCulture)), Sum(usage, "emails_sent"));
        var mine = await DataAsync("/v1/usage?from=2025-01-01&to=2027-01-01", keys["b-viewer"]);
        Assert.All(mine.EnumerateArray(), u => Assert.Equal("t2", u.GetProperty("tenant_id").GetString()));
    }

    [Fact]
    public async Task a_tenant_over_its_rate_limit_gets_429_with_retry_after_and_the_refusal_is_audited()
    {
        await Pipeline.ExecuteAsync("INSERT INTO analytics_rate_limits (tenant_id, query_type, time_window_seconds, max_queries) VALUES ('t1', 'dashboard', 60, 3)");

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var i = 0; i < 4; i++)
        {
            var response = await SendAsync(HttpMethod.Get, "/v1/campaigns", keys["a-viewer"]);
            statuses.Add(response.StatusCode);
            refused = response;
        }
        var otherTenant = await SendAsync(HttpMethod.Get, "/v1/campaigns", keys["b-viewer"]);

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        Assert.InRange(int.Parse(refused!.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture), 1, 60);
        Assert.Equal(HttpStatusCode.OK, otherTenant.StatusCode); // another tenant's budget is its own
        await app!.StopAsync(Ct); // drains the audit queue
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>(
            "SELECT COUNT(*) FROM analytics_access_audit WHERE tenant_id = 't1' AND NOT success AND failure_reason LIKE 'rate limited (3 dashboard queries per 60 s)'"));
    }

    [Fact]
    public async Task every_read_is_audited_off_the_request_path_and_none_is_lost_on_shutdown()
    {
        for (var i = 0; i < 25; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/v1/campaigns?company_id=c{i}", keys["a-viewer"])).StatusCode);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Get, "/v1/campaigns/nope", keys["b-viewer"])).StatusCode);
        // A series is audited as a read of its own entity's rollup.
        foreach (var entity in new[] { "tenant", "mailbox", "step" })
        {
            await SendAsync(HttpMethod.Get, $"/v1/timeseries?entity={entity}&id=t1", keys["admin"]);
        }

        await app!.StopAsync(Ct);
        Assert.Equal("daily_mailbox_stats,daily_step_stats,daily_tenant_stats", await Pipeline.ScalarAsync<string>(
            "SELECT STRING_AGG(table_accessed, ',' ORDER BY table_accessed) FROM analytics_access_audit WHERE CAST(filters_applied AS TEXT) LIKE '%entity%'"));

        var viewerId = keys["a-viewer"].Split('_')[1];
        Assert.Equal(25L, await Pipeline.ScalarAsync<long>(
            "SELECT COUNT(*) FROM analytics_access_audit WHERE user_id = $1 AND tenant_id = 't1' AND success AND query_type = 'dashboard' AND table_accessed = 'daily_campaign_stats' AND rows_returned = 0", viewerId));
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM analytics_access_audit WHERE tenant_id = 't2' AND NOT success AND failure_reason = 'HTTP 404'"));
        using var filters = JsonDocument.Parse((await Pipeline.ScalarAsync<string>(
            "SELECT CAST(filters_applied AS TEXT) FROM analytics_access_audit WHERE CAST(filters_applied AS TEXT) LIKE '%c7%'"))!);
        Assert.Equal("c7", filters.RootElement.GetProperty("company_id").GetString());
        Assert.Equal("127.0.0.1", await Pipeline.ScalarAsync<string>("SELECT MIN(ip_address) FROM analytics_access_audit"));
    }

    [Fact]
    public async Task each_workload_pool_limits_its_connections_and_a_full_pool_answers_503()
    {
        await Pipeline.ExecuteAsync("UPDATE analytics_connection_pools SET max_connections = 1, acquire_timeout_seconds = 1 WHERE pool_type = 'dashboard_queries'");
        var (pools, database) = await PoolsOfAsync("t1");
        Assert.Contains("dashboard_queries", await pools.ReloadAsync(Ct));

        using (await pools["dashboard_queries"].AcquireAsync(Ct))
        {
            var busy = await SendAsync(HttpMethod.Get, "/v1/campaigns", keys["a-viewer"]);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, busy.StatusCode);
            Assert.Contains("dashboard_queries pool is busy: all 1 connections", await busy.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/v1/campaigns", keys["a-viewer"])).StatusCode);

        // Sampled: two turns taken (the test's own and the request's), one wait that timed out, one idle slot.
        await PoolTuner.SampleAsync(database, pools, Ct);
        Assert.Equal("2|1|1", await PipelineFixture.ScalarAsync<string>(database,
            "SELECT CAST(total_queries_executed AS TEXT) || '|' || CAST(connection_timeout_count AS TEXT) || '|' || CAST(idle_connections AS TEXT) "
            + "FROM analytics_pool_metrics WHERE pool_type = 'dashboard_queries'"));
    }

    [Fact]
    public async Task the_guides_tuning_rules_raise_the_dashboard_limit_under_load_and_log_a_system_event()
    {
        var (pools, database) = await PoolsOfAsync("t1");
        Assert.Empty(await PoolTuner.OptimizeAsync(database, pools, Ct)); // no load, no change
        await Pipeline.ExecuteForTenantAsync("t1", "INSERT INTO analytics_pool_metrics (pool_type, active_queries, avg_query_duration_ms, query_timeout_count) VALUES ('dashboard_queries', 12, 500, 0), ('dashboard_queries', 10, 700, 0)");

        var changes = await PoolTuner.OptimizeAsync(database, pools, Ct);

        Assert.Single(changes);
        Assert.Equal(18, await PipelineFixture.ScalarAsync<int>(database, "SELECT max_connections FROM analytics_connection_pools WHERE pool_type = 'dashboard_queries'"));
        Assert.Equal(18, pools["dashboard_queries"].MaxConnections);
        Assert.Equal(1L, await Pipeline.ScalarAsync<long>("SELECT COUNT(*) FROM admin_system_events WHERE event_type = 'pool_optimization' AND severity = 'info'"));
    }

    [Fact]
    public async Task admin_activity_is_for_the_platform_admin_only()
    {
        await Pipeline.ExecuteForTenantAsync("t1",
            "INSERT INTO admin_audit_logs (admin_user_id, action, resource_type, resource_id, tenant_id, ip_address, creation_time) VALUES "
            + "('ops1', 'api_key.create', 'api_key', 'k1', 't1', '10.0.0.1', TIMESTAMPTZ '2026-03-02 10:15:00+00')");
        await Pipeline.ExecuteForTenantAsync("t2",
            "INSERT INTO admin_audit_logs (admin_user_id, action, resource_type, resource_id, tenant_id, ip_address, creation_time) VALUES "
            + "('ops1', 'api_key.create', 'api_key', 'k2', 't2', '10.0.0.2', TIMESTAMPTZ '2026-03-02 10:45:00+00'), "
            + "('ops2', 'anonymize', 'tenant', 't2', 't2', '10.0.0.3', TIMESTAMPTZ '2026-03-02 23:30:00+00')");

        var forbidden = await SendAsync(HttpMethod.Get, "/v1/admin/activity", keys["a-viewer"]);
        var activity = await DataAsync("/v1/admin/activity?from=2026-03-01&to=2026-04-01", keys["admin"]);

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Contains("platform admin role", await forbidden.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(2, activity.GetArrayLength());
        var first = activity[0];
        Assert.Equal(("ops1", 2, 2, 2, 10, "Business Hours"), (first.GetProperty("admin_user_id").GetString(), first.GetProperty("action_count").GetInt32(),
            first.GetProperty("tenants_affected").GetInt32(), first.GetProperty("unique_ips").GetInt32(), first.GetProperty("hour_of_day").GetInt32(),
            first.GetProperty("time_category").GetString()));
        Assert.Equal("Night Time", activity[1].GetProperty("time_category").GetString());
    }

    [Fact]
    public async Task me_and_tenants_say_who_the_caller_is_and_tenant_id_narrows_only_the_admin()
    {
        Assert.Equal(0, (await Pipeline.IngestAsync(PipelineFixture.Workload(43, tenants: 2, emails: 300, days: 20))).Rejected);
        await Pipeline.FoldAsync();
        const string range = "from=2026-01-01&to=2026-12-31";

        using (var me = JsonDocument.Parse(await (await SendAsync(HttpMethod.Get, "/v1/me", keys["a-ingest"])).Content.ReadAsStringAsync(Ct)))
        {
            Assert.Equal(("ingest", "t1", false), (me.RootElement.GetProperty("role").GetString(), me.RootElement.GetProperty("tenant_id").GetString(), me.RootElement.GetProperty("can_read").GetBoolean()));
        }
        Assert.Equal(["t1"], (await DataAsync("/v1/tenants", keys["a-viewer"])).EnumerateArray().Select(t => t.GetProperty("tenant_id").GetString()));
        Assert.Equal(["t1", "t2"], (await DataAsync("/v1/tenants", keys["admin"])).EnumerateArray().Select(t => t.GetProperty("tenant_id").GetString()));

        // The admin names a tenant and reads exactly what that tenant's own key reads.
        var asTenant = await DataAsync($"/v1/campaigns?{range}&limit=1000", keys["b-viewer"]);
        var narrowed = await DataAsync($"/v1/campaigns?{range}&limit=1000&tenant_id=t2", keys["admin"]);
        Assert.Equal(asTenant.GetRawText(), narrowed.GetRawText());
        Assert.True(narrowed.GetArrayLength() > 0);
        Assert.Equal((await DataAsync($"/v1/timeseries?entity=tenant&{range}", keys["b-viewer"])).GetRawText(),
            (await DataAsync($"/v1/timeseries?entity=tenant&{range}&tenant_id=t2", keys["admin"])).GetRawText());
        // Without a tenant, the admin's tenant series is every tenant's, summed per day (one query).
        var perTenant = (await DataAsync($"/v1/timeseries?entity=tenant&{range}", keys["a-viewer"])).EnumerateArray()
            .Concat((await DataAsync($"/v1/timeseries?entity=tenant&{range}", keys["b-viewer"])).EnumerateArray())
            .GroupBy(r => r.GetProperty("day").GetString()).ToDictionary(g => g.Key!, g => g.Sum(r => r.GetProperty("sent").GetInt64()));
        var platform = (await DataAsync($"/v1/timeseries?entity=tenant&{range}", keys["admin"])).EnumerateArray()
            .ToDictionary(r => r.GetProperty("day").GetString()!, r => r.GetProperty("sent").GetInt64());
        Assert.Equal(perTenant.OrderBy(e => e.Key), platform.OrderBy(e => e.Key));

        // Anybody else may only name their own tenant; another one does not exist for them.
        var foreign = await SendAsync(HttpMethod.Get, $"/v1/campaigns?{range}&tenant_id=t2", keys["a-viewer"]);
        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Contains("No tenant 't2'", await foreign.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, $"/v1/campaigns?{range}&tenant_id=t1", keys["a-viewer"])).StatusCode);
    }

    [Fact]
    public async Task the_admin_reads_the_audit_log_and_system_events_unresolved_first()
    {
        // Each row where the product writes it (on a cluster: t1's on its shard, t2's on its own).
        await Pipeline.ExecuteForTenantAsync("t1",
            "INSERT INTO admin_audit_logs (admin_user_id, action, resource_type, resource_id, tenant_id, old_values, new_values, creation_time) VALUES "
            + "('ops1', 'api_key.create', 'api_key', 'k1', 't1', NULL, '{\"role\": \"viewer\"}', TIMESTAMPTZ '2026-03-02 10:15:00+00'), "
            + "('ops1', 'api_key.revoke', 'api_key', 'k1', 't1', '{\"revoked\": null}', '{\"revoked\": \"2026-03-03\"}', TIMESTAMPTZ '2026-03-03 10:15:00+00')");
        await Pipeline.ExecuteForTenantAsync("t2",
            "INSERT INTO admin_audit_logs (admin_user_id, action, resource_type, resource_id, tenant_id, creation_time) VALUES "
            + "('ops2', 'anonymize', 'tenant', 't2', 't2', TIMESTAMPTZ '2026-03-04 10:15:00+00')");
        await Pipeline.ExecuteForTenantAsync("t1",
            "INSERT INTO admin_system_events (event_type, severity, message, tenant_id, creation_time, resolved, resolution) VALUES "
            + "('deliverability_alert', 'warning', 'old, handled', 't1', TIMESTAMPTZ '2026-03-05 08:00:00+00', TIMESTAMPTZ '2026-03-05 09:00:00+00', 'paused'), "
            + "('deliverability_alert', 'warning', 'open, older', 't1', TIMESTAMPTZ '2026-03-01 08:00:00+00', NULL, NULL), "
            + "('maintenance', 'info', 'platform', NULL, TIMESTAMPTZ '2026-03-06 08:00:00+00', NULL, NULL)");
        const string range = "from=2026-03-01&to=2026-04-01";

        var audit = await DataAsync($"/v1/admin/audit-logs?{range}", keys["admin"]);
        Assert.Equal(["anonymize", "api_key.revoke", "api_key.create"], audit.EnumerateArray().Select(a => a.GetProperty("action").GetString()));
        Assert.Equal("viewer", audit[2].GetProperty("new_values").GetProperty("role").GetString()); // JSON stays JSON
        Assert.Equal(["api_key.revoke", "api_key.create"], (await DataAsync($"/v1/admin/audit-logs?{range}&tenant_id=t1", keys["admin"])).EnumerateArray().Select(a => a.GetProperty("action").GetString()));
        Assert.Equal(["anonymize"], (await DataAsync($"/v1/admin/audit-logs?{range}&admin_user_id=ops2", keys["admin"])).EnumerateArray().Select(a => a.GetProperty("action").GetString()));
        Assert.Equal(["api_key.revoke"], (await DataAsync($"/v1/admin/audit-logs?{range}&action=api_key.revoke", keys["admin"])).EnumerateArray().Select(a => a.GetProperty("action").GetString()));

        var events = await DataAsync($"/v1/admin/system-events?{range}", keys["admin"]);
        Assert.Equal(["platform", "open, older", "old, handled"], events.EnumerateArray().Select(e => e.GetProperty("message").GetString()));
        Assert.Equal(["open, older", "old, handled"], (await DataAsync($"/v1/admin/system-events?{range}&event_type=deliverability_alert", keys["admin"])).EnumerateArray().Select(e => e.GetProperty("message").GetString()));
        Assert.Equal(["platform"], (await DataAsync($"/v1/admin/system-events?{range}&severity=info", keys["admin"])).EnumerateArray().Select(e => e.GetProperty("message").GetString()));

        foreach (var path in new[] { "/v1/admin/audit-logs", "/v1/admin/system-events" })
        {
            Assert.Equal((path, HttpStatusCode.Forbidden), (path, (await SendAsync(HttpMethod.Get, path, keys["a-viewer"])).StatusCode));
        }
    }

    [Fact]
    public async Task a_keys_first_request_opens_a_session_and_expiry_closes_it()
    {
        var keyId = keys["b-viewer"].Split('_')[1];
        Task<long> SessionsAsync(string state) => Pipeline.ScalarAsync<long>(
            $"SELECT COUNT(*) FROM admin_system_events WHERE event_type = 'session' AND admin_user_id = $1 AND {state}", keyId);

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/v1/campaigns", keys["b-viewer"])).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/v1/mailboxes", keys["b-viewer"])).StatusCode);
        Assert.Equal(1L, await SessionsAsync("is_active"));
        Assert.Equal("t2|127.0.0.1|penguin-tests|1000", await Pipeline.ScalarAsync<string>(
            "SELECT tenant_id || '|' || ip_address || '|' || user_agent || '|' || CAST(expires - started AS TEXT) FROM admin_system_events WHERE event_type = 'session' AND admin_user_id = $1", keyId));

        await Task.Delay(1_100, Ct); // the window (1 s in this server) passes
        Assert.True(await app!.Services.GetRequiredService<SystemEvents>().CloseExpiredSessionsAsync(Ct) >= 1);
        Assert.Equal((0L, 1L), (await SessionsAsync("is_active"), await SessionsAsync("resolution = 'expired'")));

        Assert.Equal(HttpStatusCode.OK, (await SendAsync(HttpMethod.Get, "/v1/campaigns", keys["b-viewer"])).StatusCode);
        Assert.Equal((1L, 2L), (await SessionsAsync("is_active"), await SessionsAsync("TRUE"))); // a new window, a new session
    }

    [Fact]
    public async Task the_admin_resolves_an_alert_once_and_the_resolution_is_audited()
    {
        await Pipeline.ExecuteForTenantAsync("t1", "INSERT INTO admin_system_events (event_type, severity, message, tenant_id) VALUES ('deliverability_alert', 'warning', 'mailbox m1: bounce rate 9.00% is over 5.00%', 't1')");
        var id = await Pipeline.ScalarAsync<long>("SELECT MAX(id) FROM admin_system_events WHERE event_type = 'deliverability_alert'");

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, $"/v1/admin/system-events/{id}/resolve", keys["a-viewer"], "{}", json: true)).StatusCode);
        var resolved = await SendAsync(HttpMethod.Post, $"/v1/admin/system-events/{id}/resolve", keys["admin"], """{"resolution":"paused the mailbox"}""", json: true);
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        var again = await SendAsync(HttpMethod.Post, $"/v1/admin/system-events/{id}/resolve", keys["admin"], "{}", json: true);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already resolved", await again.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Post, "/v1/admin/system-events/999999/resolve", keys["admin"], "{}", json: true)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(HttpMethod.Post, "/v1/admin/system-events/abc/resolve", keys["admin"], "{}", json: true)).StatusCode);

        Assert.Equal("paused the mailbox|false", await Pipeline.ScalarAsync<string>(
            "SELECT resolution || '|' || CASE WHEN is_active THEN 'true' ELSE 'false' END FROM admin_system_events WHERE id = $1 AND resolved IS NOT NULL", id));
        var adminKey = keys["admin"].Split('_')[1];
        Assert.Equal($"key:{adminKey}|t1|127.0.0.1|1", await Pipeline.ScalarAsync<string>(
            "SELECT admin_user_id || '|' || tenant_id || '|' || ip_address || '|' || CAST(affected_rows AS TEXT) FROM admin_audit_logs WHERE action = 'system_event.resolve' AND resource_id = $1",
            id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task the_admin_anonymizes_a_tenant_over_http_once()
    {
        Assert.Equal(0, (await Pipeline.IngestAsync(PipelineFixture.Workload(47, tenants: 2, emails: 300, days: 20))).Rejected);
        await Pipeline.FoldAsync();

        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(HttpMethod.Post, "/v1/admin/tenants/t2/anonymize", keys["b-viewer"], "{}", json: true)).StatusCode);
        var missing = await SendAsync(HttpMethod.Post, "/v1/admin/tenants/t9/anonymize", keys["admin"], "{}", json: true);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("No tenant 't9'", await missing.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        using var first = JsonDocument.Parse(await (await SendAsync(HttpMethod.Post, "/v1/admin/tenants/t2/anonymize", keys["admin"], "{}", json: true)).Content.ReadAsStringAsync(Ct));
        var pseudonym = first.RootElement.GetProperty("pseudonym").GetString()!;
        Assert.Equal("anonymized", first.RootElement.GetProperty("outcome").GetString());
        Assert.StartsWith("anon_", pseudonym, StringComparison.Ordinal);
        using var second = JsonDocument.Parse(await (await SendAsync(HttpMethod.Post, "/v1/admin/tenants/t2/anonymize", keys["admin"], "{}", json: true)).Content.ReadAsStringAsync(Ct));
        Assert.Equal("already_anonymized", second.RootElement.GetProperty("outcome").GetString());

        Assert.Equal(new[] { "t1", pseudonym }.Order(StringComparer.Ordinal), (await DataAsync("/v1/tenants", keys["admin"])).EnumerateArray().Select(t => t.GetProperty("tenant_id").GetString()).Order(StringComparer.Ordinal));
        var adminKey = keys["admin"].Split('_')[1];
        Assert.Equal($"key:{adminKey}|{pseudonym}", await Pipeline.ScalarAsync<string>(
            "SELECT admin_user_id || '|' || resource_id FROM admin_audit_logs WHERE action = 'anonymize_analytics'"));
    }

    [Fact]
    public async Task a_repeated_read_comes_from_memory_until_the_aggregates_change_and_per_scope()
    {
        Assert.Equal(0, (await Pipeline.IngestAsync(PipelineFixture.Workload(49, tenants: 2, emails: 300, days: 20))).Rejected);
        await Pipeline.FoldAsync();
        const string path = "/v1/campaigns?from=2026-01-01&to=2027-01-01&limit=1000";
        long Sent(JsonElement data) => data.EnumerateArray().Sum(r => r.GetProperty("sent").GetInt64());

        var first = await DataAsync(path, keys["a-viewer"]);
        await Pipeline.ExecuteAsync("UPDATE daily_campaign_stats SET sent = sent + 1000 WHERE tenant_id = 't1'"); // behind the pipeline's back
        var cached = await DataAsync(path, keys["a-viewer"]);
        var otherTenant = await DataAsync(path, keys["b-viewer"]);

        Assert.Equal(first.GetRawText(), cached.GetRawText()); // the aggregates did not change (as far as as_of says): from memory
        Assert.All(otherTenant.EnumerateArray(), r => Assert.Equal("t2", r.GetProperty("tenant_id").GetString()));

        // Rebuilding the other tenant moves as_of (as a fold would): within half a second the read is
        // computed afresh and shows what the tables hold.
        await Pipeline.RecomputeAsync(new PenguinMails.Analytics.Aggregation.RecomputeScope("t2", null, null));
        if (OnCluster)
        {
            // Each shard has an as_of of its own: t2's moved, t1's (on the other shard) did not, so
            // t1's read is still the cached one; a recompute on t1's shard (of a day without
            // emails, which leaves the numbers as they are) moves it.
            Assert.NotSame(await Pipeline.DatabaseOfAsync("t1"), await Pipeline.DatabaseOfAsync("t2"));
            await Task.Delay(600, Ct);
            Assert.Equal(first.GetRawText(), (await DataAsync(path, keys["a-viewer"])).GetRawText());
            await Pipeline.RecomputeAsync(new PenguinMails.Analytics.Aggregation.RecomputeScope("t1", new DateOnly(2020, 1, 1), new DateOnly(2020, 1, 2)));
        }
        var expected = await Pipeline.ScalarAsync<long>("SELECT SUM(sent) FROM daily_campaign_stats WHERE tenant_id = 't1' AND day >= DATE '2026-01-01' AND day < DATE '2027-01-01'");
        Assert.NotEqual(Sent(first), expected);
        var fresh = 0L;
        for (var attempt = 0; attempt < 40 && fresh != expected; attempt++)
        {
            await Task.Delay(50, Ct);
            fresh = Sent(await DataAsync(path, keys["a-viewer"]));
        }
        Assert.Equal(expected, fresh);

        await app!.StopAsync(Ct); // every queued audit row written
        Assert.True(await Pipeline.ScalarAsync<long>(
            "SELECT COUNT(*) FROM analytics_access_audit WHERE user_id = $1 AND table_accessed = 'daily_campaign_stats' AND success AND rows_returned = $2",
            keys["a-viewer"].Split('_')[1], first.GetArrayLength()) >= 2); // cached reads are audited too
    }

    private async Task<JsonElement> DataAsync(string path, string key)
    {
        var response = await SendAsync(HttpMethod.Get, path, key);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("data").Clone();
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key, object? body = null, bool gzip = false, bool expectContinue = false, bool json = false)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.UserAgent.ParseAdd("penguin-tests");
        request.Headers.ExpectContinue = expectContinue;
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }
        if (body is not null)
        {
            request.Content = body is byte[] bytes ? new ByteArrayContent(bytes) : new StringContent((string)body, Encoding.UTF8, json ? "application/json" : "application/x-ndjson");
            if (gzip)
            {
                request.Content.Headers.ContentEncoding.Add("gzip");
            }
        }
        return await Http.SendAsync(request, Ct);
    }

    private static byte[] Gzip(string text)
    {
        using var output = new MemoryStream();
        using (var zip = new GZipStream(output, CompressionLevel.Optimal))
        {
            zip.Write(Encoding.UTF8.GetBytes(text));
        }
        return output.ToArray();
    }
}

public sealed class DuckDbApiTests : ApiConformanceTests
{
    protected override StorageEngine Engine => StorageEngine.DuckDb;
}

public sealed class PostgresApiTests : ApiConformanceTests
{
    protected override StorageEngine Engine => StorageEngine.Postgres;
}

/// <summary>
/// Every API test again on PostgreSQL with the query layer's tenant predicates switched off:
/// row-level security alone must keep tenants apart (the second wall holds on its own).
/// </summary>
public sealed class PostgresRowLevelSecurityOnlyApiTests : ApiConformanceTests
{
    protected override StorageEngine Engine => StorageEngine.Postgres;

    protected override bool WithoutQueryLayerFilter => true;
}

/// <summary>
/// Every API test again through <c>serve</c> on a cluster's coordinator (a coordinator and two
/// shards, the shards reached as roles that are no superusers): ingest split by tenant, each
/// tenant's reads on its shard, the admin's across the shards.
/// </summary>
[Collection(Infrastructure.TestCluster.Collection)]
public sealed class ClusterApiConformanceTests : ApiConformanceTests
{
    protected override StorageEngine Engine => StorageEngine.Postgres;

    protected override bool OnCluster => true;
}

/// <summary>The same on the cluster with row-level security on the shards as the only wall.</summary>
[Collection(Infrastructure.TestCluster.Collection)]
public sealed class ClusterRowLevelSecurityOnlyApiTests : ApiConformanceTests
{
    protected override StorageEngine Engine => StorageEngine.Postgres;

    protected override bool WithoutQueryLayerFilter => true;

    protected override bool OnCluster => true;
}
