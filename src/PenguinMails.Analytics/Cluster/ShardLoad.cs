using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Cluster;

/// <summary>What one shard holds and has still to do, read on the shard itself (not through the coordinator).</summary>
public sealed class ShardLoad
{
    private ShardLoad(Shard shard, int tenants, long emails, long queueDepth)
    {
        Shard = shard;
        Tenants = tenants;
        Emails = emails;
        QueueDepth = queueDepth;
    }

    /// <summary>The shard.</summary>
    public Shard Shard { get; }

    /// <summary>Tenants placed on it (counted up while placing).</summary>
    public int Tenants { get; internal set; }

    /// <summary>Its raw emails.</summary>
    public long Emails { get; }

    /// <summary>Its unfinished jobs (queued or running).</summary>
    public long QueueDepth { get; }

    /// <summary>
    /// The shard's load with the <paramref name="tenants"/> placed on it (the caller has the
    /// placements already), or null when its server cannot be reached.
    /// </summary>
    public static async Task<ShardLoad?> TryMeasureAsync(ClusterTopology cluster, Shard shard, int tenants, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(shard);
        try
        {
            var database = cluster.DatabaseOf(shard);
            await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
            var emails = await connection.ScalarAsync<long>("SELECT COUNT(*) FROM emails", cancellationToken);
            var queue = await connection.ScalarAsync<long>(database.Sql.Get("Jobs/Sql", "outstanding.sql"), cancellationToken);
            return new ShardLoad(shard, tenants, emails, queue);
        }
        catch (AnalyticsException)
        {
            return null;
        }
    }
}
