using PenguinMails.Analytics.Api.Routing;
using PenguinMails.Analytics.Jobs;
using PenguinMails.Analytics.Storage;
using PenguinMails.Analytics.Storage.Migrations;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary><c>/healthz</c> (the process lives) and <c>/readyz</c> (database reachable, schema current, queue depth).</summary>
public static class HealthEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/healthz", () => Results.Ok(new { status = "ok" })).ExcludeFromDescription();
        app.MapGet("/readyz", async (AnalyticsDatabase database, ServiceGraphs graphs, CancellationToken cancellationToken) =>
        {
            var own = await ReadinessAsync(database, cancellationToken);
            if (graphs.Cluster is not { } cluster || own.Status != "ready")
            {
                return Results.Json(own, statusCode: own.Status == "ready" ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
            }
            // A cluster: the coordinator serves whenever it is ready itself; a shard that is down
            // fails only its own tenants' requests, so it makes the cluster degraded, not unready.
            var shards = await Task.WhenAll(cluster.Shards.Select(async shard =>
                (await ReadinessAsync(cluster.DatabaseOf(shard), cancellationToken)) with { Name = shard.Name }));
            return Results.Json(own with { Status = shards.All(s => s.Status == "ready") ? "ready" : "degraded", Shards = shards });
        }).ExcludeFromDescription();
    }

    /// <summary>What <c>/readyz</c> says of one database (on a cluster: of the coordinator and of each shard).</summary>
    public sealed record Readiness(string Status, int? SchemaVersion, int ExpectedSchemaVersion, long? QueueDepth,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Error)
    {
        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public string? Name { get; init; }

        [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        public IReadOnlyList<Readiness>? Shards { get; init; }
    }

    private static async Task<Readiness> ReadinessAsync(AnalyticsDatabase database, CancellationToken cancellationToken)
    {
        var migrator = new SchemaMigrator(database);
        try
        {
            var version = await migrator.GetCurrentVersionAsync(cancellationToken);
            var depth = await new JobQueue(database).OutstandingAsync(cancellationToken);
            return new Readiness(version == migrator.LatestVersion ? "ready" : "schema not current", version, migrator.LatestVersion, depth, null);
        }
        catch (Exception e) when (e is AnalyticsException or System.Data.Common.DbException)
        {
            return new Readiness("database unreachable", null, migrator.LatestVersion, null, database.DescribeError(e) ?? e.Message);
        }
    }
}
