using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PenguinMails.Analytics.Aggregation;
using PenguinMails.Analytics.Cluster;
using PenguinMails.Analytics.Generation;
using PenguinMails.Analytics.Ingestion;
using PenguinMails.Analytics.Pools;
using PenguinMails.Analytics.Queries;
using PenguinMails.Analytics.Storage;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.Bench;

/// <summary>
/// Scale-out against one node, in one run on one workload: ingest + fold and the admin's
/// cross-tenant reads on a single PostgreSQL database (<c>--pg</c>'s server) and on a cluster
/// (<c>--cluster</c>: the coordinator of <c>scripts/cluster.sh start</c>, whose servers get fresh
/// databases for the run), as ratios; and each shard's own fold time, which is what N separate
/// machines would take in parallel (here the shards share the machine's two cores).
/// </summary>
internal static class ClusterBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var emails = long.Parse(BenchArgs.Option(args, "--emails") ?? "200000", CultureInfo.InvariantCulture);
        var tenants = int.Parse(BenchArgs.Option(args, "--tenants") ?? "20", CultureInfo.InvariantCulture);
        var repeats = int.Parse(BenchArgs.Option(args, "--repeats") ?? "20", CultureInfo.InvariantCulture);
        var pg = BenchArgs.Option(args, "--pg") ?? throw new ArgumentException("--pg names the single node's server (a connection string)");
        var coordinatorServer = BenchArgs.Option(args, "--cluster") ?? throw new ArgumentException("--cluster names the coordinator of scripts/cluster.sh start");
        var directory = Path.Combine(Path.GetTempPath(), $"penguin-bench-cluster-{Environment.ProcessId}");
        Directory.CreateDirectory(directory);
        var created = new List<string>();
        try
        {
            var file = Path.Combine(directory, "workload.ndjson");
            WorkloadGenerator.Summary summary;
            await using (var output = File.Create(file))
            {
                summary = await new WorkloadGenerator(new WorkloadOptions { Emails = emails, Tenants = tenants, Seed = 42, End = new DateOnly(2026, 11, 1) }).WriteAsync(output);
            }
            Console.WriteLine($"workload: {summary.Lines:N0} lines, {summary.CampaignEmails + summary.WarmupEmails:N0} emails, {tenants} tenants");

            // One node.
            var single = await CreateDatabaseAsync(pg, created);
            await using var node = await AnalyticsDatabase.OpenAsync(DatabaseTarget.Postgres(single));
            await new SchemaMigrator(node).MigrateAsync();
            var clock = Stopwatch.StartNew();
            await using (var input = File.OpenRead(file))
            {
                await new Ingestor(node).IngestAsync(input);
            }
            var nodeIngest = clock.Elapsed;
            clock.Restart();
            await new Aggregator(node).FoldAsync();
            var nodeFold = clock.Elapsed;

            // The cluster: a fresh database on the coordinator's server and on each shard's.
            var shardServers = new List<string>();
            await using (var connection = new NpgsqlConnection(coordinatorServer))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT connection_string FROM penguin_topology.shards ORDER BY ordinal", connection);
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    shardServers.Add(reader.GetString(0));
                }
            }
            var coordinatorDb = await CreateDatabaseAsync(coordinatorServer, created);
            var shardDbs = new List<string>();
            foreach (var server in shardServers)
            {
                shardDbs.Add(await CreateDatabaseAsync(server, created));
            }
            await using var coordinator = await AnalyticsDatabase.OpenAsync(DatabaseTarget.Postgres(coordinatorDb));
            await ClusterSetup.InitAsync(coordinator, shardDbs);
            await using var cluster = (await ClusterTopology.OpenAsync(coordinator))!;
            clock.Restart();
            await using (var input = File.OpenRead(file))
            {
                await new ClusterIngestor(cluster).IngestAsync(input);
            }
            var clusterIngest = clock.Elapsed;
            // The shards fold side by side (as serve's workers do), each timed on its own.
            clock.Restart();
            var perShard = await Task.WhenAll(cluster.Shards.Select(async shard =>
            {
                var own = Stopwatch.StartNew();
                var folded = await new Aggregator(cluster.DatabaseOf(shard)).FoldAsync();
                return (shard.Name, own.Elapsed, folded.EventsRead);
            }));
            var clusterFold = clock.Elapsed;

            Console.WriteLine($"{"",-30} {"one node",10} {"cluster",10} {"cluster ÷ node",15}");
            Row("ingest", nodeIngest, clusterIngest);
            Row("fold (shards side by side)", nodeFold, clusterFold);
            Row("ingest + fold", nodeIngest + nodeFold, clusterIngest + clusterFold);
            foreach (var (name, elapsed, events) in perShard)
            {
                Console.WriteLine($"  {name} alone: fold {elapsed.TotalSeconds:N2} s for {events:N0} events ({events / Math.Max(0.001, elapsed.TotalSeconds):N0} events/s)");
            }
            var slowest = perShard.Max(s => s.Elapsed);
            Console.WriteLine($"  with a machine per shard the fold would take the slowest shard's {slowest.TotalSeconds:N2} s: "
                + $"{perShard.Sum(s => s.EventsRead) / Math.Max(0.001, slowest.TotalSeconds):N0} events/s for the cluster, {nodeFold / slowest:N2}x one node");

            // The admin's reads across tenants: on one node against over every shard (postgres_fdw,
            // aggregation pushed down). Both sides vacuumed and analyzed first (a steady state, no
            // autovacuum of the fresh load running beside one side's reads), then the median of
            // --repeats runs each, after one warm-up, the two sides taking turns.
            foreach (var database in cluster.Shards.Select(cluster.DatabaseOf).Prepend(node))
            {
                await using var connection = await database.OpenCrossTenantConnectionAsync();
                await connection.ExecuteAsync("VACUUM (ANALYZE)", CancellationToken.None);
            }
            using var nodePools = await WorkloadPools.LoadAsync(node);
            using var clusterPools = await WorkloadPools.LoadAsync(cluster.CrossTenant);
            await using var nodeServices = new ServiceCollection().AddPenguinAnalytics(node, nodePools).BuildServiceProvider();
            await using var clusterServices = new ServiceCollection().AddPenguinAnalytics(cluster.CrossTenant, clusterPools).BuildServiceProvider();
            foreach (var report in new[] { Reports.Usage, Reports.Tenants, Reports.AdminActivity })
            {
                var filter = new ReportFilter(new DateOnly(2026, 1, 1), new DateOnly(2027, 1, 1));
                var (nodeTime, clusterTime) = await MediansAsync(nodeServices.GetRequiredService<ScopedQuery>(), clusterServices.GetRequiredService<ScopedQuery>(), report, filter, repeats);
                Row($"report {report.Name} (median)", nodeTime, clusterTime, "ms");
            }
            return 0;
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            foreach (var connectionString in created)
            {
                var builder = new NpgsqlConnectionStringBuilder(connectionString);
                var database = builder.Database;
                builder.Database = "postgres";
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync();
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {database} WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync();
            }
            Directory.Delete(directory, recursive: true);
        }
    }

    private static void Row(string what, TimeSpan node, TimeSpan cluster, string unit = "s") =>
        Console.WriteLine(unit == "s"
            ? $"{what,-30} {node.TotalSeconds,8:N2} s {cluster.TotalSeconds,8:N2} s {cluster / node,14:N2}x"
            : $"{what,-30} {node.TotalMilliseconds,7:N1} ms {cluster.TotalMilliseconds,7:N1} ms {cluster / node,14:N2}x");

    private static async Task<string> CreateDatabaseAsync(string server, List<string> created)
    {
        var name = $"pa_bench_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0", connection);
            await command.ExecuteNonQueryAsync();
        }
        var database = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        created.Add(database);
        return database;
    }

    private static async Task<(TimeSpan Node, TimeSpan Cluster)> MediansAsync(ScopedQuery node, ScopedQuery cluster, Report report, ReportFilter filter, int repeats)
    {
        var page = new Page(1000, 0);
        var times = (Node: new List<TimeSpan>(), Cluster: new List<TimeSpan>());
        for (var i = -1; i < repeats; i++)
        {
            foreach (var (query, into) in new[] { (node, times.Node), (cluster, times.Cluster) })
            {
                var clock = Stopwatch.StartNew();
                await query.ReadAsync(TenantScope.Platform, report, filter, page, PoolTypes.Reports, CancellationToken.None);
                if (i >= 0)
                {
                    into.Add(clock.Elapsed);
                }
            }
        }
        return (times.Node.Order().ElementAt(repeats / 2), times.Cluster.Order().ElementAt(repeats / 2));
    }
}
