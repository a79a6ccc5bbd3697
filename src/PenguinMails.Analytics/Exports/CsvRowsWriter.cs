using CsvHelper;
using PenguinMails.Analytics.Queries;

namespace PenguinMails.Analytics.Exports;

/// <summary>Streams rows as RFC 4180 CSV with a header line (CsvHelper does the quoting).</summary>
public static class CsvRowsWriter
{
    /// <summary>Writes every row of <paramref name="result"/> to <paramref name="output"/>; returns the row count.</summary>
    public static Task<long> WriteAsync(QueryResult result, TextWriter output, CancellationToken cancellationToken = default) =>
        WriteAsync(result, output, long.MaxValue, cancellationToken);

    /// <summary>The same, where more than <paramref name="maxRows"/> rows is an error (an export's limit).</summary>
    public static async Task<long> WriteAsync(QueryResult result, TextWriter output, long maxRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        await using var csv = CsvWriter.Create(output, CsvWriterOptions.Default, leaveOpen: true);
        var columns = result.Columns;
        foreach (var column in columns)
        {
            csv.WriteField(column);
        }
        await csv.EndRecordAsync(cancellationToken);

        long rows = 0;
        while (await result.ReadAsync(cancellationToken))
        {
            RowLimit.Check(++rows, maxRows);
            for (var i = 0; i < columns.Count; i++)
            {
                csv.WriteField(TabularValue.ToText(result.GetValue(i)));
            }
            await csv.EndRecordAsync(cancellationToken);
        }
        await csv.FlushAsync(cancellationToken);
        return rows;
    }
}
