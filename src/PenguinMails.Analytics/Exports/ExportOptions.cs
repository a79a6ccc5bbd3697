using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Exports;

/// <summary>Where export files are kept and the key that encrypts them at rest.</summary>
public sealed class ExportOptions
{
    /// <summary>Overrides the folder of export files.</summary>
    public const string DirectoryVariable = "PENGUIN_ANALYTICS_EXPORT_DIR";

    public required string Directory { get; init; }

    /// <summary>AES-GCM at rest (required by tenants whose controls say so); null when no key is configured.</summary>
    public ExportCipher? Cipher { get; init; }

    /// <summary>
    /// From the environment: <see cref="DirectoryVariable"/>, else next to a DuckDB file
    /// (<c>analytics.duckdb</c> → <c>analytics.exports/</c>), else <c>./data/exports</c>; the key
    /// from <see cref="ExportCipher.EnvironmentVariable"/>. Every process on the same database
    /// finds the same files this way.
    /// </summary>
    public static ExportOptions FromEnvironment(DatabaseTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var directory = Environment.GetEnvironmentVariable(DirectoryVariable);
        if (string.IsNullOrWhiteSpace(directory))
        {
            directory = target.Engine == StorageEngine.DuckDb
                ? Path.ChangeExtension(target.ConnectionString, ".exports")
                : Path.GetFullPath("data/exports");
        }
        return new ExportOptions { Directory = Path.GetFullPath(directory), Cipher = ExportCipher.FromEnvironment() };
    }
}
