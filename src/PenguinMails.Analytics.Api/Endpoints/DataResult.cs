using System.Text.Json;
using PenguinMails.Analytics.Api.Auth;
using PenguinMails.Analytics.Exports;
using PenguinMails.Analytics.Queries;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary>
/// The shape of every read: <c>{"data": [row objects keyed by column name], "as_of": timestamp,
/// "paging": {...}}</c>, written straight to the response with the same value rules as the CLI's JSON.
/// </summary>
public sealed class DataResult(ScopedRows rows, DateTime? asOf, int? limit = null, int? offset = null) : IResult, IReadResult
{
    /// <summary>More top-level members after <c>data</c> (for example the A/B comparisons of a campaign's steps).</summary>
    public IReadOnlyDictionary<string, object> Extra { get; init; } = new Dictionary<string, object>();

    /// <summary>Rows in <c>data</c> (for the access audit).</summary>
    public int RowCount => rows.Rows.Count;

    /// <summary>The same result with only the named columns (a time series of one metric).</summary>
    public DataResult Only(params string[] columns)
    {
        var indexes = columns.Select(c => rows.Columns.ToList().IndexOf(c)).ToArray();
        var narrowed = new ScopedRows(columns, rows.Rows.Select(r => indexes.Select(i => r[i]).ToArray()).ToList());
        return new DataResult(narrowed, asOf, limit, offset) { Extra = Extra };
    }

    private static readonly JsonSerializerOptions SnakeCase = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        // Over the response's PipeWriter the JSON writer never blocks on I/O; rows are flushed in chunks.
        var body = httpContext.Response.BodyWriter;
        await using var writer = new Utf8JsonWriter(body);
        await WriteAsync(writer, () => body.FlushAsync(httpContext.RequestAborted).AsTask());
        await body.FlushAsync(httpContext.RequestAborted);
    }

    /// <summary>The whole response as JSON bytes (for <see cref="ResponseCache"/>).</summary>
    public byte[] ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteAsync(writer, () => Task.CompletedTask).GetAwaiter().GetResult(); // in memory: never waits
        }
        return buffer.WrittenSpan.ToArray();
    }

    private async Task WriteAsync(Utf8JsonWriter writer, Func<Task> flush)
    {
        writer.WriteStartObject();
        writer.WriteStartArray("data");
        foreach (var row in rows.Rows)
        {
            writer.WriteStartObject();
            for (var i = 0; i < rows.Columns.Count; i++)
            {
                writer.WritePropertyName(rows.Columns[i]);
                TabularValue.Write(writer, row[i]);
            }
            writer.WriteEndObject();
            if (writer.BytesPending > 32 * 1024)
            {
                writer.Flush();
                await flush();
            }
        }
        writer.WriteEndArray();
        foreach (var (name, value) in Extra)
        {
            writer.WritePropertyName(name);
            JsonSerializer.Serialize(writer, value, SnakeCase);
        }
        writer.WritePropertyName("as_of");
        TabularValue.Write(writer, asOf);
        if (limit is not null)
        {
            writer.WriteStartObject("paging");
            writer.WriteNumber("limit", limit.Value);
            writer.WriteNumber("offset", offset ?? 0);
            if (rows.Rows.Count == limit)
            {
                writer.WriteNumber("next_offset", (offset ?? 0) + limit.Value);
            }
            writer.WriteEndObject();
        }
        writer.WriteEndObject();
        writer.Flush();
    }
}
