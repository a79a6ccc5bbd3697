using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using PenguinMails.Analytics.Queries;

namespace PenguinMails.Analytics.Exports.Formats;

/// <summary>
/// XLSX (Open XML SDK): the report sheet written row by row with <see cref="OpenXmlWriter"/> and
/// inline strings (no shared-string table), so memory stays flat; the watermark is the sheet's
/// first line and a sheet of its own. The package needs a seekable stream (a file).
/// </summary>
internal static class XlsxExportWriter
{
    public static Task<long> WriteAsync(QueryResult rows, Stream seekableOutput, string report, Watermark? watermark, long maxRows, CancellationToken cancellationToken)
    {
        using var document = SpreadsheetDocument.Create(seekableOutput, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        var data = workbook.AddNewPart<WorksheetPart>();
        long count = 0;
        using (var writer = OpenXmlWriter.Create(data))
        {
            writer.WriteStartElement(new Worksheet());
            writer.WriteStartElement(new SheetData());
            if (watermark is not null)
            {
                WriteRow(writer, [watermark.Text]);
            }
            var columns = rows.Columns;
            WriteRow(writer, [.. columns]);
            var values = new object?[columns.Count];
            // OpenXmlWriter is synchronous; the reader's rows arrive as the writer goes.
            while (rows.ReadAsync(cancellationToken).GetAwaiter().GetResult())
            {
                ExportLimit.Check(++count, maxRows);
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = rows.GetValue(i);
                }
                WriteRow(writer, values);
            }
            writer.WriteEndElement();
            writer.WriteEndElement();
        }
        var sheets = new Sheets(new Sheet { Id = workbook.GetIdOfPart(data), SheetId = 1, Name = SheetName(report) });
        if (watermark is not null)
        {
            var mark = workbook.AddNewPart<WorksheetPart>();
            mark.Worksheet = new Worksheet(new SheetData(
                new Row(TextCell(watermark.Text)), new Row(TextCell($"tenant: {watermark.TenantId}")),
                new Row(TextCell($"requested by: {watermark.RequestedBy}")),
                new Row(TextCell($"created: {watermark.Created.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC"))));
            sheets.Append(new Sheet { Id = workbook.GetIdOfPart(mark), SheetId = 2, Name = "Watermark" });
        }
        workbook.Workbook = new Workbook(sheets);
        workbook.Workbook.Save();
        return Task.FromResult(count);
    }

    private static string SheetName(string report) => report.Length <= 31 ? report : report[..31];

    private static void WriteRow(OpenXmlWriter writer, IReadOnlyList<object?> values)
    {
        writer.WriteStartElement(new Row());
        foreach (var value in values)
        {
            writer.WriteElement(value switch
            {
                null or DBNull => new Cell(),
                sbyte or byte or short or ushort or int or uint or long or ulong or decimal or double or float or System.Numerics.BigInteger
                    => new Cell { DataType = CellValues.Number, CellValue = new CellValue(Convert.ToString(value, CultureInfo.InvariantCulture)!) },
                _ => TextCell(TabularValue.ToText(value) ?? ""),
            });
        }
        writer.WriteEndElement();
    }

    private static Cell TextCell(string text) => new() { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(text)) };
}
