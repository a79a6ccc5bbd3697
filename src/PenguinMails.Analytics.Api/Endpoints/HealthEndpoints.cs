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
        app.MapGet("/readyz", async (AnalyticsDatabase database, CancellationToken cancellationToken) =>
        {
            try
            {
                var migrator = new SchemaMigrator(database);
                var version = await migrator.GetCurrentVersionAsync(cancellationToken);
                var depth = await new JobQueue(database).OutstandingAsync(cancellationToken);
                var current = version == migrator.LatestVersion;
                return Results.Json(
                    new { status = current ? "ready" : "schema not current", schema_version = version, expected_schema_version = migrator.LatestVersion, queue_depth = depth },
                    statusCode: current ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
            }
            catch (Exception e) when (e is AnalyticsException or System.Data.Common.DbException)
            {
                return Results.Json(new { status = "database unreachable", error = database.DescribeError(e) ?? e.Message }, statusCode: StatusCodes.Status503ServiceUnavailable);
            }
        }).ExcludeFromDescription();
    }
}
