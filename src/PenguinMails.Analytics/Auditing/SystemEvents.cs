using System.Globalization;
using System.Security.Cryptography;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Auditing;

/// <summary>
/// Writes and resolves <c>admin_system_events</c>: API sessions (opened by a key's first use in
/// a window, closed when they expire) and the resolution of alerts. A resolution is an
/// administrative action and is audited with the event's state before and after.
/// </summary>
public sealed class SystemEvents(AnalyticsDatabase database, TimeProvider? time = null)
{
    private readonly TimeProvider clock = time ?? TimeProvider.System;

    /// <summary>What resolving an event came to.</summary>
    public enum Resolution
    {
        Resolved,
        NotFound,
        AlreadyResolved,
    }

    /// <summary>
    /// The expiry (epoch ms) of the key's open session, opening one when there is none: the
    /// session's row records the ip and user agent of the request that opened it.
    /// </summary>
    public async Task<long> EnsureSessionAsync(string keyId, string tenantId, string role, string? ip, string? userAgent, TimeSpan window, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        var open = await connection.ScalarAsync<long?>(
            "SELECT MAX(expires) FROM admin_system_events WHERE event_type = 'session' AND admin_user_id = $1 AND is_active AND expires > $2",
            cancellationToken, keyId, now);
        if (open is { } expires)
        {
            return expires;
        }
        expires = now + (long)window.TotalMilliseconds;
        // The token names the session in the audit trail; it is not a credential.
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await connection.ExecuteAsync(
            """
            INSERT INTO admin_system_events (event_type, severity, message, admin_user_id, tenant_id, timestamp, session_token,
                ip_address, user_agent, started, last_activity, expires, is_active)
            VALUES ('session', 'info', $1, $2, $3, $4, $5, $6, $7, $4, $4, $8, TRUE)
            """,
            cancellationToken, $"API key {keyId} ({role}) opened a session", keyId, tenantId, now, token, ip, userAgent, expires);
        return expires;
    }

    /// <summary>Closes every session whose window has passed; returns how many.</summary>
    public async Task<int> CloseExpiredSessionsAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(
            "UPDATE admin_system_events SET is_active = FALSE, resolved = $2, resolution = 'expired' "
            + "WHERE event_type = 'session' AND is_active AND expires <= $1",
            cancellationToken, now.ToUnixTimeMilliseconds(), now.UtcDateTime);
    }

    /// <summary>Resolves an open event (an alert, say) with a note, audited as <c>system_event.resolve</c>.</summary>
    public async Task<Resolution> ResolveAsync(long id, string? note, AdminActor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string? tenant = null, eventType = null;
        DateTime? resolved = null;
        var found = false;
        await using (var command = connection.CreateCommand("SELECT tenant_id, event_type, resolved FROM admin_system_events WHERE id = $1", id))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (await reader.ReadAsync(cancellationToken))
            {
                found = true;
                tenant = reader.IsDBNull(0) ? null : reader.GetString(0);
                eventType = reader.GetString(1);
                resolved = reader.IsDBNull(2) ? null : reader.GetDateTime(2);
            }
        }
        if (!found)
        {
            return Resolution.NotFound;
        }
        if (resolved is not null)
        {
            return Resolution.AlreadyResolved;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        await connection.ExecuteAsync(
            "UPDATE admin_system_events SET resolved = $2, resolution = $3, is_active = FALSE WHERE id = $1 AND resolved IS NULL",
            cancellationToken, id, now, note ?? "resolved");
        await AdminAuditLog.WriteAsync(database, connection, new AdminAction(actor, "system_event.resolve", "admin_system_events",
            id.ToString(CultureInfo.InvariantCulture), tenant ?? AdminAuditLog.Platform,
            OldValues: new { event_type = eventType, resolved = (DateTime?)null },
            NewValues: new { event_type = eventType, resolved = now, resolution = note ?? "resolved" },
            AffectedRows: 1, DataClassification: "internal"), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Resolution.Resolved;
    }
}
