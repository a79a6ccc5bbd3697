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
