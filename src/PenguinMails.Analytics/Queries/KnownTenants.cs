using System.Data.Common;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Queries;

/// <summary>
/// Whether a tenant exists (its <c>tenant</c> record was ingested), for the commands that name
/// one: a key, a report or a recompute for a tenant nobody knows is a typo, not an empty result.
/// </summary>
public static class KnownTenants
{
    /// <summary>Throws a clear error naming some known tenants when <paramref name="tenantId"/> is not one.</summary>
    public static async Task RequireAsync(AnalyticsDatabase database, string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await RequireAsync(connection, tenantId, cancellationToken);
    }

    /// <inheritdoc cref="RequireAsync(AnalyticsDatabase, string, CancellationToken)"/>
    public static async Task RequireAsync(DbConnection connection, string tenantId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (await connection.ScalarAsync<long>("SELECT COUNT(*) FROM tenants WHERE id = $1", cancellationToken, tenantId) > 0)
        {
            return;
        }
        var known = new List<string>();
        await using (var command = connection.CreateCommand("SELECT id FROM tenants ORDER BY id LIMIT 6"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                known.Add(reader.GetString(0));
            }
        }
        var hint = known.Count == 0 ? "there are no tenants yet"
            : $"known: {string.Join(", ", known.Take(5))}{(known.Count > 5 ? ", ..." : "")}";
        throw new AnalyticsException(
            $"No tenant '{tenantId}' ({hint}). A tenant exists once its tenant record is ingested: "
            + $"{{\"type\":\"tenant\",\"id\":\"{tenantId}\",\"name\":\"...\"}}");
    }
}
