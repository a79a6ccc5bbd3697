using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using PenguinMails.Analytics.Queries;

namespace PenguinMails.Analytics.Exports.Formats;

/// <summary>
/// XLSX written as a stream: a zip in create mode (each part compressed straight out, nothing
/// kept) holding the minimal SpreadsheetML package — the report sheet row by row with inline
/// strings, the watermark as its first line and as a sheet of its own. The Open XML SDK was the
/// first choice, but its packages buffer a part in memory until they are closed (measured:
/// 1.2 GB of managed heap for a million rows), so the parts are written with XmlWriter here and
/// the tests read the files back, and validate them, with the SDK.
/// </summary>
internal static class XlsxExportWriter
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    public static async Task<long> WriteAsync(QueryResult rows, Stream output, string report, Watermark? watermark, long maxRows, CancellationToken cancellationToken)
    {
        using var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true);
        var sheets = watermark is null ? new[] { SheetName(report) } : [SheetName(report), "Watermark"];
        await PartAsync(zip, "[Content_Types].xml", ContentTypes(sheets.Length));
        await PartAsync(zip, "_rels/.rels",
            $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{Relationships}/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
        await PartAsync(zip, "xl/workbook.xml",
            $"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{Main}" xmlns:r="{Relationships}"><sheets>"""
            + string.Concat(sheets.Select((name, i) => $"""<sheet name="{Escape(name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>"""))
            + "</sheets></workbook>");
        await PartAsync(zip, "xl/_rels/workbook.xml.rels",
            """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"""
            + string.Concat(sheets.Select((_, i) => $"""<Relationship Id="rId{i + 1}" Type="{Relationships}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>"""))
            + "</Relationships>");

        long count = 0;
        await SheetAsync(zip, 1, async xml =>
        {
            if (watermark is not null)
            {
                await RowAsync(xml, [watermark.Text]);
            }
            var columns = rows.Columns;
            await RowAsync(xml, [.. columns]);
            var values = new object?[columns.Count];
            while (await rows.ReadAsync(cancellationToken))
            {
                RowLimit.Check(++count, maxRows);
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = rows.GetValue(i);
                }
                await RowAsync(xml, values);
            }
        });
        if (watermark is not null)
        {
            await SheetAsync(zip, 2, async xml =>
            {
                foreach (var line in new[] { watermark.Text, $"tenant: {watermark.TenantId}", $"requested by: {watermark.RequestedBy}",
                    $"created: {watermark.Created.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC" })
                {
                    await RowAsync(xml, [line]);
                }
            });
        }
        return count;
    }

    // One worksheet part: its rows are written by `rows` as they come.
    private static async Task SheetAsync(ZipArchive zip, int number, Func<XmlWriter, Task> rows)
    {
        await using var part = zip.CreateEntry($"xl/worksheets/sheet{number}.xml", CompressionLevel.Fastest).Open();
        await using var xml = XmlWriter.Create(part, new XmlWriterSettings { Async = true, Encoding = new UTF8Encoding(false) });
        await xml.WriteStartDocumentAsync(standalone: true);
        await xml.WriteStartElementAsync(null, "worksheet", Main);
        await xml.WriteStartElementAsync(null, "sheetData", Main);
        await rows(xml);
        await xml.WriteEndElementAsync();
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
    }

    private static async Task RowAsync(XmlWriter xml, IReadOnlyList<object?> values)
    {
        await xml.WriteStartElementAsync(null, "row", Main);
        foreach (var value in values)
        {
            await xml.WriteStartElementAsync(null, "c", Main);
            switch (value)
            {
                case null or DBNull:
                    break;
                case sbyte or byte or short or ushort or int or uint or long or ulong or decimal or double or float or System.Numerics.BigInteger:
                    await xml.WriteElementStringAsync(null, "v", Main, Convert.ToString(value, CultureInfo.InvariantCulture) ?? "");
                    break;
                default:
                    await xml.WriteAttributeStringAsync(null, "t", null, "inlineStr");
                    await xml.WriteStartElementAsync(null, "is", Main);
                    await xml.WriteStartElementAsync(null, "t", Main);
                    await xml.WriteAttributeStringAsync("xml", "space", null, "preserve");
                    await xml.WriteStringAsync(XmlSafe(TabularValue.ToText(value) ?? ""));
                    await xml.WriteEndElementAsync();
                    await xml.WriteEndElementAsync();
                    break;
            }
            await xml.WriteEndElementAsync();
        }
        await xml.WriteEndElementAsync();
    }

    private static async Task PartAsync(ZipArchive zip, string name, string content)
    {
        await using var part = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        await part.WriteAsync(Encoding.UTF8.GetBytes(content));
    }

    private static string ContentTypes(int sheets) =>
        """<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"""
        + """<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>"""
        + """<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"""
        + string.Concat(Enumerable.Range(1, sheets).Select(i => $"""<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"""))
        + "</Types>";

    // Excel's limits for sheet names: 31 characters, none of : \ / ? * [ ].
    private static string SheetName(string report) => new(report.Where(c => c is not (':' or '\\' or '/' or '?' or '*' or '[' or ']')).Take(31).ToArray());

    private static string Escape(string text) => System.Security.SecurityElement.Escape(text);

    // Characters XML 1.0 cannot hold (control characters) become U+FFFD instead of failing the export.
    private static string XmlSafe(string text) =>
        text.Any(c => c < 0x20 && c is not ('\t' or '\n' or '\r')) ? new string(text.Select(c => c < 0x20 && c is not ('\t' or '\n' or '\r') ? '\uFFFD' : c).ToArray()) : text;
}
