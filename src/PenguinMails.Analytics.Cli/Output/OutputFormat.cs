using System.CommandLine;

namespace PenguinMails.Analytics.Cli.Output;

/// <summary>How a command prints rows.</summary>
public enum OutputFormat
{
    /// <summary>An aligned table for people.</summary>
    Table,

    /// <summary>A JSON array of row objects keyed by column name.</summary>
    Json,

    /// <summary>CSV with a header line.</summary>
    Csv,
}

/// <summary>The <c>--format table|json|csv</c> option of the commands that print rows, spelt the same everywhere.</summary>
public static class OutputFormatOption
{
    private static readonly Dictionary<string, OutputFormat> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        ["table"] = OutputFormat.Table,
        ["json"] = OutputFormat.Json,
        ["csv"] = OutputFormat.Csv,
    };

    /// <summary>A new <c>--format</c> option (an option belongs to one command), defaulting to <c>table</c>.</summary>
    public static Option<OutputFormat> Create() => new("--format")
    {
        Description = "table, json or csv.",
        HelpName = "table|json|csv",
        DefaultValueFactory = _ => OutputFormat.Table,
        // System.CommandLine's own enum parser names the .NET type in its error; this names the choices.
        CustomParser = result =>
        {
            var text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
            if (Names.TryGetValue(text, out var format))
            {
                return format;
            }
            result.AddError($"--format must be table, json or csv, got \"{text}\"");
            return OutputFormat.Table;
        },
    };
}
