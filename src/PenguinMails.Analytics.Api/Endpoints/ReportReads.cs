using PenguinMails.Analytics.Api.Auth;
using PenguinMails.Analytics.Pools;
using PenguinMails.Analytics.Queries;
using PenguinMails.Analytics.Security;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary>
/// How the API serves a <see cref="Report"/>: the range and page from the query string
/// (<see cref="ReadParameters"/>), the report's filters by their names (a route value in place of
/// one), the report's checks (400), the entity the read is about, which the caller must see (404,
/// whether it does not exist or is another tenant's: existence does not leak), the read on the
/// dashboard pool, and the <c>{data, as_of, paging}</c> envelope.
/// </summary>
public sealed class ReportReads(ScopedQuery query, AsOf asOf, TimeProvider time)
{
    /// <summary>The roles that read reports (the platform admin reads everything).</summary>
    public static readonly ApiKeyRole[] Readers = [ApiKeyRole.Viewer, ApiKeyRole.TenantAdmin];

    /// <summary>A request bound to a report: its filter and page.</summary>
    public sealed record Bound(ReportFilter Filter, Page Page);

    /// <summary>Prepares (binds and checks) a request for <paramref name="report"/>; a refusal (400, 404) when it cannot run.</summary>
    public async Task<(Bound? Read, IResult? Refusal)> PrepareAsync(HttpContext http, Report report, Func<ReportFilter, ReportFilter>? route = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(report);
        if (!ReadParameters.TryParse(http.Request, time, out var read, out var error, report.DefaultDays))
        {
            return (null, BadRequest(error!));
        }
        var filter = report.Filters.Aggregate(new ReportFilter(read.From, read.To), (f, name) => f.With(name, http.Request.Query[name].ToString()));
        filter = route?.Invoke(filter) ?? filter;
        var scope = Caller.Of(http).Scope;
        if (report.Problem(filter, scope.IsAdmin) is { } problem)
        {
            return (null, BadRequest(problem));
        }
        if (await query.UnseenSubjectAsync(scope, report, filter, PoolTypes.Dashboard, http.RequestAborted) is var (kind, id))
        {
            return (null, NotFound(kind, id));
        }
        return (new Bound(filter, new Page(read.Limit, read.Offset)), null);
    }

    /// <summary>Runs a bound read under the caller's scope.</summary>
    public Task<ScopedRows> RunAsync(HttpContext http, Report report, Bound read)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(read);
        return query.ReadAsync(Caller.Of(http).Scope, report, read.Filter, read.Page, PoolTypes.Dashboard, http.RequestAborted);
    }

    /// <summary>The envelope of <paramref name="rows"/>, with <c>paging</c> when a page is given and more top-level members when asked.</summary>
    public async Task<DataResult> ResultAsync(HttpContext http, ScopedRows rows, Page? page = null, IReadOnlyDictionary<string, object>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        return new DataResult(rows, (await asOf.ReadAsync(http.RequestAborted)).Value, page?.Limit, page?.Offset) { Extra = extra ?? new Dictionary<string, object>() };
    }

    /// <summary>
    /// The whole read: bind, check, run, answer. <paramref name="oneEntity"/>: one entity's row (a
    /// path with its id), not a page.
    /// </summary>
    public async Task<IResult> ReadAsync(HttpContext http, Report report, Func<ReportFilter, ReportFilter>? route = null, bool oneEntity = false)
    {
        ArgumentNullException.ThrowIfNull(report);
        var (read, refusal) = await PrepareAsync(http, report, route);
        if (read is null)
        {
            return refusal!;
        }
        if (oneEntity)
        {
            read = read with { Page = new Page(1, 0) };
        }
        var rows = await RunAsync(http, report, read);
        return await ResultAsync(http, rows, report.Paged && !oneEntity ? read.Page : null);
    }

    /// <summary>400 with what is wrong.</summary>
    public static IResult BadRequest(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request", detail: detail);

    /// <summary>404 for an entity the caller cannot see.</summary>
    public static IResult NotFound(string kind, string id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No {kind} '{id}'.");
}

/// <summary>The endpoint conventions of a report's read, declared once from the report.</summary>
public static class ReportEndpointConventions
{
    /// <summary>
    /// Readers' key (the platform admin's for an admin report), the tenant's rate limit and the
    /// access audit as a read of the report's table, the response cache, and the OpenAPI
    /// description: range, page, the report's filters (except the one the route supplies) and summary.
    /// </summary>
    public static RouteHandlerBuilder ForReport(this RouteHandlerBuilder builder, Report report, string? routeFilter = null, bool oneEntity = false) =>
        builder.ForReport<OpenApiDescription.DataEnvelope>(report, routeFilter, oneEntity);

    /// <inheritdoc cref="ForReport(RouteHandlerBuilder, Report, string?, bool)"/>
    public static RouteHandlerBuilder ForReport<TEnvelope>(this RouteHandlerBuilder builder, Report report, string? routeFilter = null, bool oneEntity = false)
    {
        ArgumentNullException.ThrowIfNull(report);
        var gated = report.AdminOnly
            ? builder.RequireApiKey().RateLimitedAndAudited(http => report.Audits(AuditedFilter(http)), queryType: "report")
            : builder.RequireApiKey(ReportReads.Readers).RateLimitedAndAudited(http => report.Audits(AuditedFilter(http))).Cached();
        return gated.DescribedAsRead<TEnvelope>(report, paged: report.Paged && !oneEntity, routeFilter).WithSummary(report.Summary);
    }

    // The audit names the table before the request is bound: a series' entity decides its rollup.
    private static ReportFilter AuditedFilter(HttpContext http) =>
        new ReportFilter(default, default).With("entity", http.Request.Query["entity"].ToString());
}
