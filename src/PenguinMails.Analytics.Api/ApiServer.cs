using PenguinMails.Analytics.Api.Auth;
using PenguinMails.Analytics.Api.Endpoints;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Api.Workers;
using PenguinMails.Analytics.Security;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Api;

/// <summary>
/// Builds the <c>serve</c> process: Kestrel with the HTTP API, and the background job worker,
/// per <see cref="ApiOptions.Role"/>. Logs are structured (JSON lines); errors are RFC 9457
/// problem details without stack traces.
/// </summary>
public static class ApiServer
{
    public static WebApplication Build(AnalyticsDatabase database, ApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxIngestBytes);
        builder.Logging.ClearProviders();
        builder.Logging.AddJsonConsole(json => json.UseUtcTimestamp = true);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(database);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(new ApiKeyStore(database));
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<TenantRateLimiter>();
        builder.Services.AddSingleton(new AccessAuditWriter(database));
        builder.Services.AddHostedService<AccessAuditService>();
        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi("v1");
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
        if (options.Role != ServeRole.Api)
        {
            builder.Services.AddHostedService<JobWorkerService>();
        }

        var app = builder.Build();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        HealthEndpoints.Map(app);
        if (options.Role != ServeRole.Worker)
        {
            app.MapOpenApi("/openapi/{documentName}.json");
            IngestEndpoints.Map(app, options);
            CampaignEndpoints.Map(app, options);
            ReportEndpoints.Map(app, options);
            CampaignEndpoints.MapSteps(app, options);
        }
        return app;
    }
}
