using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using PenguinMails.Analytics.Exports;

namespace PenguinMails.Analytics.Tests.Exports;

public sealed class TabularValueTests
{
    [Fact]
    public void text_is_invariant_and_timestamps_are_iso_8601_utc()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = new CultureInfo("de-DE");
        try
        {
            Assert.Equal("12.5", TabularValue.ToText(12.5m));
            Assert.Equal("2026-03-04T05:06:07Z", TabularValue.ToText(new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc)));
            Assert.Equal("2026-03-04T05:06:07.25Z", TabularValue.ToText(new DateTimeOffset(2026, 3, 4, 7, 6, 7, 250, TimeSpan.FromHours(2))));
            Assert.Equal("2026-03-04", TabularValue.ToText(new DateOnly(2026, 3, 4)));
            Assert.Equal("true", TabularValue.ToText(true));
            Assert.Null(TabularValue.ToText(DBNull.Value));
            Assert.Equal("[\"GDPR\",\"SOX\"]", TabularValue.ToText(new[] { "GDPR", "SOX" }));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Fact]
    public void json_keeps_types_and_embeds_json_columns_as_json()
    {
        var json = Render(w =>
        {
            w.WriteStartArray();
            TabularValue.Write(w, 42L);
            TabularValue.Write(w, 3.25m);
            TabularValue.Write(w, DBNull.Value);
            TabularValue.Write(w, BigInteger.Parse("123456789012345678901234567890", CultureInfo.InvariantCulture));
            TabularValue.Write(w, "{\"a\":1}", isJsonText: true);
            TabularValue.Write(w, "{\"a\":1}");
            TabularValue.Write(w, new List<int?> { 1, null });
            TabularValue.Write(w, double.NaN);
            w.WriteEndArray();
        });

        Assert.Equal("[42,3.25,null,123456789012345678901234567890,{\"a\":1},\"{\\u0022a\\u0022:1}\",[1,null],\"NaN\"]", json);
    }

    private static string Render(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
