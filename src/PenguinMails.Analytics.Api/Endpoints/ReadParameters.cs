using System.Globalization;

namespace PenguinMails.Analytics.Api.Endpoints;

/// <summary>The date range (<c>from</c>, <c>to</c> exclusive; ISO dates, default the last 30 days) and paging of a read.</summary>
public sealed record ReadParameters(DateOnly From, DateOnly To, int Limit, int Offset)
{
    public const int MaxLimit = 1000;

    /// <summary>Parses the query string, or says what is wrong with it.</summary>
    public static bool TryParse(HttpRequest request, TimeProvider time, out ReadParameters parameters, out string? error, int defaultDays = 30)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(time);
        parameters = null!;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        if (!TryDate(request, "to", today.AddDays(1), out var to, out error) || !TryDate(request, "from", to.AddDays(-defaultDays), out var from, out error))
        {
            return false;
        }
        if (from >= to)
        {
            error = $"from ({from:yyyy-MM-dd}) must be before to ({to:yyyy-MM-dd}); to is exclusive";
            return false;
        }
        if (!TryInt(request, "limit", 100, 1, MaxLimit, out var limit, out error) || !TryInt(request, "offset", 0, 0, int.MaxValue, out var offset, out error))
        {
            return false;
        }
        parameters = new ReadParameters(from, to, limit, offset);
        return true;
    }

    private static bool TryDate(HttpRequest request, string name, DateOnly fallback, out DateOnly value, out string? error)
    {
        error = null;
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            value = fallback;
            return true;
        }
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value))
        {
            return true;
        }
        error = $"{name} must be a date like 2026-03-01, got \"{text}\"";
        return false;
    }

    private static bool TryInt(HttpRequest request, string name, int fallback, int min, int max, out int value, out string? error)
    {
        error = null;
        var text = request.Query[name].ToString();
        if (text.Length == 0)
        {
            value = fallback;
            return true;
        }
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max)
        {
            return true;
        }
        error = $"{name} must be a whole number from {min} to {max}, got \"{text}\"";
        return false;
    }
}
