using Npgsql;

namespace PenguinMails.Analytics.IntegrationTests.Infrastructure;

/// <summary>
/// The local cluster that scripts/test.sh starts with scripts/cluster.sh (a coordinator and two
/// shard servers), named by PENGUIN_TEST_CLUSTER (its coordinator) and PENGUIN_TEST_CLUSTER_DIR
/// (its files, for stop-shard / start-shard). Each test makes a cluster of its own: a new database
/// on the coordinator's server and on each shard's server. As the servers' superuser: the
/// coordinator's user mappings to the shards have no password (README, "Scaling out").
/// </summary>
public static class TestCluster
{
    public const string EnvironmentVariable = "PENGUIN_TEST_CLUSTER";

    /// <summary>The test collection of every class that uses the local cluster: one test at a time (the fault tests stop a shard's server).</summary>
    public const string Collection = "local cluster";

    /// <summary>The coordinator of the cluster scripts/cluster.sh started.</summary>
    public static string Coordinator
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value;
            }
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"{EnvironmentVariable} is not set: CI must run the tests through scripts/test.sh, which starts the cluster.");
            }
            Assert.Skip($"{EnvironmentVariable} is not set: run scripts/test.sh (or scripts/cluster.sh start) to test against a real cluster.");
            return "";
        }
    }

    /// <summary>
    /// A fresh database on the coordinator's server and on each shard server: (coordinator, shards).
    /// With <paramref name="shardOwners"/> each shard's database belongs to, and is reached as, a
    /// role of its own that is no superuser: row-level security applies on the shards as it does
    /// for users (the coordinator, the platform's own, stays the servers' superuser).
    /// </summary>
    public static async Task<(string Coordinator, string[] Shards)> CreateDatabasesAsync(bool shardOwners = false)
    {
        var coordinator = Coordinator;
        var servers = new List<string>();
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(coordinator) { Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT connection_string FROM penguin_topology.shards ORDER BY ordinal", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                servers.Add(reader.GetString(0));
            }
        }
        var id = Guid.NewGuid().ToString("N");
        var name = $"pa_cluster_{id}";
        var created = new List<string>();
        foreach (var server in servers.Prepend(coordinator))
        {
            // Unpooled: the fault test restarts a shard's server, and a pooled connection to it
            // would then fail the next test with 57P01 (terminating connection).
            await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString);
            await connection.OpenAsync();
            var owner = shardOwners && created.Count > 0 ? $"pa_owner_{id}" : null;
            if (owner is not null)
            {
                await using var role = new NpgsqlCommand($"CREATE ROLE {owner} LOGIN CREATEROLE NOSUPERUSER", connection);
                await role.ExecuteNonQueryAsync();
            }
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name} TEMPLATE template0{(owner is null ? "" : $" OWNER {owner}")}", connection);
            await command.ExecuteNonQueryAsync();
            var database = new NpgsqlConnectionStringBuilder(server) { Database = name, Pooling = false };
            if (owner is not null)
            {
                database.Username = owner;
            }
            created.Add(database.ConnectionString);
        }
        return (created[0], [.. created.Skip(1)]);
    }

    /// <summary>Stops (or starts again) shard <paramref name="number"/>'s server, as scripts/cluster.sh stop-shard / start-shard.</summary>
    public static async Task ShardServerAsync(int number, bool running)
    {
        var script = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", "scripts", "cluster.sh"));
        var start = new System.Diagnostics.ProcessStartInfo(script, [running ? "start-shard" : "stop-shard", number.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        using var process = System.Diagnostics.Process.Start(start)!;
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, await process.StandardError.ReadToEndAsync());
    }
}
