using System.Globalization;

namespace PenguinMails.Analytics.Ingestion;

/// <summary>RFC 3339 timestamps: a date, a time and a mandatory offset (<c>Z</c> or <c>±hh:mm</c>), converted to UTC.</summary>
internal static class Rfc3339
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd' 'HH:mm:ssK", "yyyy-MM-dd' 'HH:mm:ss.FFFFFFFK",
    ];

    public static bool TryParse(string text, out DateTime utc)
    {
        utc = default;
        if (!HasOffset(text))
        {
            return false;
        }
        if (!DateTimeOffset.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value))
        {
            return false;
        }
        // Microsecond precision, as both engines store it.
        utc = new DateTime(value.UtcTicks - value.UtcTicks % 10, DateTimeKind.Utc);
        return true;
    }

    private static bool HasOffset(string text)
    {
        if (text.Length < 20)
        {
            return false;
        }
        var last = text[^1];
        if (last is 'Z' or 'z')
        {
            return true;
        }
        // ...+hh:mm or ...-hh:mm
        return text.Length >= 6 && text[^3] == ':' && text[^6] is '+' or '-';
    }
}
