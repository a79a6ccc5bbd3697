using System.Globalization;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Security;

/// <summary>
/// A tenant's rate limits in <c>analytics_rate_limits</c>: one active row per tenant, query type
/// and window. A change is an administrative action: its old and new values go to
/// <c>admin_audit_logs</c> in the same transaction.
/// </summary>
public sealed class RateLimitSettings(AnalyticsDatabase database)
{
    /// <summary>One limit: at most <paramref name="MaxQueries"/> of a query type per window.</summary>
    public sealed record RateLimit(string TenantId, string QueryType, int MaxQueries, int WindowSeconds, bool IsActive);

    /// <summary>The query types the API limits (the access audit's CHECK).</summary>
    public static IReadOnlyList<string> QueryTypes { get; } = ["dashboard", "report", "export", "api"];

    public async Task<IReadOnlyList<RateLimit>> ListAsync(string? tenantId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand(
            "SELECT tenant_id, query_type, max_queries, COALESCE(time_window_seconds, 3600), COALESCE(is_active, TRUE) FROM analytics_rate_limits "
            + "WHERE CAST($1 AS TEXT) IS NULL OR tenant_id = CAST($1 AS TEXT) ORDER BY tenant_id, query_type, time_window_seconds", tenantId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var limits = new List<RateLimit>();
        while (await reader.ReadAsync(cancellationToken))
        {
            limits.Add(new RateLimit(reader.GetString(0), reader.IsDBNull(1) ? "" : reader.GetString(1), Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture),
                Convert.ToInt32(reader.GetValue(3), CultureInfo.InvariantCulture), reader.GetBoolean(4)));
        }
        return limits;
    }

    /// <summary>The active limits of a tenant's query type, as (max queries, window seconds): what the API enforces.</summary>
    public async Task<IReadOnlyList<(int MaxQueries, int WindowSeconds)>> ActiveAsync(string tenantId, string queryType, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand(
            "SELECT max_queries, COALESCE(time_window_seconds, 3600) FROM analytics_rate_limits WHERE tenant_id = $1 AND query_type = $2 AND is_active",
            tenantId, queryType);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var limits = new List<(int, int)>();
        while (await reader.ReadAsync(cancellationToken))
        {
            limits.Add((Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), Convert.ToInt32(reader.GetValue(1), CultureInfo.InvariantCulture)));
        }
        return limits;
    }

    /// <summary>Sets (creates or changes) a limit; returns the previous one, if any.</summary>
    public async Task<RateLimit?> SetAsync(RateLimit limit, AdminActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(limit);
        ArgumentNullException.ThrowIfNull(actor);
        if (!QueryTypes.Contains(limit.QueryType))
        {
            throw new AnalyticsException($"Unknown query type '{limit.QueryType}': use one of {string.Join(", ", QueryTypes)}.");
        }
        if (limit.MaxQueries < 1 || limit.WindowSeconds < 1)
        {
            throw new AnalyticsException($"A limit needs at least 1 query per window of at least 1 second, got {limit.MaxQueries} per {limit.WindowSeconds} s.");
        }
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        // The value before, read in the change's transaction: the audit row says what it replaced.
        RateLimit? old = null;
        await using (var command = connection.CreateCommand(
            "SELECT max_queries, COALESCE(is_active, TRUE) FROM analytics_rate_limits WHERE tenant_id = $1 AND query_type = $2 AND time_window_seconds = $3",
            limit.TenantId, limit.QueryType, limit.WindowSeconds))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                old = limit with { MaxQueries = Convert.ToInt32(reader.GetValue(0), CultureInfo.InvariantCulture), IsActive = reader.GetBoolean(1) };
            }
        }
        var changed = await connection.ExecuteAsync(
            "UPDATE analytics_rate_limits SET max_queries = $4, is_active = $5 WHERE tenant_id = $1 AND query_type = $2 AND time_window_seconds = $3",
            cancellationToken, limit.TenantId, limit.QueryType, limit.WindowSeconds, limit.MaxQueries, limit.IsActive);
        if (changed == 0)
        {
            await connection.ExecuteAsync(
                "INSERT INTO analytics_rate_limits (tenant_id, query_type, time_window_seconds, max_queries, is_active) VALUES ($1, $2, $3, $4, $5)",
                cancellationToken, limit.TenantId, limit.QueryType, limit.WindowSeconds, limit.MaxQueries, limit.IsActive);
        }
        await AdminAuditLog.WriteAsync(database, connection, new AdminAction(actor, "rate_limit.set", "analytics_rate_limits",
            $"{limit.QueryType}/{limit.WindowSeconds}s", limit.TenantId, OldValues: old, NewValues: limit, AffectedRows: 1,
            DataClassification: "internal", ComplianceFlags: ["access_control"]), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return old;
    }
}
