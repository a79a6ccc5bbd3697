using PenguinMails.Analytics.Api.Routing;
using PenguinMails.Analytics.Security;

namespace PenguinMails.Analytics.Api.Auth;

/// <summary>
/// Bearer API keys: 401 without a key or with a bad or revoked one, 403 when the key's role may
/// not use the endpoint. Another tenant's ids give 404 in the endpoints themselves, so that
/// existence does not leak. The check runs as middleware, before the endpoint's services are
/// bound, because the caller decides which service graph the request runs on
/// (<see cref="ServiceGraphs"/>: on a cluster, the tenant's shard).
/// </summary>
public static class ApiKeys
{
    /// <summary>Requires a key with one of <paramref name="roles"/> (the platform admin is always allowed).</summary>
    public static TBuilder RequireApiKey<TBuilder>(this TBuilder builder, params ApiKeyRole[] roles)
        where TBuilder : IEndpointConventionBuilder
    {
        // What the document says of every keyed endpoint (Endpoints/OpenApiDescription): the scheme and roles, and the refusals below.
        builder.WithMetadata(new KeyRequired(roles));
        foreach (var status in new[] { StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status429TooManyRequests,
                     StatusCodes.Status503ServiceUnavailable, StatusCodes.Status504GatewayTimeout })
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(Microsoft.AspNetCore.Mvc.ProblemDetails), ["application/problem+json"]));
        }
        return builder;
    }

    /// <summary>The admin endpoint is about the tenant in route value <paramref name="name"/>: on a cluster it runs on that tenant's shard.</summary>
    public static TBuilder ForTenantInRoute<TBuilder>(this TBuilder builder, string name = "id")
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new TenantInRoute(name));

    /// <summary>
    /// The endpoint is about the row of <paramref name="table"/> whose id is route value
    /// <paramref name="name"/>: on a cluster the admin across tenants runs on the shard that holds it.
    /// </summary>
    public static TBuilder ForRowInRoute<TBuilder>(this TBuilder builder, string table, string name = "id")
        where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new RowInRoute(table, name));

    /// <summary>Authenticates the keyed endpoints' callers (after routing) and runs each request on its tenant's service graph.</summary>
    public static void UseApiKeys(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Use(async (http, next) =>
        {
            var endpoint = http.GetEndpoint();
            if (endpoint?.Metadata.GetMetadata<KeyRequired>() is not { } required)
            {
                await next(http);
                return;
            }
            var header = http.Request.Headers.Authorization.ToString();
            var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
            var key = await http.RequestServices.GetRequiredService<ApiKeyStore>().AuthenticateAsync(token, http.RequestAborted);
            if (key is null)
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                await Results.Problem(
                    statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                    detail: token is null ? "Send an API key: Authorization: Bearer pma_..." : "The API key is not valid or was revoked.").ExecuteAsync(http);
                return;
            }
            var roles = required.Roles;
            if (!key.IsAdmin && !roles.Contains(key.Role))
            {
                await Results.Problem(
                    statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                    detail: $"A {key.Role.ToName()} key may not use this endpoint; it needs {(roles.Count == 0 ? "the platform admin" : string.Join(" or ", roles.Select(r => r.ToName())))} role.").ExecuteAsync(http);
                return;
            }
            // tenant_id narrows the admin to one tenant; any other key may only name its own
            // (another tenant's id is 404, as for any id that is not the caller's).
            var tenant = http.Request.Query["tenant_id"].ToString();
            if (tenant.Length > 0 && !key.IsAdmin && tenant != key.TenantId)
            {
                await Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No tenant '{tenant}'.").ExecuteAsync(http);
                return;
            }
            var caller = new Caller(key, http.RequestServices.GetRequiredService<ApiOptions>().WithoutQueryLayerFilter, tenant.Length > 0 && key.IsAdmin ? tenant : null);
            var routedTenant = caller.TenantId
                ?? (endpoint.Metadata.GetMetadata<TenantInRoute>() is { } route ? http.GetRouteValue(route.Name) as string : null);
            await http.RequestServices.GetRequiredService<SessionTracker>().TouchAsync(key, http);
            var graphs = http.RequestServices.GetRequiredService<ServiceGraphs>();
            http.RequestServices = routedTenant is null && endpoint.Metadata.GetMetadata<RowInRoute>() is { } row && http.GetRouteValue(row.Name) is string id
                ? await graphs.ForRowAsync(http.RequestServices, row.Table, id, http.RequestAborted)
                : await graphs.ForTenantAsync(http.RequestServices, routedTenant, http.RequestAborted);
            caller.AttachTo(http);
            await next(http);
        });
    }
}

/// <summary>Endpoint metadata: the roles a key needs (<c>RequireApiKey</c>), for the key check and the OpenAPI document.</summary>
public sealed record KeyRequired(IReadOnlyList<ApiKeyRole> Roles);

/// <summary>Endpoint metadata: the route value that names the tenant an admin endpoint is about.</summary>
public sealed record TenantInRoute(string Name);

/// <summary>Endpoint metadata: the table and route value of the row an endpoint is about (<c>ForRowInRoute</c>).</summary>
public sealed record RowInRoute(string Table, string Name);
