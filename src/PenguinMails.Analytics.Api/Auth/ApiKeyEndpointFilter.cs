using PenguinMails.Analytics.Security;

namespace PenguinMails.Analytics.Api.Auth;

/// <summary>
/// Bearer API keys on an endpoint: 401 without a key or with a bad or revoked one, 403 when the
/// key's role may not use the endpoint. Another tenant's ids give 404 in the endpoints themselves,
/// so that existence does not leak.
/// </summary>
public static class ApiKeyEndpointFilter
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
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var header = http.Request.Headers.Authorization.ToString();
            var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
            var key = await http.RequestServices.GetRequiredService<ApiKeyStore>().AuthenticateAsync(token, http.RequestAborted);
            if (key is null)
            {
                http.Response.Headers.WWWAuthenticate = "Bearer";
                return Results.Problem(
                    statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                    detail: token is null ? "Send an API key: Authorization: Bearer pma_..." : "The API key is not valid or was revoked.");
            }
            if (!key.IsAdmin && !roles.Contains(key.Role))
            {
                return Results.Problem(
                    statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
                    detail: $"A {key.Role.ToName()} key may not use this endpoint; it needs {(roles.Length == 0 ? "the platform admin" : string.Join(" or ", roles.Select(r => r.ToName())))} role.");
            }
            // tenant_id narrows the admin to one tenant; any other key may only name its own
            // (another tenant's id is 404, as for any id that is not the caller's).
            var tenant = http.Request.Query["tenant_id"].ToString();
            if (tenant.Length > 0 && !key.IsAdmin && tenant != key.TenantId)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"No tenant '{tenant}'.");
            }
            var narrowedTo = tenant.Length > 0 && key.IsAdmin ? tenant : null;
            await http.RequestServices.GetRequiredService<SessionTracker>().TouchAsync(key, http);
            new Caller(key, http.RequestServices.GetRequiredService<ApiOptions>().WithoutQueryLayerFilter, narrowedTo).AttachTo(http);
            return await next(context);
        });
        return builder;
    }
}

/// <summary>Endpoint metadata: the roles a key needs (<c>RequireApiKey</c>), for the OpenAPI document.</summary>
public sealed record KeyRequired(IReadOnlyList<ApiKeyRole> Roles);
