using System.Text.Json;
using Npgsql;
using PenguinMails.Analytics.Cluster;
using PenguinMails.Analytics.Generation;
using PenguinMails.Analytics.IntegrationTests.Infrastructure;
using PenguinMails.Analytics.IntegrationTests.Pipeline;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.IntegrationTests.Cluster;

/// <summary>
/// Scale-out on a real local cluster (scripts/cluster.sh: a coordinator and two shard servers):
/// the CLI against the coordinator gives exactly the numbers of one node, tenants spread over the
/// shards, cross-tenant reads aggregate on the shards, nothing is written through the coordinator,
/// and a shard that is down stops only its own tenants. In the cluster collection: the fault test
/// stops a server that the other tests use, and a collection's tests run one after the other.
/// </summary>
[Collection(TestCluster.Collection)]
public sealed class ClusterTests : IDisposable
{
    // The test's own files (workloads, tenant lines, exports), deleted after it.
    private readonly string folder = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "penguin-analytics-tests", $"cluster-{Guid.NewGuid():N}")).FullName;

    public void Dispose() => Directory.Delete(folder, recursive: true);

    [Fact]
    public async Task The_pipeline_on_two_shards_gives_every_number_of_a_single_node()
    {
        var (coordinator, shards) = await TestCluster.CreateDatabasesAsync();
        var file = await WorkloadAsync(tenants: 5, emails: 4000, seed: 11);
        var init = await InitAsync(coordinator, shards);
        Assert.Contains("2 shard(s)", init.Stdout, StringComparison.Ordinal);

        var ingest = await CliProcess.RunAsync("ingest", file, "--db", coordinator);
        Assert.True(ingest.ExitCode == 0, ingest.Stderr);
        var aggregate = await CliProcess.RunAsync("aggregate", "--db", coordinator);
        Assert.True(aggregate.ExitCode == 0, aggregate.Stderr);

        // Tenants on both shards: 5 new tenants alternate between the two (fewest tenants first).
        var status = await CliProcess.RunAsync("cluster", "status", "--format", "json", "--db", coordinator);
        Assert.True(status.ExitCode == 0, status.Stderr);
        using var json = JsonDocument.Parse(status.Stdout);
        var listed = json.RootElement.GetProperty("shards").EnumerateArray().ToList();
        Assert.Equal(["shard1", "shard2"], listed.Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(["t1", "t3", "t5"], listed[0].GetProperty("tenants").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["t2", "t4"], listed[1].GetProperty("tenants").EnumerateArray().Select(t => t.GetString()));
        Assert.All(listed, s => Assert.True(s.GetProperty("reachable").GetBoolean()));
        Assert.All(listed, s => Assert.Equal(0, s.GetProperty("queue_depth").GetInt64()));
        Assert.DoesNotContain("Password", status.Stdout, StringComparison.OrdinalIgnoreCase);

        // The oracle: the same file on one node.
        var single = await SingleNodeAsync(file);
        try
        {
            await AssertSameNumbersAsync(single, coordinator, "the cluster");

            // Each shard holds only its own tenants' rows.
            await using var shard2 = await AnalyticsDatabase.OpenAsync(DatabaseTarget.Postgres(shards[1]), TestContext.Current.CancellationToken);
            await using var connection = await shard2.OpenCrossTenantConnectionAsync(TestContext.Current.CancellationToken);
            Assert.Equal("t2,t4", await connection.ScalarAsync<string>("SELECT string_agg(DISTINCT tenant_id, ',' ORDER BY tenant_id) FROM billing_analytics", TestContext.Current.CancellationToken));

            // Reports: a tenant's on its shard, the platform's over every shard.
            var report = await CliProcess.RunAsync("report", "campaigns", "--tenant", "t4", "--from", "2026-01-01", "--to", "2027-01-01", "--format", "json", "--db", coordinator);
            Assert.True(report.ExitCode == 0, report.Stderr);
            var singleReport = await CliProcess.RunAsync("report", "campaigns", "--tenant", "t4", "--from", "2026-01-01", "--to", "2027-01-01", "--format", "json", "--db", single);
            Assert.Equal(singleReport.Stdout, report.Stdout);
            var usage = await CliProcess.RunAsync("report", "usage", "--format", "csv", "--from", "2026-01-01", "--to", "2027-01-01", "--db", coordinator);
            var singleUsage = await CliProcess.RunAsync("report", "usage", "--format", "csv", "--from", "2026-01-01", "--to", "2027-01-01", "--db", single);
            Assert.True(usage.ExitCode == 0, usage.Stderr);
            Assert.Equal(singleUsage.Stdout, usage.Stdout);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(single);
        }

        // Idempotent: init again changes nothing, migrate upgrades every part.
        var again = await InitAsync(coordinator, shards);
        Assert.Contains("2 shard(s)", again.Stdout, StringComparison.Ordinal);
        var migrate = await CliProcess.RunAsync("migrate", "--db", coordinator);
        Assert.True(migrate.ExitCode == 0, migrate.Stderr);
        Assert.Contains("shard2", migrate.Stdout, StringComparison.Ordinal);
        var sql = await CliProcess.RunAsync("sql", "SELECT COUNT(*) AS n FROM emails WHERE NOT is_warmup", "--format", "csv", "--db", coordinator);
        Assert.True(sql.ExitCode == 0, sql.Stderr);
        Assert.Equal(["n", "4000"], sql.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task A_cross_tenant_aggregate_runs_on_the_shards_nothing_is_written_through_the_coordinator_and_limits_and_maintenance_reach_the_shards()
    {
        var (coordinator, shards) = await TestCluster.CreateDatabasesAsync();
        await using var database = await AnalyticsDatabase.OpenAsync(DatabaseTarget.Postgres(coordinator), TestContext.Current.CancellationToken);
        await ClusterSetup.InitAsync(database, shards, TestContext.Current.CancellationToken);
        await using var cluster = (await ClusterTopology.OpenAsync(database, TestContext.Current.CancellationToken))!;
        await using var connection = await cluster.CrossTenant.OpenCrossTenantConnectionAsync(TestContext.Current.CancellationToken);

        var plan = new List<string>();
        await using (var command = connection.CreateCommand("EXPLAIN VERBOSE SELECT tenant_id, SUM(emails_sent) FROM billing_analytics GROUP BY shard, tenant_id"))
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
        {
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                plan.Add(reader.GetString(0));
            }
        }
        // One remote GROUP BY per shard, read side by side.
        Assert.Equal(2, plan.Count(l => l.Contains("Remote SQL: SELECT tenant_id, sum(emails_sent), shard FROM penguin_export.billing_analytics GROUP BY", StringComparison.Ordinal)));
        Assert.Equal(2, plan.Count(l => l.Contains("Async Foreign Scan", StringComparison.Ordinal)));

        // A session of tenant t1 writing a row of tenant t2 through the coordinator: refused, as
        // every write through it is (the shards' tables are read-only foreign tables there).
        await using var tenant = new NpgsqlConnection(coordinator);
        await tenant.OpenAsync(TestContext.Current.CancellationToken);
        await using var write = new NpgsqlCommand(
            "SET search_path = penguin_cluster, public; SET app.current_tenant_id = 't1'; "
            + "INSERT INTO billing_analytics (shard, tenant_id, period_start, period_end) VALUES ('shard2', 't2', now(), now())", tenant);
        var refused = await Assert.ThrowsAsync<PostgresException>(() => write.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
        Assert.Contains("does not allow inserts", refused.MessageText, StringComparison.Ordinal);

        // A tenant's rate limit is kept on its shard, where its requests are counted; the list reads every shard's.
        var ingest = await CliProcess.RunAsync("ingest", await TenantLinesAsync(2), "--db", coordinator);
        Assert.True(ingest.ExitCode == 0, ingest.Stderr);
        var set = await CliProcess.RunAsync("limits", "set", "--tenant", "t2", "--query-type", "dashboard", "--max", "7", "--db", coordinator);
        Assert.True(set.ExitCode == 0, set.Stderr);
        await using (var shard2 = await AnalyticsDatabase.OpenAsync(DatabaseTarget.Postgres(shards[1]), TestContext.Current.CancellationToken))
        await using (var onShard = await shard2.OpenCrossTenantConnectionAsync(TestContext.Current.CancellationToken))
        {
            Assert.Equal("t2 dashboard 7", await onShard.ScalarAsync<string>(
                "SELECT string_agg(tenant_id || ' ' || query_type || ' ' || max_queries, ',') FROM analytics_rate_limits WHERE tenant_id = 't2'", TestContext.Current.CancellationToken));
        }
        var limits = await CliProcess.RunAsync("limits", "list", "--db", coordinator);
        Assert.True(limits.ExitCode == 0, limits.Stderr);
        Assert.Contains("│ t2 ", limits.Stdout, StringComparison.Ordinal);
        // Maintenance runs on every shard.
        var maintain = await CliProcess.RunAsync("maintain", "--db", coordinator);
        Assert.True(maintain.ExitCode == 0, maintain.Stderr);
        Assert.Equal(["shard1", "shard2"], maintain.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(':')[0]));
    }

    [Fact]
    public async Task A_stopped_shard_fails_only_its_tenants_and_catches_up_after_it_is_back()
    {
        var (coordinator, shards) = await TestCluster.CreateDatabasesAsync();
        var file = await WorkloadAsync(tenants: 4, emails: 2000, seed: 5);
        var init = await InitAsync(coordinator, shards);
        // Place the tenants first (t1, t3 on shard1; t2, t4 on shard2) with their tenant lines.
        var tenantLines = Path.Combine(folder, $"tenants-{Guid.NewGuid():N}.ndjson");
        await File.WriteAllLinesAsync(tenantLines, File.ReadLines(file).Where(l => l.StartsWith("{\"type\":\"tenant\"", StringComparison.Ordinal)), TestContext.Current.CancellationToken);
        Assert.Equal(0, (await CliProcess.RunAsync("ingest", tenantLines, "--db", coordinator)).ExitCode);

        await TestCluster.ShardServerAsync(2, running: false);
        try
        {
            var ingest = await CliProcess.RunAsync("ingest", file, "--db", coordinator);
            Assert.Equal(1, ingest.ExitCode);
            Assert.Contains("shard shard2", ingest.Stderr, StringComparison.Ordinal);
            Assert.Contains("tenant(s) t2, t4 were not accepted", ingest.Stderr, StringComparison.Ordinal);
            // Lines whose parents are looked up over the shards: shard1 answers for t1's, and a line
            // whose parent could be on the shard that is down is refused for now, not rejected.
            var lookups = Path.Combine(folder, "lookups.ndjson");
            await File.WriteAllLinesAsync(lookups, [FirstSent(file, "t1"), FirstSent(file, "t2")], TestContext.Current.CancellationToken);
            var looked = await CliProcess.RunAsync("ingest", lookups, "--db", coordinator);
            Assert.Equal(1, looked.ExitCode);
            Assert.Contains("rejected 0", looked.Stdout, StringComparison.Ordinal);
            Assert.Contains("shard shard2", looked.Stderr, StringComparison.Ordinal);
            Assert.Contains(": 1 lines whose tenant could not be looked up were not accepted", looked.Stderr, StringComparison.Ordinal);

            var status = await CliProcess.RunAsync("cluster", "status", "--db", coordinator);
            Assert.Equal(1, status.ExitCode);
            Assert.Contains("shard2", status.Stdout.Split('\n').Single(l => l.Contains("UNREACHABLE", StringComparison.Ordinal)), StringComparison.Ordinal);
            // shard1's tenants were accepted and are read as usual.
            var aggregateOne = await CliProcess.RunAsync("aggregate", "--tenant", "t1", "--recompute", "--db", coordinator);
            Assert.True(aggregateOne.ExitCode == 0, aggregateOne.Stderr);
            var report = await CliProcess.RunAsync("report", "campaigns", "--tenant", "t3", "--from", "2026-01-01", "--to", "2027-01-01", "--format", "csv", "--db", coordinator);
            Assert.True(report.ExitCode == 0, report.Stderr);
            Assert.Contains(",t3,", report.Stdout, StringComparison.Ordinal);
            var down = await CliProcess.RunAsync("report", "campaigns", "--tenant", "t2", "--db", coordinator);
            Assert.Equal(1, down.ExitCode);
            Assert.Contains("127.0.0.1", down.Stderr, StringComparison.Ordinal);
        }
        finally
        {
            await TestCluster.ShardServerAsync(2, running: true);
        }

        // Back: the same input again (event ids make it idempotent), then every number is right.
        Assert.Equal(0, (await CliProcess.RunAsync("ingest", file, "--db", coordinator)).ExitCode);
        Assert.Equal(0, (await CliProcess.RunAsync("aggregate", "--db", coordinator)).ExitCode);
        var single = await SingleNodeAsync(file);
        try
        {
            await AssertSameNumbersAsync(single, coordinator, "the cluster after the shard came back");
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(single);
        }
    }

    [Fact]
    public async Task Move_tenant_keeps_every_number_and_a_move_killed_anywhere_ends_right_when_run_again()
    {
        var (coordinator, shards, file) = await IngestedClusterAsync(tenants: 4, emails: 3000, seed: 8);
        var single = await SingleNodeAsync(file);
        try
        {
            // t1: shard1 -> shard2, in one run.
            var move = await CliProcess.RunAsync("cluster", "move-tenant", "t1", "--to", "shard2", "--db", coordinator);
            Assert.True(move.ExitCode == 0, move.Stderr);
            Assert.StartsWith("moved tenant t1 from shard1 to shard2: ", move.Stdout, StringComparison.Ordinal);
            Assert.Equal([["t3"], ["t1", "t2", "t4"]], await TenantsPerShardAsync(coordinator));
            await AssertSameNumbersAsync(single, coordinator, "the cluster after t1 moved");
            Assert.Equal("t3", await ShardTenantsAsync(shards[0]));
            var again = await CliProcess.RunAsync("cluster", "move-tenant", "t1", "--to", "shard2", "--db", coordinator);
            Assert.Equal("tenant t1 is on shard2 already", again.Stdout.Trim());

            // t3: shard1 -> shard2, killed (SIGKILL) at points spread over the whole move, then run
            // to its end. After every kill, reads across tenants still count every tenant once.
            var random = new Random();
            foreach (var point in new[] { 0.15, 0.35, 0.55, 0.75, 0.9 })
            {
                var after = TimeSpan.FromMilliseconds((point * 3500) + random.Next(0, 300));
                var killed = await CliProcess.RunAndKillAsync(after, "cluster", "move-tenant", "t3", "--to", "shard2", "--db", coordinator);
                await AssertSameNumbersAsync(single, coordinator, $"the cluster after a move killed at {after.TotalMilliseconds:0} ms (killed: {killed})");
            }
            var finish = await CliProcess.RunAsync("cluster", "move-tenant", "t3", "--to", "shard2", "--db", coordinator);
            Assert.True(finish.ExitCode == 0, finish.Stderr);
            Assert.Equal([[], ["t1", "t2", "t3", "t4"]], await TenantsPerShardAsync(coordinator));
            await AssertSameNumbersAsync(single, coordinator, "the cluster after t3's killed moves were finished");
            Assert.Null(await ShardTenantsAsync(shards[0]));

            // The moved tenants read and fold on their new shard as any other.
            var report = await CliProcess.RunAsync("report", "campaigns", "--tenant", "t3", "--from", "2026-01-01", "--to", "2027-01-01", "--format", "json", "--db", coordinator);
            var singleReport = await CliProcess.RunAsync("report", "campaigns", "--tenant", "t3", "--from", "2026-01-01", "--to", "2027-01-01", "--format", "json", "--db", single);
            Assert.Equal(singleReport.Stdout, report.Stdout);
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(single);
        }
    }

    [Fact]
    public async Task Export_and_anonymize_run_on_the_tenants_shard_and_the_coordinator_follows_the_new_id()
    {
        var (coordinator, shards, file) = await IngestedClusterAsync(tenants: 3, emails: 1500, seed: 9);
        var environment = new Dictionary<string, string?>
        {
            [PenguinMails.Analytics.Compliance.PseudonymKey.EnvironmentVariable] = Convert.ToBase64String([.. Enumerable.Repeat((byte)3, 32)]),
            [PenguinMails.Analytics.Exports.ExportCipher.EnvironmentVariable] = Convert.ToBase64String([.. Enumerable.Repeat((byte)5, 32)]),
            [PenguinMails.Analytics.Exports.ExportOptions.DirectoryVariable] = Path.Combine(folder, "exports"),
        };
        var single = await SingleNodeAsync(file);
        try
        {
            // An export of t2 (shard2): the rows one node exports, and listed, approved and read by id.
            var exported = new List<string[]>();
            var ids = new List<string>();
            foreach (var db in new[] { coordinator, single })
            {
                var output = Path.Combine(folder, $"{exported.Count}.csv");
                var created = await CliProcess.RunAsync(environment, "export", "create", "--tenant", "t2", "--report", "campaigns", "--format", "csv", "--from", "2026-01-01", "--out", output, "--db", db);
                Assert.True(created.ExitCode == 0, created.Stderr);
                exported.Add([.. (await File.ReadAllLinesAsync(output, TestContext.Current.CancellationToken)).Skip(1)]);
                ids.Add(created.Stdout.Split(' ')[1]); // "export {id} ready: ..."
            }
            Assert.True(exported[1].Length > 1, "one node exports t2's campaigns");
            Assert.Equal(exported[1], exported[0]);
            var list = await CliProcess.RunAsync(environment, "export", "list", "--db", coordinator);
            Assert.True(list.ExitCode == 0, list.Stderr);
            Assert.Contains("│ t2 ", list.Stdout, StringComparison.Ordinal); // read over every shard
            var id = ids[0];
            var again = Path.Combine(folder, "again.csv");
            var download = await CliProcess.RunAsync(environment, "export", "download", id, "--out", again, "--db", coordinator);
            Assert.True(download.ExitCode == 0, download.Stderr);
            Assert.Equal(exported[0], (await File.ReadAllLinesAsync(again, TestContext.Current.CancellationToken)).Skip(1));

            // t2 anonymized: on its shard, and its placement (and keys) follow its pseudonym.
            var key = await CliProcess.RunAsync("keys", "create", "--tenant", "t2", "--role", "viewer", "--db", coordinator);
            Assert.True(key.ExitCode == 0, key.Stderr);
            var anonymized = await CliProcess.RunAsync(environment, "anonymize", "--tenant", "t2", "--db", coordinator);
            Assert.True(anonymized.ExitCode == 0, anonymized.Stderr);
            var pseudonym = anonymized.Stdout.Split(' ')[3].TrimEnd(':');
            Assert.StartsWith("tenant anonymized as ", anonymized.Stdout, StringComparison.Ordinal);
            Assert.Equal([["t1", "t3"], [pseudonym]], await TenantsPerShardAsync(coordinator));
            Assert.Equal(pseudonym, await ShardTenantsAsync(shards[1]));
            await using (var database = await AnalyticsDatabase.OpenAsync(DatabaseTarget.Postgres(coordinator), TestContext.Current.CancellationToken))
            await using (var connection = await database.OpenCrossTenantConnectionAsync(TestContext.Current.CancellationToken))
            {
                Assert.Equal(pseudonym, await connection.ScalarAsync<string>("SELECT string_agg(tenant_id, ',') FROM api_keys", TestContext.Current.CancellationToken));
            }
            var report = await CliProcess.RunAsync("report", "campaigns", "--tenant", pseudonym, "--from", "2026-01-01", "--to", "2027-01-01", "--format", "csv", "--db", coordinator);
            Assert.True(report.ExitCode == 0, report.Stderr);
            Assert.Equal(exported[1].Length - 1, report.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);
            var twice = await CliProcess.RunAsync(environment, "anonymize", "--tenant", "t2", "--db", coordinator);
            Assert.Equal($"tenant already anonymized as {pseudonym}; nothing changed", twice.Stdout.Trim());
        }
        finally
        {
            await TestPostgres.DropDatabaseAsync(single);
        }
    }

    // `cluster status --format json`: each shard's tenants.
    private static async Task<string[][]> TenantsPerShardAsync(string coordinator)
    {
        var status = await CliProcess.RunAsync("cluster", "status", "--format", "json", "--db", coordinator);
        Assert.True(status.ExitCode == 0, status.Stderr);
        using var json = JsonDocument.Parse(status.Stdout);
        return [.. json.RootElement.GetProperty("shards").EnumerateArray().Select(s => s.GetProperty("tenants").EnumerateArray().Select(t => t.GetString()!).ToArray())];
    }

    // The tenants whose rows a shard's raw store and billing hold (null: none).
    private static async Task<string?> ShardTenantsAsync(string shard)
    {
        await using var database = await AnalyticsDatabase.OpenAsync(DatabaseTarget.Postgres(shard), TestContext.Current.CancellationToken);
        await using var connection = await database.OpenCrossTenantConnectionAsync(TestContext.Current.CancellationToken);
        return await connection.ScalarAsync<string>(
            "SELECT string_agg(DISTINCT tenant_id, ',' ORDER BY tenant_id) FROM (SELECT tenant_id FROM billing_analytics UNION ALL SELECT t.id FROM emails e JOIN tenants t ON t.tenant_key = e.tenant_key UNION ALL SELECT id FROM tenants) x",
            TestContext.Current.CancellationToken);
    }

    // A file of tenant lines t1..tN (each placed on a shard when ingested).
    private async Task<string> TenantLinesAsync(int tenants)
    {
        var file = Path.Combine(folder, $"tenants-{Guid.NewGuid():N}.ndjson");
        await File.WriteAllLinesAsync(file, Enumerable.Range(1, tenants).Select(i => $$"""{"type":"tenant","id":"t{{i}}","name":"Tenant {{i}}","billing_cycle_day":1}"""), TestContext.Current.CancellationToken);
        return file;
    }

    // The first email.sent of a tenant's campaigns in a workload file (sent again: its event id makes it a no-op).
    private static string FirstSent(string file, string tenant) =>
        File.ReadLines(file).First(l => l.StartsWith("{\"type\":\"email.sent\"", StringComparison.Ordinal) && l.Contains($"\"campaign_id\":\"{tenant}-", StringComparison.Ordinal));

    // A new cluster with a workload of its own ingested and folded through the coordinator.
    private async Task<(string Coordinator, string[] Shards, string File)> IngestedClusterAsync(int tenants, int emails, int seed)
    {
        var (coordinator, shards) = await TestCluster.CreateDatabasesAsync();
        var file = await WorkloadAsync(tenants, emails, seed);
        await InitAsync(coordinator, shards);
        Assert.Equal(0, (await CliProcess.RunAsync("ingest", file, "--db", coordinator)).ExitCode);
        Assert.Equal(0, (await CliProcess.RunAsync("aggregate", "--db", coordinator)).ExitCode);
        return (coordinator, shards, file);
    }

    // `cluster init` through the CLI, as an operator runs it.
    private static async Task<CliProcess.Result> InitAsync(string coordinator, string[] shards)
    {
        var init = await CliProcess.RunAsync(["cluster", "init", "--db", coordinator, .. shards.SelectMany(s => new[] { "--shard", s })]);
        Assert.True(init.ExitCode == 0, init.Stderr);
        return init;
    }

    // The oracle: the same file ingested and folded on one node (a database the caller drops).
    private static async Task<string> SingleNodeAsync(string file)
    {
        var single = await TestPostgres.CreateDatabaseAsync();
        Assert.Equal(0, (await CliProcess.RunAsync("migrate", "--db", single)).ExitCode);
        Assert.Equal(0, (await CliProcess.RunAsync("ingest", file, "--db", single)).ExitCode);
        Assert.Equal(0, (await CliProcess.RunAsync("aggregate", "--db", single)).ExitCode);
        return single;
    }

    // Every analytics table, row for row. The coordinator joins analytics rows to billing periods
    // across shards: right only because billing ids are unique cluster-wide.
    private static async Task AssertSameNumbersAsync(string single, string coordinator, string what)
    {
        await using var one = await AnalyticsDatabase.OpenAsync(DatabaseTarget.Postgres(single), TestContext.Current.CancellationToken);
        await using var coordinatorDatabase = await AnalyticsDatabase.OpenAsync(DatabaseTarget.Postgres(coordinator), TestContext.Current.CancellationToken);
        await using var cluster = (await ClusterTopology.OpenAsync(coordinatorDatabase, TestContext.Current.CancellationToken))!;
        var expected = await AnalyticsSnapshot.Full(one);
        Assert.True(expected["campaign_analytics"].Count > 5, "the workload has campaigns");
        AnalyticsSnapshot.AssertEqual(expected, await AnalyticsSnapshot.Full(cluster.CrossTenant), what);
    }

    private async Task<string> WorkloadAsync(int tenants, int emails, int seed)
    {
        var file = Path.Combine(folder, $"workload-{Guid.NewGuid():N}.ndjson");
        await using var output = File.Create(file);
        await new WorkloadGenerator(new WorkloadOptions { Emails = emails, Tenants = tenants, Seed = seed, End = new DateOnly(2026, 11, 1), EmailsPerCampaign = 400 }).WriteAsync(output);
        return file;
    }
}
