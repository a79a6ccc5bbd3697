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
        await using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        var rows = await WriteArrayAsync(result, writer, long.MaxValue, cancellationToken);
        await writer.FlushAsync(cancellationToken);
        return rows;
    }

    /// <summary>
    /// Writes the rows as one array value into <paramref name="writer"/> (at the root, or as the
    /// value of a property just written), flushing as it goes; more than <paramref name="maxRows"/>
    /// rows is an error (an export's limit).
    /// </summary>
    public static async Task<long> WriteArrayAsync(QueryResult result, Utf8JsonWriter writer, long maxRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(writer);
        var columns = result.Columns;
        // json/jsonb columns nest as JSON: PostgreSQL names their type, DuckDB calls JSON VARCHAR (the schema's names decide).
        var isJson = Enumerable.Range(0, columns.Count)
            .Select(i => JsonTypeNames.Contains(result.Reader.GetDataTypeName(i), StringComparer.OrdinalIgnoreCase) || ScopedQuery.IsJsonColumn(columns[i]))
            .ToArray();
        writer.WriteStartArray();
        long rows = 0;
        while (await result.ReadAsync(cancellationToken))
        {
            RowLimit.Check(++rows, maxRows);
            writer.WriteStartObject();
            for (var i = 0; i < columns.Count; i++)
            {
                writer.WritePropertyName(columns[i]);
                TabularValue.Write(writer, result.GetValue(i), isJson[i]);
            }
            writer.WriteEndObject();
            if (writer.BytesPending > 64 * 1024)
            {
                await writer.FlushAsync(cancellationToken);
            }
        }
        writer.WriteEndArray();
        return rows;
    }
}
