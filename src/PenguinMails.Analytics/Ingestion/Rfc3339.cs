using System.Globalization;
using System.Numerics;

namespace PenguinMails.Analytics.Ingestion;

/// <summary>RFC 3339 timestamps: a date, a time and a mandatory offset (<c>Z</c> or <c>±hh:mm</c>), converted to UTC.</summary>
internal static class Rfc3339
{
    private static readonly string[] Formats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd' 'HH:mm:ssK", "yyyy-MM-dd' 'HH:mm:ss.FFFFFFFK",
    ];

    /// <summary>Reads <paramref name="text"/> as UTC, or says it is not an RFC 3339 timestamp.</summary>
    public static bool TryParse(string text, out DateTime utc) =>
        TryParseUtcSeconds(text.AsSpan(), out utc) || TryParseGeneral(text, out utc);

    /// <summary>The same for the UTF-8 bytes of a line: the usual shape is read without a string.</summary>
    public static bool TryParse(ReadOnlySpan<byte> utf8, out DateTime utc) =>
        TryParseUtcSeconds(utf8, out utc) || TryParseGeneral(System.Text.Encoding.UTF8.GetString(utf8), out utc);

    // Every accepted shape, with an offset or fractional seconds.
    private static bool TryParseGeneral(string text, out DateTime utc)
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

    // The shape producers send almost always, 2026-03-04T05:06:07Z, read digit by digit: the
    // general parse costs more than the rest of a line. Anything else (or out of range) goes to
    // TryParseGeneral, which decides.
    private static bool TryParseUtcSeconds<T>(ReadOnlySpan<T> text, out DateTime utc) where T : unmanaged, IBinaryInteger<T>
    {
        utc = default;
        if (text.Length != 20 || !Is(text[4], '-') || !Is(text[7], '-') || !Is(text[10], 'T') || !Is(text[13], ':') || !Is(text[16], ':') || !Is(text[19], 'Z'))
        {
            return false;
        }
        if (!Digits(text, 0, 4, out var year) || !Digits(text, 5, 2, out var month) || !Digits(text, 8, 2, out var day)
            || !Digits(text, 11, 2, out var hour) || !Digits(text, 14, 2, out var minute) || !Digits(text, 17, 2, out var second))
        {
            return false;
        }
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }
        utc = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc);
        return true;
    }

    private static bool Is<T>(T c, char expected) where T : unmanaged, IBinaryInteger<T> => int.CreateTruncating(c) == expected;

    private static bool Digits<T>(ReadOnlySpan<T> text, int start, int count, out int value) where T : unmanaged, IBinaryInteger<T>
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = int.CreateTruncating(text[i]) - '0';
            if (digit is < 0 or > 9)
            {
                return false;
            }
            value = (value * 10) + digit;
        }
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
