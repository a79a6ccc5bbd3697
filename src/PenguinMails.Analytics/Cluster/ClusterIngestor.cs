using System.Text;
using PenguinMails.Analytics.Ingestion;
using PenguinMails.Analytics.Ingestion.Records;

namespace PenguinMails.Analytics.Cluster;

/// <summary>
/// Ingest against a coordinator: each batch is split by tenant (<see cref="TenantRouter"/>) and
/// each part is ingested on its tenant's shard by the normal <see cref="Ingestor"/>, in that
/// shard's own transaction, the shards in parallel. Rejections keep the input's line numbers. A
/// shard that is down refuses only its part: <see cref="ClusterIngestResult.Refused"/> says which
/// tenants' lines were not accepted (sending the same input again is safe: event ids are
/// idempotent, entity upserts too). Events whose email no shard knows yet wait on the coordinator.
/// </summary>
public sealed class ClusterIngestor(ClusterTopology cluster, IngestOptions? options = null)
{
    private readonly IngestOptions options = options ?? new IngestOptions();

    /// <summary>Reads <paramref name="input"/> to its end and ingests it batch by batch on the shards.</summary>
    public async Task<ClusterIngestResult> IngestAsync(Stream input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var report = new RejectionReport(options.MaxReportedErrors);
        var refused = new Dictionary<string, RefusedPart>(StringComparer.Ordinal);
        var reader = new NdjsonLineReader(input, options.MaxLineBytes);
        var parser = new RecordParser(options.MaxIdLength, options.Timestamps);
        var router = new TenantRouter(cluster, options.TenantId);
        var batch = new List<RoutedLine>();
        var batchLimit = options.BatchLines ?? cluster.Coordinator.IngestBatchLines;
        long accepted = 0;
        while (true)
        {
            var (read, lineNumber, tooLong) = await reader.ReadAsync(cancellationToken);
            if (!read)
            {
                break;
            }
            if (tooLong)
            {
                report.Add(new Rejection(lineNumber, Rejection.WholeLine, $"the line is longer than the limit of {options.MaxLineBytes} bytes"));
                continue;
            }
            var span = reader.Current.Span;
            if (span.Trim(" \t\r"u8).IsEmpty)
            {
                continue;
            }
            // Parsed here to learn where the line goes; the shard parses it again (and would
            // reject it the same way), so a bad line is reported once, here.
            var record = parser.Parse(span, lineNumber, out var rejection);
            if (record is null)
            {
                report.Add(rejection!);
                continue;
            }
            batch.Add(new RoutedLine(lineNumber, span.ToArray(), record));
            if (batch.Count >= batchLimit)
            {
                accepted += await WriteAsync(router, batch, report, refused, cancellationToken);
                batch = [];
            }
        }
        accepted += await WriteAsync(router, batch, report, refused, cancellationToken);
        // Held lines were counted as accepted when they were held.
        await router.ReleaseHeldAsync(this, report, refused, cancellationToken);
        return new ClusterIngestResult(accepted, report.Count, report.Sorted(), [.. refused.Values]);
    }

    private async Task<long> WriteAsync(TenantRouter router, List<RoutedLine> batch, RejectionReport report, Dictionary<string, RefusedPart> refused, CancellationToken cancellationToken)
    {
        if (batch.Count == 0)
        {
            return 0;
        }
        var routes = await router.RouteAsync(batch, report, cancellationToken);
        foreach (var refusal in routes.Refused)
        {
            if (!refused.TryGetValue(refusal.Reason, out var part))
            {
                refused[refusal.Reason] = part = new RefusedPart(refusal.Shard, refusal.Reason, refusal.Retry);
            }
            part.Lines += refusal.Lines.Count;
            part.Tenants.UnionWith(refusal.Lines.Select(l => l.Tenant).OfType<string>());
        }
        return routes.Held + await WriteToShardsAsync(routes.ByShard, report, refused, cancellationToken);
    }

