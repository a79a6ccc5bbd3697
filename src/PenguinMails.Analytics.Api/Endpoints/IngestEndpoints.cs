using System.IO.Compression;
using PenguinMails.Analytics.Api.Auth;
using PenguinMails.Analytics.Api.Routing;
using PenguinMails.Analytics.Cluster;
using PenguinMails.Analytics.Ingestion;
using PenguinMails.Analytics.Security;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary>
/// <c>POST /v1/ingest</c>: an NDJSON body (gzip accepted), the same code path as
/// <c>penguin-analytics ingest</c>. 202 with <c>{accepted, rejected, errors: [{line, field, reason}]}</c>;
/// 413 over the size limit. A producer's key writes only its own tenant's records.
/// </summary>
public static class IngestEndpoints
{
    /// <summary>What an ingest stored and refused: each refused line with its field and reason.</summary>
    public sealed record IngestResponse(long Accepted, long Rejected, IReadOnlyList<IngestRejection> Errors);

    /// <summary>One refused line.</summary>
    public sealed record IngestRejection(long Line, string Field, string Reason);

    public static RouteGroupBuilder MapIngestApi(this RouteGroupBuilder v1)
    {
        v1.MapPost("/ingest", async (HttpContext http, AnalyticsDatabase database, ApiOptions options, ServiceGraphs graphs) =>
        {
            var caller = Caller.Of(http);
            if (http.Request.ContentLength > options.MaxIngestBytes)
            {
                return TooLarge(options.MaxIngestBytes);
            }
            Stream body = http.Request.Body;
            var gzip = http.Request.Headers.ContentEncoding.ToString().Equals("gzip", StringComparison.OrdinalIgnoreCase);
            if (gzip)
            {
                body = new LimitedStream(new GZipStream(body, CompressionMode.Decompress), options.MaxDecompressedIngestBytes);
            }
            try
            {
                var ingestOptions = new IngestOptions { TenantId = caller.Key.IsAdmin ? null : caller.Key.TenantId };
                // On a cluster the batch is split by tenant and each part written on its tenant's shard.
                async Task<(IngestResult, IReadOnlyList<RefusedPart>)> IngestAsync(Stream input)
                {
                    if (graphs.Cluster is { } cluster)
                    {
                        var routed = await new ClusterIngestor(cluster, ingestOptions).IngestAsync(input, http.RequestAborted);
                        return (new IngestResult(routed.Accepted, routed.Rejected, routed.Errors), routed.Refused);
                    }
                    return (await new Ingestor(database, ingestOptions).IngestAsync(input, null, http.RequestAborted), []);
                }
                IngestResult result;
                IReadOnlyList<RefusedPart> refused;
                if (!gzip && http.Request.ContentLength is not null)
                {
                    // A declared length within the limit (Kestrel refuses a larger one before reading):
                    // the body streams straight into the ingest, batch by batch.
                    (result, refused) = await IngestAsync(body);
                }
                else
                {
                    // Chunked or compressed: the size is known only at the end, so the body is spooled
                    // to a temporary file first and a body over the limit is refused before anything
                    // of it is stored; memory stays flat whatever the size.
                    await using var spool = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
                    await body.CopyToAsync(spool, http.RequestAborted);
                    spool.Position = 0;
                    (result, refused) = await IngestAsync(spool);
                }
                if (refused.Count > 0)
                {
                    // A shard that is down: its tenants' lines were not stored, everything else was.
                    return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Shard unavailable",
                        detail: string.Join("; ", refused.Select(r => r.Describe())),
                        extensions: new Dictionary<string, object?> { ["accepted"] = result.Accepted, ["rejected"] = result.Rejected });
                }
                return Results.Json(new IngestResponse(result.Accepted, result.Rejected, [.. result.Errors.Select(e => new IngestRejection(e.Line, e.Field, e.Reason))]),
                    statusCode: StatusCodes.Status202Accepted);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return TooLarge(options.MaxIngestBytes);
            }
            catch (LimitedStream.LimitExceededException)
            {
                return TooLarge(options.MaxDecompressedIngestBytes, "after gzip decompression");
            }
            catch (InvalidDataException e) when (gzip)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad gzip body", detail: e.Message);
            }
        })
        .RequireApiKey(ApiKeyRole.Ingest)
        .Accepts<string>("application/x-ndjson")
        .Produces<IngestResponse>(StatusCodes.Status202Accepted)
        .ProducesProblem(StatusCodes.Status400BadRequest)
        .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
        .RateLimitedAndAudited("pending_events", queryType: "api")
        .WithSummary("Ingest NDJSON entity upserts and email events (gzip accepted).");
        return v1;
    }

    private static IResult TooLarge(long limit, string? what = null) => Results.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large",
        detail: $"The body is larger than the limit of {limit:N0} bytes{(what is null ? "" : " " + what)}: send it in several requests.");

    /// <summary>Stops reading past a limit, so a small compressed body cannot inflate without bound.</summary>
    private sealed class LimitedStream(Stream inner, long limit) : Stream
    {
        private long read;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => read; set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            read += n;
            return read > limit ? throw new LimitExceededException() : n;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush() => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }
            base.Dispose(disposing);
        }

        public sealed class LimitExceededException : Exception;
    }
}
