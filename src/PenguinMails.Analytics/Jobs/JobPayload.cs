using System.Globalization;
using System.Text.Json;

namespace PenguinMails.Analytics.Jobs;

/// <summary>A job's JSON payload, read by name, with a clear error when a field is missing or not a date.</summary>
public sealed class JobPayload : IDisposable
{
    private readonly JsonDocument document;

    private JobPayload(JsonDocument document) => this.document = document;

    /// <summary>The payload of <paramref name="json"/> (empty or blank: an empty object).</summary>
    public static JobPayload Parse(string? json) => new(JsonDocument.Parse(string.IsNullOrWhiteSpace(json) ? "{}" : json));

    private JsonElement Root => document.RootElement;

    public string? OptionalString(string name) =>
        Root.ValueKind == JsonValueKind.Object && Root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public string RequiredString(string name) =>
        OptionalString(name) ?? throw new AnalyticsException($"the job payload needs \"{name}\"");

    public int? OptionalInt(string name) =>
        Root.ValueKind == JsonValueKind.Object && Root.TryGetProperty(name, out var value) && value.TryGetInt32(out var number) ? number : null;

    /// <summary>A date, or a timestamp whose UTC day is meant (period_start may come as either).</summary>
    public DateOnly? OptionalDate(string name)
    {
        var text = OptionalString(name);
        if (text is null)
        {
            return null;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var timestamp))
        {
            return DateOnly.FromDateTime(timestamp.UtcDateTime);
        }
        throw new AnalyticsException($"the job payload's \"{name}\" is not a date: \"{text}\"");
    }

    public DateOnly RequiredDate(string name) =>
        OptionalDate(name) ?? throw new AnalyticsException($"the job payload needs \"{name}\"");

    public void Dispose() => document.Dispose();
}
