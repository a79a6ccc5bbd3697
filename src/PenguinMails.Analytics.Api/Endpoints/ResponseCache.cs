using Microsoft.Extensions.Caching.Memory;
using PenguinMails.Analytics.Api.Auth;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary>
/// Dashboards ask the same questions again and again, and the answers change only when a fold
/// commits. A read's JSON is kept for <see cref="ApiOptions.ResponseCacheFor"/> (1 s) under its
/// path and query, the caller's scope and the <c>as_of</c> it was computed at; a fold moves
/// <c>as_of</c> (read every 500 ms), so a new fold's numbers are served at once and nothing is
/// ever more than a second old (recomputes, maintenance and anonymization included). Keys, rate
/// limits and the access audit run for every request, cached or not; only successful reads are
/// kept, and a scope never sees another scope's entries. Memory is bounded (64 MB).
/// </summary>
public sealed class ResponseCache(ApiOptions options) : IDisposable
{
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 64L * 1024 * 1024 });
    private readonly TimeSpan keepFor = options.ResponseCacheFor;

    /// <summary>Serves a read from the cache when it can, and keeps successful reads.</summary>
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
            var asOf = await AsOf.ForRequestAsync(http);
            var query = string.Join('&', http.Request.Query.OrderBy(q => q.Key, StringComparer.Ordinal).Select(q => $"{q.Key}={q.Value}"));
            var key = $"{scope.TenantId}|{scope.IsAdmin}|{scope.FilterTenantId}|{asOf?.Ticks}|{http.Request.Path}?{query}";
            if (responses.cache.TryGetValue(key, out CachedRead? hit) && hit is not null)
            {
                return hit;
            }
            var result = await next(context);
            if (result is DataResult data)
            {
                var read = new CachedRead(data.ToJson(), data.RowCount);
                responses.cache.Set(key, read, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = responses.keepFor, Size = read.Json.Length + key.Length });
                return read;
            }
            return result;
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

/// <summary>A successful read, with the rows it returned (for the access audit).</summary>
public interface IReadResult
{
    int RowCount { get; }
}

/// <summary><c>.Cached()</c> on a read endpoint, after its key filter and access gate.</summary>
public static class ResponseCacheExtensions
{
    public static TBuilder Cached<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => ResponseCache.Apply(builder);
}
