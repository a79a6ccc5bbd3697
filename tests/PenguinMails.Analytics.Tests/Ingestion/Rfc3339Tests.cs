using System.Globalization;
using System.Text;
using PenguinMails.Analytics.Ingestion;

namespace PenguinMails.Analytics.Tests.Ingestion;

/// <summary>The digit-by-digit path for <c>…Z</c> timestamps gives exactly what the general parse gives, and refuses what it refuses.</summary>
public sealed class Rfc3339Tests
{
    [Theory]
    [InlineData("2026-03-04T05:06:07Z", "2026-03-04T05:06:07.0000000Z")]
    [InlineData("2024-02-29T23:59:59Z", "2024-02-29T23:59:59.0000000Z")] // a leap day
    [InlineData("2026-03-04T05:06:07.1234567Z", "2026-03-04T05:06:07.1234560Z")] // microseconds kept, as the engines store them
    [InlineData("2026-03-04T07:06:07+02:00", "2026-03-04T05:06:07.0000000Z")]
    [InlineData("2026-03-04 05:06:07Z", "2026-03-04T05:06:07.0000000Z")]
    public void accepted_timestamps_are_read_as_utc(string text, string expected)
    {
        Assert.True(Rfc3339.TryParse(text, out var utc));
        Assert.Equal(DateTimeKind.Utc, utc.Kind);
        Assert.Equal(expected, utc.ToString("O", CultureInfo.InvariantCulture));

        // The parser reads a line's bytes: the same answer without a string.
        Assert.True(Rfc3339.TryParse(Encoding.UTF8.GetBytes(text), out var fromBytes));
        Assert.Equal((utc, DateTimeKind.Utc), (fromBytes, fromBytes.Kind));
    }

    [Theory]
    [InlineData("2026-02-30T10:00:00Z")] // no such day
    [InlineData("2025-02-29T10:00:00Z")] // not a leap year
    [InlineData("2026-13-01T10:00:00Z")]
    [InlineData("2026-03-04T24:00:00Z")]
    [InlineData("2026-03-04T05:60:00Z")]
    [InlineData("2026-03-04T05:06:60Z")] // leap seconds are not accepted
    [InlineData("0000-03-04T05:06:07Z")]
    [InlineData("2026-03-0xT05:06:07Z")]
    [InlineData("2026-03-04T05:06:07")] // no offset
    [InlineData("２０２６-03-04T05:06:07Z")] // full-width digits
    public void malformed_or_impossible_timestamps_are_refused(string text)
    {
        Assert.False(Rfc3339.TryParse(text, out _));
        Assert.False(Rfc3339.TryParse(Encoding.UTF8.GetBytes(text), out _));
    }
}
