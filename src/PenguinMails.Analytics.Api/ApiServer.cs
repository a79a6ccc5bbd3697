using System.Runtime.CompilerServices;
using PenguinMails.Analytics.Api.Auth;
using PenguinMails.Analytics.Api.Dashboard;
using PenguinMails.Analytics.Api.Endpoints;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Pools;
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
    public static async Task<WebApplication> BuildAsync(AnalyticsDatabase database, ApiOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        var pools = await WorkloadPools.LoadAsync(database, cancellationToken);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(options.Urls);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = options.MaxIngestBytes);
        builder.Logging.ClearProviders();
        if (options.JsonLogs)
        {
            builder.Logging.AddJsonConsole(json => json.UseUtcTimestamp = true);
        }
        else
        {
            builder.Logging.AddSimpleConsole(console => (console.SingleLine, console.TimestampFormat, console.UseUtcTimestamp) = (true, "HH:mm:ss ", true));
            // serve's own lines say where it listens; the host's four lines would repeat it.
            builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        }
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        // A failed start (a busy port) is thrown to serve, which says it in one line; the host's
        // own log of it would add a stack trace to the output. Later host errors are logged.
        var starting = new StrongBox<bool>(true);
        builder.Logging.AddFilter((category, level) => level >= LogLevel.Information && !(starting.Value && level == LogLevel.Error && category == "Microsoft.Extensions.Hosting.Internal.Host"));
        builder.Services.AddPenguinAnalytics(database, pools, options.Exports);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(new ApiKeyStore(database, options.KeyCacheFor));
        builder.Services.AddSingleton<AsOf>();
        builder.Services.AddSingleton<ReportReads>();
        builder.Services.AddSingleton<ResponseCache>();
        builder.Services.AddSingleton<TenantRateLimiter>();
        builder.Services.AddSingleton<AccessAuditWriter>();
        builder.Services.AddSingleton<SessionTracker>();
        builder.Services.AddHostedService<AccessAuditService>();
        builder.Services.AddHostedService<PoolMetricsService>();
        builder.Services.AddHostedService<ExpirySweepService>();
        // AnalyticsException messages are written for people (no internals): they become the detail.
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            if (context.Exception is AnalyticsException e)
            {
                context.ProblemDetails.Detail = e.Message;
            }
            if (context.Exception is PoolExhaustedException)
            {
                context.HttpContext.Response.Headers.RetryAfter = "1";
            }
        });
        // Request and response bodies use the DDL's snake_case names, like every read.
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddOpenApi("v1", OpenApiDescription.Configure);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));
        if (options.Role != ServeRole.Api)
        {
            builder.Services.AddHostedService<JobWorkerService>();
            builder.Services.AddHostedService<MaintenanceScheduler>();
        }

        var app = builder.Build();
        app.Lifetime.ApplicationStarted.Register(() => starting.Value = false);
        // Known failures become problem details with the right status; anything else is a 500
        // without a stack trace.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e switch
            {
                PoolExhaustedException => StatusCodes.Status503ServiceUnavailable,
                QueryTimeoutException => StatusCodes.Status504GatewayTimeout,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePages();
        HealthEndpoints.Map(app);
        if (options.Role != ServeRole.Worker)
        {
            app.UseDashboard();
            app.MapOpenApi("/openapi/{documentName}.json");
            app.MapGroup("/v1")
                .MapIngestApi()
                .MapCampaignsApi()
                .MapReportsApi()
                .MapAccountApi()
                .MapAdminApi()
                .MapExportsApi();
        }
        return app;
    }
}
