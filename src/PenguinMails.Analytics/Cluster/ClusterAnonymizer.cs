using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Compliance;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Cluster;

/// <summary>
/// GDPR anonymization on a cluster: the <see cref="Anonymizer"/> of one node on the tenant's
/// shard, then (a whole tenant) the coordinator's rows about it renamed to its pseudonym — its
/// placement first among them, so that the pseudonym routes where the data is. Run again after a
/// failure between the two, it finds the shard done and finishes the coordinator.
/// </summary>
public sealed class ClusterAnonymizer(ClusterTopology cluster, PseudonymKey key)
{
    private const string SqlFolder = "Cluster/Sql";

    /// <summary>As <see cref="Anonymizer.AnonymizeAsync"/>, on the shard that holds the tenant.</summary>
    public async Task<Anonymizer.Result> AnonymizeAsync(string tenantId, string? leadId, AdminActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentNullException.ThrowIfNull(key);
        var pseudonym = key.Pseudonym("tenant", tenantId);
        var placements = await cluster.PlacementsAsync(cancellationToken);
        var shard = placements.GetValueOrDefault(tenantId) ?? placements.GetValueOrDefault(pseudonym)
            ?? throw new AnalyticsException($"No tenant '{tenantId}'.");
        if ((await TenantMover.CopyingAsync(cluster, cancellationToken)).Contains(tenantId))
        {
            throw new AnalyticsException($"Tenant {tenantId} is being moved to another shard: anonymize it once the move has finished.");
        }
        var result = await new Anonymizer(cluster.DatabaseOf(shard), key).AnonymizeAsync(tenantId, leadId, actor, cancellationToken);
        if (leadId is null && placements.ContainsKey(tenantId))
        {
            await using var connection = await cluster.Coordinator.OpenCrossTenantConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var statement in cluster.Coordinator.Sql.Statements(SqlFolder, "rename_tenant.sql"))
            {
                await connection.ExecuteAsync(statement, cancellationToken, tenantId, pseudonym);
            }
            await transaction.CommitAsync(cancellationToken);
        }
        return result;
    }
}
