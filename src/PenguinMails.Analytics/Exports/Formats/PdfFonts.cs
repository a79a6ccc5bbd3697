using PdfSharp.Fonts;

namespace PenguinMails.Analytics.Exports.Formats;

/// <summary>
/// PDFsharp's core build needs to be told where fonts are: every family maps to DejaVu Sans (or
/// Liberation Sans) from the system's font folders (Debian: fonts-dejavu-core), regular and bold.
/// </summary>
internal sealed class PdfFonts : IFontResolver
{
    private static readonly string[] Regular = ["/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"];
    private static readonly string[] Bold = ["/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf"];
    private static readonly Lock Gate = new();
    private static bool installed;

    /// <summary>Installs the resolver once per process; a clear error when no font is there.</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (installed)
            {
                return;
            }
            if (!Regular.Any(File.Exists))
            {
                throw new AnalyticsException("PDF exports need a TrueType font: install the Debian package fonts-dejavu-core (or fonts-liberation).");
            }
            GlobalFontSettings.FontResolver = new PdfFonts();
            installed = true;
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic) => new(bold ? "bold" : "regular");

    public byte[]? GetFont(string faceName) =>
        File.ReadAllBytes((faceName == "bold" ? Bold.Concat(Regular) : Regular).First(File.Exists));
}
