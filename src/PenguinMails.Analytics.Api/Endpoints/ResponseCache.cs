using Microsoft.Extensions.Caching.Memory;
using PenguinMails.Analytics.Api.Auth;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary>
/// Dashboards ask the same questions again and again, and the answers change only when the
/// aggregates do: a fold, a recompute, archiving or anonymization, each of which moves
/// <c>as_of</c> in its own transaction. A read's JSON is kept under its path and query, the
/// caller's scope and the <c>as_of</c> it was computed at (across a cluster's shards: every
/// shard's, <see cref="AsOf.Reading.Version"/>), for at most
/// <see cref="ApiOptions.ResponseCacheFor"/>; <c>as_of</c> is read every 500 ms, so a change is
/// served within half a second of its commit. Keys, rate limits and the access audit run for
/// every request, cached or not; only successful reads are kept, a scope never sees another
/// scope's entries, concurrent misses of one read share one query, and memory is bounded (64 MB).
/// </summary>
public sealed class ResponseCache(ApiOptions options) : IDisposable
{
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 64L * 1024 * 1024 });
    private readonly TimeSpan keepFor = options.ResponseCacheFor;

    // Reads in flight: requests for the same key while the first is computing wait for it
    // instead of all asking the database at once when an entry expires.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Task<CachedRead?>> pending = new(StringComparer.Ordinal);

    /// <summary>Serves a read from the cache when it can, and keeps successful reads.</summary>
    /// <summary>The cache's name in the <c>Cache-Status</c> header.</summary>
    public const string CacheName = "penguin-analytics";

    public static TBuilder Apply<TBuilder>(TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var responses = http.RequestServices.GetRequiredService<ResponseCache>();
            if (responses.keepFor <= TimeSpan.Zero)
            {
                return await next(context);
            }
            var scope = Caller.Of(http).Scope;
            var asOf = await http.RequestServices.GetRequiredService<AsOf>().ReadAsync(http.RequestAborted);
            var query = string.Join('&', http.Request.Query.OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => $"{q.Key}={q.Value}"));
            var key = $"{scope.TenantId}|{scope.IsAdmin}|{scope.FilterTenantId}|{asOf.Version}|{http.Request.Path}?{query}";
            // RFC 9211 Cache-Status: whether this answer came from the cache (the bench and operators read it).
            if (responses.cache.TryGetValue(key, out CachedRead? hit) && hit is not null)
            {
                http.Response.Headers["Cache-Status"] = $"{CacheName}; hit";
                return hit;
            }
            http.Response.Headers["Cache-Status"] = $"{CacheName}; fwd=miss";
            var mine = new TaskCompletionSource<CachedRead?>(TaskCreationOptions.RunContinuationsAsynchronously);
            var first = responses.pending.GetOrAdd(key, mine.Task);
            if (first != mine.Task)
            {
                // Another request is computing this very read: its answer is ours (or, when it was
                // not a cacheable success, we ask ourselves).
                return await first ?? await next(context);
            }
            try
            {
                var result = await next(context);
                CachedRead? read = null;
                if (result is DataResult data)
                {
                    read = new CachedRead(data.ToJson(), data.RowCount);
                    responses.cache.Set(key, read, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = responses.keepFor, Size = read.Json.Length + key.Length });
                }
                mine.SetResult(read);
                return read ?? result;
            }
            catch
            {
                mine.SetResult(null);
                throw;
            }
            finally
            {
                responses.pending.TryRemove(new KeyValuePair<string, Task<CachedRead?>>(key, mine.Task));
            }
        });
        return builder;
    }

    public void Dispose() => cache.Dispose();

    /// <summary>A read as JSON bytes, with its row count for the access audit.</summary>
    public sealed class CachedRead(byte[] json, int rows) : IResult, IReadResult
    {
        public byte[] Json => json;

        public int RowCount => rows;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            ArgumentNullException.ThrowIfNull(httpContext);
            httpContext.Response.ContentType = "application/json; charset=utf-8";
            httpContext.Response.ContentLength = json.Length;
            await httpContext.Response.Body.WriteAsync(json, httpContext.RequestAborted);
        }
    }
}

/// <summary><c>.Cached()</c> on a read endpoint, after its key filter and access gate.</summary>
public static class ResponseCacheExtensions
{
    public static TBuilder Cached<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => ResponseCache.Apply(builder);
}
