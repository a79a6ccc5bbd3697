using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace PenguinMails.Analytics.Api.Dashboard;

/// <summary>
/// The dashboard at <c>/</c>: plain HTML, CSS and JavaScript modules embedded in this assembly
/// (no CDN, no build step), talking to the same <c>/v1</c> API with the key the user signs in with.
/// Every file is revalidated by its ETag, and a strict Content-Security-Policy allows nothing
/// but this origin.
/// </summary>
public static class DashboardAssets
{
    private const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    public static void UseDashboard(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var files = new ManifestEmbeddedFileProvider(typeof(DashboardAssets).Assembly, "wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = files });
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                headers.CacheControl = "no-cache"; // revalidate: a new version of serve shows at once
                headers.XContentTypeOptions = "nosniff";
                headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
                headers["Referrer-Policy"] = "no-referrer";
            },
        });
    }
}
