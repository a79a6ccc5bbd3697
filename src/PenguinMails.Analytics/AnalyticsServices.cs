using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PenguinMails.Analytics.Aggregation;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Exports;
using PenguinMails.Analytics.Jobs;
using PenguinMails.Analytics.Pools;
using PenguinMails.Analytics.Queries;
using PenguinMails.Analytics.Security;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics;

/// <summary>
/// The product's one composition root (Npgsql's <c>AddNpgsqlDataSource</c>): the object graph of
/// the library on an open database, the same for <c>serve</c> (which adds the API's own services),
/// the CLI's commands and the tests. Everything is a singleton: the services hold no per-request
/// state, and the workload pools must be shared to mean anything.
/// </summary>
public static class AnalyticsServices
{
    /// <summary>Registers the database, its workload pools, the scoped reads, exports, system events, the aggregator and the rate limit settings.</summary>
    public static IServiceCollection AddPenguinAnalytics(this IServiceCollection services, AnalyticsDatabase database, WorkloadPools pools, ExportOptions? exports = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(pools);
        services.AddSingleton(database);
        services.AddSingleton(pools);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(exports ?? ExportOptions.FromEnvironment(database.Target));
        services.AddSingleton<ScopedQuery>();
        services.AddSingleton(provider => new ExportService(database, provider.GetRequiredService<ScopedQuery>(), provider.GetRequiredService<ExportOptions>(),
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(provider => new SystemEvents(database, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(_ => new Aggregator(database));
        services.AddSingleton<RateLimitSettings>();
        return services;
    }

    /// <summary>A job runner with every job type's handler (<see cref="JobHandlers"/>); <paramref name="aggregator"/> replaces the registered one (to report progress).</summary>
    public static JobRunner CreateJobRunner(this IServiceProvider services, JobOptions? options = null, Aggregator? aggregator = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var database = services.GetRequiredService<AnalyticsDatabase>();
        return new JobRunner(database, JobHandlers.All(database, aggregator ?? services.GetRequiredService<Aggregator>(), services.GetRequiredService<ExportService>()), options);
    }
}
