using System.Collections;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using PenguinMails.Analytics.Queries;

namespace PenguinMails.Analytics.Exports;

/// <summary>
/// How a database value looks in text and JSON output, the same for both engines: invariant
/// culture, ISO 8601 timestamps in UTC, dates as <c>yyyy-MM-dd</c>, lists as lists.
/// </summary>
public static class TabularValue
{
    /// <summary>The value as text (CSV cells, table cells); null for SQL NULL.</summary>
    public static string? ToText(object? value) => value switch
    {
        null or DBNull => null,
        string s => s,
        JsonText json => json.Json,
        bool b => b ? "true" : "false",
        DateTime dt => FormatDateTime(dt),
        DateTimeOffset dto => dto.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture),
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
        byte[] bytes => Convert.ToBase64String(bytes),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable list => JsonSerializer.Serialize(list.Cast<object?>().Select(ToJsonCompatible)),
        _ => value.ToString(),
    };

    /// <summary>Writes the value to JSON; <paramref name="isJsonText"/> marks a json/jsonb column whose text is already JSON.</summary>
    public static void Write(Utf8JsonWriter writer, object? value, bool isJsonText = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        switch (value)
        {
            case null or DBNull:
                writer.WriteNullValue();
                break;
            case string s when isJsonText:
                writer.WriteRawValue(s);
                break;
            case JsonText json:
                writer.WriteRawValue(json.Json);
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case sbyte or byte or short or ushort or int or uint or long:
                writer.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case ulong u:
                writer.WriteNumberValue(u);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case float f when float.IsFinite(f):
                writer.WriteNumberValue(f);
                break;
            case BigInteger big:
                writer.WriteRawValue(big.ToString(CultureInfo.InvariantCulture));
                break;
            case IDictionary dictionary:
                writer.WriteStartObject();
                foreach (DictionaryEntry entry in dictionary)
                {
                    writer.WritePropertyName(Convert.ToString(entry.Key, CultureInfo.InvariantCulture) ?? "");
                    Write(writer, entry.Value);
                }
                writer.WriteEndObject();
                break;
            case IEnumerable list and not byte[]:
                writer.WriteStartArray();
                foreach (var item in list)
                {
                    Write(writer, item);
                }
                writer.WriteEndArray();
                break;
            default:
                writer.WriteStringValue(ToText(value));
                break;
        }
    }

    private static object? ToJsonCompatible(object? value) => value switch
    {
        null or DBNull => null,
        string or bool or int or long or decimal or double => value,
        _ => ToText(value),
    };

    private static string FormatDateTime(DateTime value) => value.Kind switch
    {
        DateTimeKind.Local => value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture),
        DateTimeKind.Utc => value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF'Z'", CultureInfo.InvariantCulture),
        _ => value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
    };
}
