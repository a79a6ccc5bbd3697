using System.Text.Json;
using PenguinMails.Analytics.Queries;

namespace PenguinMails.Analytics.Exports.Formats;

/// <summary>JSON: <c>{"watermark": ..., "report": ..., "columns": [...], "rows": [{...}]}</c>, one row in memory at a time.</summary>
internal static class JsonExportWriter
{
    public static async Task<long> WriteAsync(QueryResult rows, Stream output, string report, Watermark? watermark, long maxRows, CancellationToken cancellationToken)
    {
        await using var writer = new Utf8JsonWriter(output);
        var columns = rows.Columns;
        var isJson = columns.Select(ScopedQuery.IsJsonColumn).ToArray();
        writer.WriteStartObject();
        if (watermark is not null)
        {
            writer.WriteString("watermark", watermark.Text);
        }
        writer.WriteString("report", report);
        writer.WriteStartArray("columns");
        foreach (var column in columns)
        {
            writer.WriteStringValue(column);
        }
        writer.WriteEndArray();
        writer.WriteStartArray("rows");
        long count = 0;
        while (await rows.ReadAsync(cancellationToken))
        {
            ExportLimit.Check(++count, maxRows);
            writer.WriteStartObject();
            for (var i = 0; i < columns.Count; i++)
            {
                writer.WritePropertyName(columns[i]);
                TabularValue.Write(writer, rows.GetValue(i), isJson[i]);
            }
            writer.WriteEndObject();
            if (writer.BytesPending > 64 * 1024)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }
        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken);
        return count;
    }
}