    /// <summary>Ingests each shard's lines on that shard (in parallel); returns the lines accepted.</summary>
    internal async Task<long> WriteToShardsAsync(
        IReadOnlyDictionary<Shard, List<RoutedLine>> byShard, RejectionReport report, Dictionary<string, RefusedPart> refused, CancellationToken cancellationToken)
    {
        var writes = byShard.Select(async part =>
        {
            var lines = part.Value;
            using var stream = new MemoryStream();
            foreach (var line in lines)
            {
                stream.Write(line.Utf8);
                stream.WriteByte((byte)'\n');
            }
            stream.Position = 0;
            try
            {
                var database = cluster.DatabaseOf(part.Key);
                var shardOptions = new IngestOptions
                {
                    MaxLineBytes = options.MaxLineBytes, BatchLines = int.MaxValue, MaxReportedErrors = options.MaxReportedErrors,
                    TenantId = options.TenantId, MaxIdLength = options.MaxIdLength, Timestamps = options.Timestamps,
                };
                var result = await new Ingestor(database, shardOptions).IngestAsync(stream, null, cancellationToken);
                foreach (var error in result.Errors)
                {
                    report.Add(error with { Line = lines[(int)error.Line - 1].Line });
                }
                report.AddUnlisted(result.Rejected - result.Errors.Count);
                return (part.Key, result.Accepted, (Exception?)null);
            }
            catch (AnalyticsException e)
            {
                return (part.Key, 0L, e);
            }
        });
        long accepted = 0;
        foreach (var (shard, count, failure) in await Task.WhenAll(writes))
        {
            accepted += count;
            if (failure is not null)
            {
                var lines = byShard[shard];
                if (!refused.TryGetValue(failure.Message, out var part))
                {
                    refused[failure.Message] = part = new RefusedPart(shard, failure.Message);
                }
                part.Lines += lines.Count;
                foreach (var tenant in lines.Select(l => l.Tenant).OfType<string>())
                {
                    part.Tenants.Add(tenant);
                }
            }
        }
        return accepted;
    }
}

/// <summary>One parsed input line, the tenant it belongs to (once routed) and its original bytes.</summary>
internal sealed class RoutedLine(long line, byte[] utf8, object record)
{
    public long Line { get; } = line;

    public byte[] Utf8 { get; } = utf8;

    public object Record { get; } = record;

    public string? Tenant { get; set; }

    public string Text => Encoding.UTF8.GetString(Utf8);

    public string? EmailId => Record is EmailEventRecord e ? e.EmailId : null;
}

/// <summary>What <see cref="ClusterIngestor"/> did: as <see cref="IngestResult"/>, plus the parts refused because their shard was down.</summary>
public sealed record ClusterIngestResult(long Accepted, long Rejected, IReadOnlyList<Rejection> Errors, IReadOnlyList<RefusedPart> Refused);

/// <summary>The lines of a shard that was down (or of tenants being moved off it): not accepted, per tenant.</summary>
public sealed class RefusedPart(Shard shard, string reason, string retry = "once the shard is back")
{
    /// <summary>The shard.</summary>
    public Shard Shard { get; } = shard;

    /// <summary>Why (the first failure).</summary>
    public string Reason { get; } = reason;

    /// <summary>How many lines were not accepted.</summary>
    public long Lines { get; internal set; }

    /// <summary>The tenants whose lines those were.</summary>
    public SortedSet<string> Tenants { get; } = new(StringComparer.Ordinal);

    /// <summary>What to tell the sender (the CLI's error line, the API's 503 detail).</summary>
    public string Describe() =>
        $"{Reason}: {Lines} lines {(Tenants.Count == 0 ? "whose tenant could not be looked up" : $"of tenant(s) {string.Join(", ", Tenants)}")} were not accepted "
        + $"(everything else was; send the same input again {retry})";
}
