using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Security;

/// <summary>
/// Mints, lists, revokes and checks API keys. A key reads <c>pma_{id}_{secret}</c>: the id finds
/// the row, the secret (32 random bytes) is checked against its SHA-256 in constant time. A slow
/// password hash is not needed: the secret is random, not chosen by a person.
/// With <paramref name="cacheFor"/>, a checked key is remembered that long (the API's hot path):
/// a revocation through this instance takes effect at once, one made elsewhere within that time.
/// </summary>
public sealed class ApiKeyStore(AnalyticsDatabase database, TimeSpan? cacheFor = null)
{
    private const string Prefix = "pma_";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, (ApiKey Key, long Expires)> cache = new(StringComparer.Ordinal);

    /// <summary>
    /// Creates a key; the returned token is shown once and never stored. The key and its
    /// <c>admin_audit_logs</c> row (<c>api_key.create</c>, by <paramref name="actor"/>) commit together.
    /// </summary>
    public async Task<(ApiKey Key, string Token)> CreateAsync(string tenantId, ApiKeyRole role, string? name, AdminActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentNullException.ThrowIfNull(actor);
        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(
            "INSERT INTO api_keys (id, key_hash, tenant_id, role, name) VALUES ($1, $2, $3, $4, $5)",
            cancellationToken, id, Hash(secret), tenantId, role.ToName(), name);
        await AdminAuditLog.WriteAsync(database, connection, new AdminAction(actor, "api_key.create", "api_key", id, tenantId,
            NewValues: new { tenant_id = tenantId, role = role.ToName(), name }, AffectedRows: 1, DataClassification: "restricted",
            ComplianceFlags: ["access_control"]), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var key = await FindAsync(connection, id, cancellationToken) ?? throw new InvalidOperationException("the key just created is missing");
        return (key, $"{Prefix}{id}_{secret}");
    }

    /// <summary>Keys of one tenant, or of all tenants, newest first.</summary>
    public async Task<IReadOnlyList<ApiKey>> ListAsync(string? tenantId, CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand(
            $"SELECT {Columns} FROM api_keys WHERE CAST($1 AS TEXT) IS NULL OR tenant_id = CAST($1 AS TEXT) ORDER BY created DESC, id",
            tenantId);
        return await ReadAsync(command, cancellationToken);
    }

    /// <summary>
    /// Revokes a key, with its <c>api_key.revoke</c> audit row in the same transaction; false when
    /// there is no such key or it was already revoked (nothing is written then).
    /// </summary>
    public async Task<bool> RevokeAsync(string id, AdminActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        cache.Clear();
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var key = await FindAsync(connection, id, cancellationToken);
        if (key is null || key.Revoked is not null
            || await connection.ExecuteAsync("UPDATE api_keys SET revoked = NOW() WHERE id = $1 AND revoked IS NULL", cancellationToken, id) != 1)
        {
            return false;
        }
        await AdminAuditLog.WriteAsync(database, connection, new AdminAction(actor, "api_key.revoke", "api_key", id, key.TenantId,
            OldValues: new { role = key.Role.ToName(), name = key.Name, revoked = (DateTime?)null },
            NewValues: new { revoked = DateTime.UtcNow }, AffectedRows: 1, DataClassification: "restricted",
            ComplianceFlags: ["access_control"]), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>The active key a bearer token stands for, or null.</summary>
    public async Task<ApiKey?> AuthenticateAsync(string? token, CancellationToken cancellationToken = default)
    {
        if (token is null || !token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length > 200)
        {
            return null;
        }
        if (cacheFor is not null && cache.TryGetValue(token, out var hit) && hit.Expires > Environment.TickCount64)
        {
            return hit.Key;
        }
        var parts = token[Prefix.Length..].Split('_', 2);
        if (parts.Length != 2)
        {
            return null;
        }
        // One query: the row and its hash; the hash is compared here, in constant time.
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand($"SELECT {Columns}, key_hash FROM api_keys WHERE id = $1 AND revoked IS NULL", parts[0]);
        string? stored = null;
        var key = (await ReadAsync(command, cancellationToken, reader => stored = reader.GetString(7))).FirstOrDefault();
        if (key is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(stored!), Encoding.ASCII.GetBytes(Hash(parts[1]))))
        {
            return null;
        }
        if (cacheFor is { } ttl)
        {
            cache[token] = (key, Environment.TickCount64 + (long)ttl.TotalMilliseconds);
        }
        return key;
    }

    private const string Columns = "id, tenant_id, role, name, created, revoked, last_used";

    private static async Task<ApiKey?> FindAsync(DbConnection connection, string id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand($"SELECT {Columns} FROM api_keys WHERE id = $1", id);
        return (await ReadAsync(command, cancellationToken)).FirstOrDefault();
    }

    private static async Task<List<ApiKey>> ReadAsync(DbCommand command, CancellationToken cancellationToken, Action<DbDataReader>? alsoRead = null)
    {
        var keys = new List<ApiKey>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new ApiKey(reader.GetString(0), reader.GetString(1), ApiKeyRoles.Parse(reader.GetString(2)),
                reader.IsDBNull(3) ? null : reader.GetString(3), StoredTime.AsUtc(reader.GetDateTime(4)),
                reader.IsDBNull(5) ? null : StoredTime.AsUtc(reader.GetDateTime(5)), reader.IsDBNull(6) ? null : StoredTime.AsUtc(reader.GetDateTime(6))));
            alsoRead?.Invoke(reader);
        }
        return keys;
    }

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
