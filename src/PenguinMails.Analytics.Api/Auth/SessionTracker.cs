using System.Collections.Concurrent;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Security;

namespace PenguinMails.Analytics.Api.Auth;

/// <summary>
/// API sessions as <c>admin_system_events</c>: a key's first request in a window of
/// <see cref="ApiOptions.SessionWindow"/> opens a session row (ip, user agent, expiry); later
/// requests in the window cost one dictionary look-up. <see cref="Workers.ExpirySweepService"/>
/// closes expired sessions. Several API processes share the database's open session when one
/// exists, so a restart does not open a second one.
/// </summary>
public sealed class SessionTracker(SystemEvents events, ApiOptions options)
{
    private readonly ConcurrentDictionary<string, long> openUntil = new(StringComparer.Ordinal);

    public async Task TouchAsync(ApiKey key, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(http);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (openUntil.TryGetValue(key.Id, out var until) && until > now)
        {
            return;
        }
        // One request opens the session; requests racing it go on without waiting (a short claim).
        if (!(until == 0 ? openUntil.TryAdd(key.Id, now + 5_000) : openUntil.TryUpdate(key.Id, now + 5_000, until)))
        {
            return;
        }
        try
        {
            var agent = http.Request.Headers.UserAgent.ToString();
            var expires = await events.EnsureSessionAsync(key.Id, key.TenantId, key.Role.ToName(), http.Connection.RemoteIpAddress?.ToString(),
                agent.Length == 0 ? null : agent[..Math.Min(agent.Length, 500)], options.SessionWindow, http.RequestAborted);
            openUntil[key.Id] = expires;
        }
        catch
        {
            openUntil.TryRemove(key.Id, out _); // the next request tries again
            throw;
        }
    }
}
