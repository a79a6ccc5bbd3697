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
}
