using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PenguinMails.Analytics.Auditing;

namespace PenguinMails.Analytics.Api.Auth;

/// <summary>
/// After <see cref="ApiKeys.RequireApiKey"/>: the tenant's rate limit for the query
/// type (429 with Retry-After, the refusal audited), then the access audit row of the request
/// (who, which table, filters, rows, duration, ip, user agent, success or why not).
/// </summary>
public static class AccessGate
{
    /// <summary>Rate-limits the endpoint's <paramref name="queryType"/> per tenant and audits every request as a read of <paramref name="table"/>.</summary>
    public static TBuilder RateLimitedAndAudited<TBuilder>(this TBuilder builder, string table, string queryType = "dashboard")
        where TBuilder : IEndpointConventionBuilder =>
        builder.RateLimitedAndAudited(_ => table, queryType);

    /// <summary>As above, with the table the request reads decided by the request (a series: its entity's rollup).</summary>
    public static TBuilder RateLimitedAndAudited<TBuilder>(this TBuilder builder, Func<HttpContext, string> tableOf, string queryType = "dashboard")
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(tableOf);
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var table = tableOf(http);
            var caller = Caller.Of(http);
            var audit = http.RequestServices.GetRequiredService<AccessAuditWriter>();
            var started = Stopwatch.GetTimestamp();
            var (allowed, retryAfter, limit) = await http.RequestServices.GetRequiredService<TenantRateLimiter>()
                .TryAcquireAsync(caller.Key.TenantId, queryType, http.RequestAborted);
            if (!allowed)
            {
                audit.Enqueue(Entry(http, caller, table, queryType, null, started, success: false, $"rate limited ({limit})"));
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests",
                    detail: $"The tenant's limit of {limit} is used up; retry in {seconds} s.");
            }
            try
            {
                var result = await next(context);
                var (success, reason, rows) = result switch
                {
                    IReadResult data => (true, (string?)null, (int?)data.RowCount),
                    IStatusCodeHttpResult { StatusCode: >= 400 } status => (false, $"HTTP {status.StatusCode}", (int?)null),
                    _ => (true, null, null),
                };
                audit.Enqueue(Entry(http, caller, table, queryType, rows, started, success, reason));
                return result;
            }
            catch (Exception e)
            {
                audit.Enqueue(Entry(http, caller, table, queryType, null, started, success: false, e.GetType().Name));
                throw;
            }
        });
        return builder;
    }

    private static AccessAuditEntry Entry(HttpContext http, Caller caller, string table, string queryType, int? rows, long started, bool success, string? reason)
    {
        var filters = http.Request.Query.Count == 0 ? null
            : JsonSerializer.Serialize(http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()));
        return new AccessAuditEntry(caller.Key.Id, caller.Key.TenantId, queryType, table, filters, rows,
            (int)Stopwatch.GetElapsedTime(started).TotalMilliseconds, http.Connection.RemoteIpAddress?.ToString(),
            http.Request.Headers.UserAgent.ToString() is { Length: > 0 } agent ? agent[..Math.Min(agent.Length, 500)] : null,
            success, reason, DateTime.UtcNow);
    }
}

/// <summary>A successful read, with the rows it returned (for the access audit).</summary>
public interface IReadResult
{
    int RowCount { get; }
}
