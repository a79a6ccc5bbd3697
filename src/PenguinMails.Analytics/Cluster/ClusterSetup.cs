using System.Globalization;
using Npgsql;
using PenguinMails.Analytics.Storage;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.Cluster;

/// <summary>
/// Creates and upgrades a cluster (<c>cluster init</c>, <c>cluster add-shard</c>, and <c>migrate</c>
/// against a coordinator), idempotently: every shard gets the normal migrations, its export views
/// and its identity range; the coordinator gets the normal schema, the topology and, rebuilt in one
/// transaction, the cluster-wide tables over every shard (<c>Cluster/Sql/Postgres</c>).
/// </summary>
public static class ClusterSetup
{
    private const string SqlFolder = "Cluster/Sql";

    /// <summary>What one shard's upgrade did.</summary>
    public sealed record ShardResult(Shard Shard, MigrationResult Migration);

    /// <summary>
    /// Makes <paramref name="coordinator"/> the coordinator of the shards in <paramref name="shardTargets"/>
    /// (added to those it already has) and brings every part up to date.
    /// </summary>
    public static async Task<IReadOnlyList<ShardResult>> InitAsync(AnalyticsDatabase coordinator, IReadOnlyList<string> shardTargets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coordinator);
        ArgumentNullException.ThrowIfNull(shardTargets);
        if (coordinator.Engine != StorageEngine.Postgres)
        {
            throw new AnalyticsException("A cluster runs on PostgreSQL: --db must name the coordinator's PostgreSQL database.");
        }
        await new SchemaMigrator(coordinator).MigrateAsync(cancellationToken);
        await using (var connection = await coordinator.OpenConnectionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(coordinator.Sql.Get(SqlFolder, "topology.sql"), cancellationToken);
            foreach (var target in shardTargets)
            {
                await RegisterAsync(connection, coordinator, target, cancellationToken);
            }
        }
        return await UpgradeAsync(coordinator, cancellationToken);
    }

    /// <summary>Brings every shard and the coordinator to the current schema and rebuilds the cluster-wide tables.</summary>
    public static async Task<IReadOnlyList<ShardResult>> UpgradeAsync(AnalyticsDatabase coordinator, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(coordinator);
        await new SchemaMigrator(coordinator).MigrateAsync(cancellationToken);
        if (await ClusterTopology.IsCoordinatorAsync(coordinator, cancellationToken))
        {
            // The topology's own tables, idempotent: a coordinator made by an older version gets the new ones.
            await using var connection = await coordinator.OpenConnectionAsync(cancellationToken);
            await connection.ExecuteAsync(coordinator.Sql.Get(SqlFolder, "topology.sql"), cancellationToken);
        }
        await using var cluster = await ClusterTopology.OpenAsync(coordinator, cancellationToken)
            ?? throw new AnalyticsException($"{coordinator.Target.Display} is not a cluster coordinator (run cluster init first).");
        if (cluster.Shards.Count == 0)
        {
            throw new AnalyticsException("The cluster has no shard: cluster init needs at least one --shard.");
        }
        var results = new List<ShardResult>();
        foreach (var shard in cluster.Shards)
        {
            var database = cluster.DatabaseOf(shard);
            var migration = await new SchemaMigrator(database).MigrateAsync(cancellationToken);
            await using var connection = await database.OpenConnectionAsync(cancellationToken);
            var script = database.Sql.Get(SqlFolder, "shard_export.sql")
                .Replace("{shard}", shard.Name, StringComparison.Ordinal)
                .Replace("{ordinal}", shard.Ordinal.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
            await connection.ExecuteAsync(script, cancellationToken);
            results.Add(new ShardResult(shard, migration));
        }
        await using (var connection = await coordinator.OpenConnectionAsync(cancellationToken))
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            await connection.ExecuteAsync(coordinator.Sql.Get(SqlFolder, "cross_tenant_view.sql"), cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        return results;
    }

    // A shard is known by its server and database; registering it again keeps its name and ordinal.
    private static async Task RegisterAsync(System.Data.Common.DbConnection connection, AnalyticsDatabase coordinator, string value, CancellationToken cancellationToken)
    {
        var target = DatabaseTarget.Parse(value);
        if (target.Engine != StorageEngine.Postgres)
        {
            throw new AnalyticsException($"A shard is a PostgreSQL database: '{value}' is not a connection string or postgresql:// URI.");
        }
        var builder = new NpgsqlConnectionStringBuilder(target.ConnectionString);
        var coordinatorBuilder = new NpgsqlConnectionStringBuilder(coordinator.Target.ConnectionString);
        if (string.Equals(builder.Host, coordinatorBuilder.Host, StringComparison.OrdinalIgnoreCase) && builder.Port == coordinatorBuilder.Port && builder.Database == coordinatorBuilder.Database)
        {
            throw new AnalyticsException($"The shard {target.Display} is the coordinator itself: a shard is another database.");
        }
        // Reachable and a PostgreSQL database before it is written down.
        await using (var probe = await AnalyticsDatabase.OpenAsync(target, cancellationToken))
        {
        }
        await connection.ExecuteAsync(
            """
            INSERT INTO penguin_topology.shards (name, ordinal, host, port, dbname, username, password, connection_string)
            SELECT 'shard' || n, n, $1, $2, $3, $4, $5, $6
            FROM (SELECT COALESCE(MAX(ordinal), 0) + 1 AS n FROM penguin_topology.shards) next
            ON CONFLICT (host, port, dbname) DO UPDATE SET username = EXCLUDED.username, password = EXCLUDED.password, connection_string = EXCLUDED.connection_string
            """,
            cancellationToken,
            builder.Host, builder.Port, builder.Database ?? builder.Username ?? "postgres", builder.Username ?? Environment.UserName, builder.Password, target.ConnectionString);
    }
}
