using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PenguinMails.Analytics.Queries;

namespace PenguinMails.Analytics.Exports.Formats;

/// <summary>
/// PDF (PDFsharp): landscape pages with the report as a table (header repeated on every page,
/// cells cut to their column), the watermark across every page and in the document's
/// properties, page numbers; a user password (AES-256) when one is asked for. Each column is as
/// wide as its header and the first rows need (within bounds), and the page is A4 landscape or
/// wider when the columns need it (a report of 40 columns stays readable on screen rather than
/// cutting every cell). PDFsharp keeps the document in memory until it is saved, so PDFs are for
/// reports within the tenant's row limit.
/// </summary>
internal static class PdfExportWriter
{
    private const double Margin = 36;
    private const double RowHeight = 11;
    private const double PageHeight = 595.3; // A4's short side: pages are landscape
    private const double MinPageWidth = 841.9; // A4's long side
    private const int SampleRows = 40;

    public static async Task<long> WriteAsync(QueryResult rows, Stream output, string report, Watermark? watermark, string? password, long maxRows, CancellationToken cancellationToken)
    {
        PdfFonts.Install();
        using var document = new PdfDocument();
        document.Info.Title = $"PenguinMails Analytics: {report}";
        document.Info.Creator = "PenguinMails Analytics";
        if (watermark is not null)
        {
            document.Info.Subject = watermark.Text;
            document.Info.Keywords = $"tenant {watermark.TenantId}; requested by {watermark.RequestedBy}; export {watermark.ExportId}";
        }
        var font = new XFont("DejaVu Sans", 6.5, XFontStyleEx.Regular);
        var bold = new XFont("DejaVu Sans", 6.5, XFontStyleEx.Bold);
        var titleFont = new XFont("DejaVu Sans", 12, XFontStyleEx.Bold);
        var markFont = new XFont("DejaVu Sans", 11, XFontStyleEx.Bold);
        var columns = rows.Columns;
        long count = 0;
        var sample = new List<string[]>(SampleRows);
        while (sample.Count < SampleRows && await rows.ReadAsync(cancellationToken))
        {
            RowLimit.Check(++count, maxRows);
            sample.Add(Read(rows, columns.Count));
        }
        var widths = ColumnWidths(columns, sample, font, bold);
        var pageWidth = Math.Max(MinPageWidth, widths.Sum() + 2 * Margin);
        XGraphics? gfx = null;
        PdfPage? page = null;
        double y = 0;
        var pages = 0;

        void NewPage()
        {
            gfx?.Dispose();
            page = document.AddPage();
            page.Width = XUnit.FromPoint(pageWidth);
            page.Height = XUnit.FromPoint(PageHeight);
            gfx = XGraphics.FromPdfPage(page);
            pages++;
            if (watermark is not null)
            {
                var state = gfx.Save();
                gfx.RotateAtTransform(-25, new XPoint(page.Width.Point / 2, page.Height.Point / 2));
                gfx.DrawString(watermark.Text, markFont, new XSolidBrush(XColor.FromArgb(45, 200, 30, 30)),
                    new XRect(0, page.Height.Point / 2 - 20, page.Width.Point, 40), XStringFormats.Center);
                gfx.Restore(state);
                gfx.DrawString(watermark.Text, font, XBrushes.Gray, new XRect(Margin, page.Height.Point - Margin + 8, page.Width.Point - 2 * Margin, 10), XStringFormats.TopLeft);
            }
            gfx.DrawString(string.Create(CultureInfo.InvariantCulture, $"page {pages}"), font, XBrushes.Gray,
                new XRect(Margin, page.Height.Point - Margin + 8, page.Width.Point - 2 * Margin, 10), XStringFormats.TopRight);
            y = Margin;
            if (pages == 1)
            {
                gfx.DrawString($"PenguinMails Analytics · {report}", titleFont, XBrushes.Black, new XRect(Margin, y, page.Width.Point - 2 * Margin, 16), XStringFormats.TopLeft);
                y += 22;
            }
            DrawRow(gfx, columns, bold, y, widths);
            y += RowHeight + 2;
        }

        void Draw(string[] values)
        {
            if (y + RowHeight > page!.Height.Point - Margin)
            {
                NewPage();
            }
            DrawRow(gfx!, values, font, y, widths);
            y += RowHeight;
        }

        NewPage();
        sample.ForEach(Draw);
        while (await rows.ReadAsync(cancellationToken))
        {
            RowLimit.Check(++count, maxRows);
            Draw(Read(rows, columns.Count));
        }
        gfx?.Dispose();
        if (!string.IsNullOrEmpty(password))
        {
            document.SecuritySettings.UserPassword = password;
            document.SecuritySettings.OwnerPassword = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
            document.SecurityHandler.SetEncryptionToV5();
        }
        await document.SaveAsync(output, closeStream: false);
        return count;
    }

    private static string[] Read(QueryResult rows, int columns)
    {
        var values = new string[columns];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = TabularValue.ToText(rows.GetValue(i)) ?? "";
        }
        return values;
    }

    // Each column as wide as its header and its widest sampled cell need, between 24 and 160 points.
    private static double[] ColumnWidths(IReadOnlyList<string> columns, List<string[]> sample, XFont font, XFont bold)
    {
        using var measure = XGraphics.CreateMeasureContext(new XSize(MinPageWidth, PageHeight), XGraphicsUnit.Point, XPageDirection.Downwards);
        var widths = new double[columns.Count];
        for (var i = 0; i < widths.Length; i++)
        {
            var needed = measure.MeasureString(columns[i], bold).Width;
            foreach (var row in sample)
            {
                needed = Math.Max(needed, measure.MeasureString(row[i], font).Width);
            }
            widths[i] = Math.Clamp(needed + 5, 24, 160);
        }
        return widths;
    }

    private static void DrawRow(XGraphics gfx, IReadOnlyList<string> cells, XFont font, double y, double[] widths)
    {
        var x = Margin;
        for (var i = 0; i < cells.Count; i++)
        {
            gfx.DrawString(Fit(gfx, cells[i], font, widths[i] - 3), font, XBrushes.Black, new XRect(x, y, widths[i] - 3, RowHeight), XStringFormats.TopLeft);
            x += widths[i];
        }
    }

    // Cut to the column, with an ellipsis, so that columns never overlap.
    private static string Fit(XGraphics gfx, string text, XFont font, double width)
    {
        if (gfx.MeasureString(text, font).Width <= width)
        {
            return text;
        }
        var cut = text.Length;
        while (cut > 1 && gfx.MeasureString(text[..cut] + "…", font).Width > width)
        {
            cut--;
        }
        return text[..cut] + "…";
    }
}
