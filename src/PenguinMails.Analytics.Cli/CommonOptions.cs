using System.CommandLine;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Cli;

/// <summary>Options shared by the subcommands, with their defaults in one place.</summary>
public static class CommonOptions
{
    /// <summary>
    /// <c>--db</c>: a DuckDB file path, an Npgsql connection string or a postgresql:// URI.
    /// Recursive, so it is accepted before or after the subcommand.
    /// </summary>
    public static Option<string?> Database { get; } = new("--db")
    {
        Recursive = true,
        Description = $"DuckDB file path, Npgsql connection string (Host=...) or postgresql:// URI. "
                    + $"Default: ${DatabaseTarget.EnvironmentVariable}, else ./{DatabaseTarget.DefaultDuckDbPath}.",
    };

    /// <summary>
    /// A UTC day option (<c>--from</c>, <c>--to</c>) in yyyy-MM-dd, parsed with the command line:
    /// 2026-02-30 is refused before the command does any work.
    /// </summary>
    public static Option<DateOnly?> Day(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "yyyy-MM-dd",
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var day))
            {
                return day;
            }
            result.AddError($"{name} must be a day like 2026-03-01, got \"{text}\"");
            return null;
        },
    };

    /// <summary>The most rows <c>--limit</c> accepts.</summary>
    public const int MaxLimit = 1_000_000;

    /// <summary><c>--limit</c>: at most this many rows, 1 to <see cref="MaxLimit"/>; anything else is refused, never clamped.</summary>
    public static Option<int> Limit(int defaultRows)
    {
        var limit = new Option<int>("--limit") { Description = $"At most this many rows (1 to {MaxLimit:N0}).", DefaultValueFactory = _ => defaultRows };
        limit.Validators.Add(result =>
        {
            var rows = result.GetValueOrDefault<int>();
            if (rows is < 1 or > MaxLimit)
            {
                result.AddError($"--limit must be between 1 and {MaxLimit:N0}, got {rows}");
            }
        });
        return limit;
    }
}
