using System.Globalization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using PenguinMails.Analytics.Queries;

namespace PenguinMails.Analytics.Exports.Formats;

/// <summary>
/// PDF (PDFsharp): landscape A4 pages with the report as a table (header repeated on every page,
/// cells cut to their column), the watermark across every page and in the document's
/// properties, page numbers; a user password (AES-256) when one is asked for. PDFsharp keeps the
/// document in memory until it is saved, so PDFs are for reports within the tenant's row limit.
/// </summary>
internal static class PdfExportWriter
{
    private const double Margin = 36;
    private const double RowHeight = 11;

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
        XGraphics? gfx = null;
        PdfPage? page = null;
        double y = 0, width = 0;
        var pages = 0;

        void NewPage()
        {
            gfx?.Dispose();
            page = document.AddPage();
            page.Size = PdfSharp.PageSize.A4;
            page.Orientation = PdfSharp.PageOrientation.Landscape;
            gfx = XGraphics.FromPdfPage(page);
            pages++;
            width = (page.Width.Point - 2 * Margin) / Math.Max(1, columns.Count);
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
            DrawRow(gfx, columns, bold, y, width);
            y += RowHeight + 2;
        }

        NewPage();
        long count = 0;
        var values = new string[columns.Count];
        while (await rows.ReadAsync(cancellationToken))
        {
            RowLimit.Check(++count, maxRows);
            if (y + RowHeight > page!.Height.Point - Margin)
            {
                NewPage();
            }
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = TabularValue.ToText(rows.GetValue(i)) ?? "";
            }
            DrawRow(gfx!, values, font, y, width);
            y += RowHeight;
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

    private static void DrawRow(XGraphics gfx, IReadOnlyList<string> cells, XFont font, double y, double width)
    {
        for (var i = 0; i < cells.Count; i++)
        {
            gfx.DrawString(Fit(gfx, cells[i], font, width - 3), font, XBrushes.Black, new XRect(Margin + i * width, y, width - 3, RowHeight), XStringFormats.TopLeft);
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
