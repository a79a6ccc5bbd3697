using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using PenguinMails.Analytics.Security;

namespace PenguinMails.Analytics.Api.Auth;

/// <summary>
/// Rate limits per tenant and query type from <c>analytics_rate_limits</c> (every active row for
/// the pair must admit the request; <see cref="ApiOptions.DefaultRateLimit"/> when the tenant has
/// none), enforced with System.Threading.RateLimiting fixed windows. Limits are re-read every
/// 30 seconds, so a change in the table takes effect without a restart. The windows live in this
/// process: several API processes each enforce the limit on their own share.
/// </summary>
public sealed class TenantRateLimiter(RateLimitSettings settings, ApiOptions options, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<(string Tenant, string Type), (DateTimeOffset Loaded, (int Max, int Window)[] Limits)> limits = new();
    private readonly PartitionedRateLimiter<(string Tenant, string Type, int Max, int Window)> limiter =
        PartitionedRateLimiter.Create<(string Tenant, string Type, int Max, int Window), (string, string, int, int)>(key =>
            RateLimitPartition.GetFixedWindowLimiter(key, k => new FixedWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, k.Max), Window = TimeSpan.FromSeconds(Math.Max(1, k.Window)), QueueLimit = 0, AutoReplenishment = true,
            }));

    /// <summary>Takes one permit for the tenant's query type, or says how long to wait.</summary>
    public async Task<(bool Allowed, TimeSpan RetryAfter, string Limit)> TryAcquireAsync(string tenant, string queryType, CancellationToken cancellationToken)
    {
        foreach (var (max, window) in await LimitsAsync(tenant, queryType, cancellationToken))
        {
            using var lease = limiter.AttemptAcquire((tenant, queryType, max, window));
            if (!lease.IsAcquired)
            {
                var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(window);
                return (false, retryAfter, $"{max} {queryType} queries per {window} s");
            }
        }
        return (true, TimeSpan.Zero, "");
    }

    private async Task<(int Max, int Window)[]> LimitsAsync(string tenant, string queryType, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (limits.TryGetValue((tenant, queryType), out var cached) && now - cached.Loaded < CacheFor)
        {
            return cached.Limits;
        }
        var found = await settings.ActiveAsync(tenant, queryType, cancellationToken);
        var result = found.Count > 0 ? found.ToArray() : [(options.DefaultRateLimit.MaxQueries, (int)options.DefaultRateLimit.Window.TotalSeconds)];
        limits[(tenant, queryType)] = (now, result);
        return result;
    }

    public void Dispose() => limiter.Dispose();
}
