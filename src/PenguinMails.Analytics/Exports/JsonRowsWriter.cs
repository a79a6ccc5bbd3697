using System.Text.Json;
using PenguinMails.Analytics.Queries;

namespace PenguinMails.Analytics.Exports;

/// <summary>Streams rows as a JSON array of objects keyed by column name, one row in memory at a time.</summary>
public static class JsonRowsWriter
{
    private static readonly string[] JsonTypeNames = ["json", "jsonb", "JSON"];

    /// <summary>Writes every row of <paramref name="result"/> to <paramref name="output"/>; returns the row count.</summary>
    public static async Task<long> WriteAsync(QueryResult result, Stream output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(result);
        var columns = result.Columns;
        var isJson = Enumerable.Range(0, columns.Count)
            .Select(i => JsonTypeNames.Contains(result.Reader.GetDataTypeName(i), StringComparer.OrdinalIgnoreCase))
            .ToArray();

        await using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        writer.WriteStartArray();
        long rows = 0;
        while (await result.ReadAsync(cancellationToken))
        {
            writer.WriteStartObject();
            for (var i = 0; i < columns.Count; i++)
            {
                writer.WritePropertyName(columns[i]);
                TabularValue.Write(writer, result.GetValue(i), isJson[i]);
            }
            writer.WriteEndObject();
            rows++;
            if (writer.BytesPending > 64 * 1024)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }
        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken);
        return rows;
    }
}
