using System.Text.RegularExpressions;

namespace PenguinMails.Analytics.Storage.DuckDb;

/// <summary>
/// How much memory DuckDB may use in this process (its <c>memory_limit</c>), from
/// <see cref="Variable"/>: DuckDB's default is 80 % of RAM, which its buffer manager fills with the
/// database file's pages as the file grows (a 10 M-email ingest: 1.8 GB of working set, 0.85 GB at
/// 1 M). With a limit, DuckDB evicts pages and spills large operations to a temp file next to the
/// database instead: the process stays at the limit plus the product's own bounded batches.
/// </summary>
public static partial class DuckDbMemoryLimit
{
    public const string Variable = "PENGUIN_ANALYTICS_DUCKDB_MEMORY_LIMIT";

    /// <summary>The limit the environment sets (like <c>2GB</c> or <c>512MiB</c>), or null for DuckDB's default; anything else is refused by name.</summary>
    public static string? FromEnvironment(Func<string, string?> variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        if (variable(Variable) is not { Length: > 0 } text)
        {
            return null;
        }
        var match = Size().Match(text.Trim());
        return match.Success && decimal.Parse(match.Groups["amount"].Value, System.Globalization.CultureInfo.InvariantCulture) > 0
            ? $"{match.Groups["amount"].Value}{match.Groups["unit"].Value.ToUpperInvariant()}"
            : throw new AnalyticsException($"{Variable} must be an amount of memory like 2GB or 512MB (units B, KB, MB, GB, TB, KiB, MiB, GiB, TiB), got \"{text}\"");
    }

    [GeneratedRegex(@"^(?<amount>[0-9]{1,6}(\.[0-9]{1,3})?)\s*(?<unit>B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Size();
}
