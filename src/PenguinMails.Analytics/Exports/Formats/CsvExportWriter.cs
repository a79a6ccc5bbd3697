using System.Text;
using CsvHelper;
using PenguinMails.Analytics.Queries;

namespace PenguinMails.Analytics.Exports.Formats;

/// <summary>CSV (CsvHelper): the watermark as a first <c>#</c> comment line, then the header and the rows.</summary>
internal static class CsvExportWriter
{
    public static async Task<long> WriteAsync(QueryResult rows, Stream output, Watermark? watermark, long maxRows, CancellationToken cancellationToken)
    {
        await using var text = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        if (watermark is not null)
        {
            await text.WriteLineAsync($"# {watermark.Text}");
        }
        await using var csv = CsvWriter.Create(text, CsvWriterOptions.Default, leaveOpen: true);
        var columns = rows.Columns;
        foreach (var column in columns)
        {
            csv.WriteField(column);
        }
        await csv.EndRecordAsync(cancellationToken);
        long count = 0;
        while (await rows.ReadAsync(cancellationToken))
        {
            ExportLimit.Check(++count, maxRows);
            for (var i = 0; i < columns.Count; i++)
            {
                csv.WriteField(TabularValue.ToText(rows.GetValue(i)));
            }
            await csv.EndRecordAsync(cancellationToken);
        }
        await csv.FlushAsync(cancellationToken);
        return count;
    }
}
