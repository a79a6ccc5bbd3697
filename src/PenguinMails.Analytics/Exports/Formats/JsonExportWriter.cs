using System.Text.Json;
using PenguinMails.Analytics.Queries;

namespace PenguinMails.Analytics.Exports.Formats;

/// <summary>JSON: <c>{"watermark": ..., "report": ..., "columns": [...], "rows": [{...}]}</c>, one row in memory at a time.</summary>
internal static class JsonExportWriter
{
    public static async Task<long> WriteAsync(QueryResult rows, Stream output, string report, Watermark? watermark, long maxRows, CancellationToken cancellationToken)
    {
        await using var writer = new Utf8JsonWriter(output);
        writer.WriteStartObject();
        if (watermark is not null)
        {
            writer.WriteString("watermark", watermark.Text);
        }
        writer.WriteString("report", report);
        writer.WriteStartArray("columns");
        foreach (var column in rows.Columns)
        {
            writer.WriteStringValue(column);
        }
        writer.WriteEndArray();
        writer.WritePropertyName("rows");
        var count = await JsonRowsWriter.WriteArrayAsync(rows, writer, maxRows, cancellationToken);
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
        return count;
    }
}
