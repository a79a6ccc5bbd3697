using System.Text;
using PenguinMails.Analytics.Queries;

namespace PenguinMails.Analytics.Exports.Formats;

/// <summary>CSV: the watermark as a first <c>#</c> comment line, then the rows as <see cref="CsvRowsWriter"/> writes them.</summary>
internal static class CsvExportWriter
{
    public static async Task<long> WriteAsync(QueryResult rows, Stream output, Watermark? watermark, long maxRows, CancellationToken cancellationToken)
    {
        await using var text = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true);
        if (watermark is not null)
        {
            await text.WriteLineAsync($"# {watermark.Text}");
        }
        var count = await CsvRowsWriter.WriteAsync(rows, text, maxRows, cancellationToken);
        await text.FlushAsync(cancellationToken);
        return count;
    }
}
