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
            new Caller(key, http.RequestServices.GetRequiredService<ApiOptions>().WithoutQueryLayerFilter).AttachTo(http);
            return await next(context);
        });
        return builder;
    }
}
