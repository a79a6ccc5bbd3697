using System.Text.Json;
using PenguinMails.Analytics.Exports;
using PenguinMails.Analytics.Queries;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary>
/// The shape of every read: <c>{"data": [row objects keyed by column name], "as_of": timestamp,
/// "paging": {...}}</c>, written straight to the response with the same value rules as the CLI's JSON.
/// </summary>
public sealed class DataResult(ScopedRows rows, DateTime? asOf, int? limit = null, int? offset = null) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        await using var writer = new Utf8JsonWriter(httpContext.Response.Body);
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
        }
        writer.WriteEndArray();
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
        await writer.FlushAsync(httpContext.RequestAborted);
    }
}
