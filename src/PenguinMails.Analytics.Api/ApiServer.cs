using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PenguinMails.Analytics.Api.Auth;
using PenguinMails.Analytics.Api.Dashboard;
using PenguinMails.Analytics.Api.Endpoints;
using PenguinMails.Analytics.Api.Routing;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Cluster;
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
        var cluster = await ClusterTopology.OpenAsync(database, cancellationToken);
        var graphs = new ServiceGraphs(cluster);
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
        var keys = new ApiKeyStore(database, options.KeyCacheFor);
        // On a cluster's coordinator the process's own graph holds the keys and sessions; each
        // shard's work (reads, writes, folds, maintenance) runs on that shard's graph (ServiceGraphs).
        AddApiServices(builder.Services, database, pools, options, keys, runsJobs: cluster is null);
        builder.Services.AddSingleton<SessionTracker>();
        builder.Services.AddSingleton(graphs);
        builder.Services.AddHostedService(provider => provider.GetRequiredService<ServiceGraphs>());
        // AnalyticsException messages are written for people (no internals): they become the detail.
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            if (context.Exception is AnalyticsException e)
            {
                context.ProblemDetails.Detail = e.Message;
            }
            if (context.Exception is PoolExhaustedException or DatabaseUnavailableException)
            {
                context.HttpContext.Response.Headers.RetryAfter = context.Exception is PoolExhaustedException ? "1" : "5";
            }
        });
        // Request and response bodies use the DDL's snake_case names, like every read.
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower);
        builder.Services.AddOpenApi("v1", OpenApiDescription.Configure);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(30));

        var app = builder.Build();
        graphs.Attach((shardDatabase, crossTenant) => BuildGraph(app.Services, shardDatabase, crossTenant, options, keys));
        app.Lifetime.ApplicationStarted.Register(() => starting.Value = false);
        // Known failures become problem details with the right status; anything else is a 500
        // without a stack trace.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = e => e switch
            {
                PoolExhaustedException or DatabaseUnavailableException => StatusCodes.Status503ServiceUnavailable,
                QueryTimeoutException => StatusCodes.Status504GatewayTimeout,
                _ => StatusCodes.Status500InternalServerError,
            },
        });
        app.UseStatusCodePages();
        if (options.Role != ServeRole.Worker)
        {
            app.UseDashboard();
        }
        // Keys are checked once the endpoint is known (it says which roles it needs) and before its
        // services are bound: the caller picks the graph they come from (on a cluster, its shard's).
        app.UseRouting();
        app.UseApiKeys();
        HealthEndpoints.Map(app);
        if (options.Role != ServeRole.Worker)
        {
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

    // What serve registers on every database it works on: the process's own, and on a cluster
    // each shard's (the workers there fold, maintain and audit that shard).
    private static void AddApiServices(IServiceCollection services, AnalyticsDatabase database, WorkloadPools pools, ApiOptions options, ApiKeyStore keys, bool runsJobs)
    {
        services.AddPenguinAnalytics(database, pools, options.Exports);
        services.AddSingleton(options);
        services.AddSingleton(keys);
        services.AddSingleton(new AsOf(database));
        services.AddSingleton<ReportReads>();
        services.AddSingleton<ResponseCache>();
        services.AddSingleton<TenantRateLimiter>();
        services.AddSingleton<AccessAuditWriter>();
        services.AddHostedService<AccessAuditService>();
        services.AddHostedService<PoolMetricsService>();
        services.AddHostedService<ExpirySweepService>();
        if (runsJobs && options.Role != ServeRole.Api)
        {
            services.AddHostedService<JobWorkerService>();
            services.AddHostedService<MaintenanceScheduler>();
        }
    }

    // A shard's graph: the same services over the shard's database, with its own workers and
    // pools (their settings read from the shard when the graphs start). The cross-tenant graph
    // reads the coordinator's cluster-wide tables (read-only foreign tables) on the coordinator's
    // server, so it shares the process's pools, runs no workers, and its access audit goes to the
    // coordinator's own log with the rest.
    private static ServiceProvider BuildGraph(IServiceProvider host, AnalyticsDatabase database, bool crossTenant, ApiOptions options, ApiKeyStore keys)
    {
        var services = new ServiceCollection();
        services.AddSingleton(host.GetRequiredService<ILoggerFactory>());
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        var pools = crossTenant ? host.GetRequiredService<WorkloadPools>() : new WorkloadPools(database);
        AddApiServices(services, database, pools, options, keys, runsJobs: !crossTenant);
        if (crossTenant)
        {
            // Reads across tenants change when any shard folds: the cache keys on the latest.
            var cluster = host.GetRequiredService<ServiceGraphs>().Cluster!;
            services.Replace(ServiceDescriptor.Singleton(AsOf.AcrossShards([.. cluster.Shards.Select(cluster.DatabaseOf)])));
            services.RemoveAll<IHostedService>();
            services.Replace(ServiceDescriptor.Singleton(host.GetRequiredService<AccessAuditWriter>()));
        }
        return services.BuildServiceProvider();
    }
}
