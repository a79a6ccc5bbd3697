using System.CommandLine;
using System.Text.Json;
using PenguinMails.Analytics.Cluster;
using PenguinMails.Analytics.Ingestion;
using PenguinMails.Analytics.Storage.Migrations;
using Spectre.Console;

namespace PenguinMails.Analytics.Cli.Commands;

/// <summary>
/// <c>penguin-analytics ingest FILE|-</c>: loads NDJSON records of the data contract. Prints
/// <c>accepted N, rejected M</c> and each rejection (line, field, reason) on stderr.
/// Exit codes: 0 everything accepted, 2 some lines rejected (the rest is stored), 1 failure.
/// </summary>
public static class IngestCommand
{
    /// <summary>Exit code when some lines were rejected and the others accepted.</summary>
    public const int SomeRejected = 2;

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "An NDJSON file, or - for standard input." };
        var format = new Option<string>("--format") { Description = "text or json (a summary object on stdout).", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json");
        var batchLines = new Option<int?>("--batch-lines") { Description = "Lines per transaction. [default: 400000 on DuckDB, 200000 on PostgreSQL]" };
        var command = new Command("ingest", "Ingest NDJSON entity upserts and email events (see README, data contract).") { file, format, batchLines };
        command.SetAction((parse, cancellationToken) => CommandRunner.RunAsync(parse.GetValue(CommonOptions.Database), async (database, ct) =>
        {
            await new SchemaMigrator(database).EnsureCurrentAsync(ct);
            var path = parse.GetRequiredValue(file);
            var options = new IngestOptions { BatchLines = parse.GetValue(batchLines) is { } lines ? Math.Max(1, lines) : null };
            if (path != "-" && !File.Exists(path))
            {
                throw new AnalyticsException($"No such file: {path}");
            }
            await using var input = path == "-" ? Console.OpenStandardInput() : File.OpenRead(path);
            await using var cluster = await ClusterTopology.OpenAsync(database, ct);
            IReadOnlyList<RefusedPart> refused = [];
            IngestResult result;
            if (cluster is null)
            {
                result = await IngestWithProgressAsync(new Ingestor(database, options), input, path == "-" ? null : new FileInfo(path).Length, ct);
            }
            else
            {
                // Split by tenant and written on each tenant's shard.
                var routed = await new ClusterIngestor(cluster, options).IngestAsync(input, ct);
                result = new IngestResult(routed.Accepted, routed.Rejected, routed.Errors);
                refused = routed.Refused;
            }

            if (parse.GetValue(format) == "json")
            {
                var summary = new
                {
                    accepted = result.Accepted,
                    rejected = result.Rejected,
                    errors = result.Errors.Select(e => new { line = e.Line, field = e.Field, reason = e.Reason }),
                };
                Console.Out.WriteLine(JsonSerializer.Serialize(summary));
            }
            else
            {
                foreach (var error in result.Errors)
                {
                    Console.Error.WriteLine(error);
                }
                if (result.Rejected > result.Errors.Count)
                {
                    Console.Error.WriteLine($"... and {result.Rejected - result.Errors.Count} more rejected lines");
                }
                Console.Out.WriteLine($"accepted {result.Accepted}, rejected {result.Rejected}");
            }
            foreach (var part in refused)
            {
                Console.Error.WriteLine($"error: {part.Describe()}");
            }
            return refused.Count > 0 ? CommandRunner.Failure : result.Rejected == 0 ? 0 : SomeRejected;
        }, cancellationToken));
        return command;
    }

    private static async Task<IngestResult> IngestWithProgressAsync(Ingestor ingestor, Stream input, long? length, CancellationToken cancellationToken)
    {
        if (Console.IsErrorRedirected || Console.IsOutputRedirected)
        {
            return await ingestor.IngestAsync(input, null, cancellationToken);
        }
        var started = DateTime.UtcNow;
        IngestResult? result = null;
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("ingest", maxValue: length ?? 1);
                task.IsIndeterminate = length is null;
                var progress = new Progress<IngestProgress>(p =>
                {
                    var seconds = Math.Max(0.001, (DateTime.UtcNow - started).TotalSeconds);
                    task.Description = $"ingest: {p.Lines:N0} lines, {p.Lines / seconds:N0} rows/s, {p.Rejected:N0} rejected";
                    task.Value = length is null ? 0 : p.Bytes;
                });
                result = await ingestor.IngestAsync(input, progress, cancellationToken);
            });
        return result!;
    }
}
