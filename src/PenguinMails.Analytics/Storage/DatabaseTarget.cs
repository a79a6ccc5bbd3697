using Npgsql;

namespace PenguinMails.Analytics.Storage;

/// <summary>
/// Where the analytics database lives, parsed from <c>--db</c> or <c>PENGUIN_ANALYTICS_DB</c>:
/// a DuckDB file path (the default, <c>./data/analytics.duckdb</c>), an Npgsql connection string
/// (<c>Host=...</c>) or a <c>postgresql://</c> URI.
/// </summary>
public sealed record DatabaseTarget
{
    /// <summary>The embedded database used when no target is given.</summary>
    public const string DefaultDuckDbPath = "data/analytics.duckdb";

    /// <summary>The environment variable read when <c>--db</c> is not given.</summary>
    public const string EnvironmentVariable = "PENGUIN_ANALYTICS_DB";

    private DatabaseTarget(StorageEngine engine, string connectionString, string display)
    {
        Engine = engine;
        ConnectionString = connectionString;
        Display = display;
    }

    /// <summary>The engine this target runs on.</summary>
    public StorageEngine Engine { get; }

    /// <summary>A DuckDB file path, or an Npgsql connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>A description safe to print or log: never contains a password.</summary>
    public string Display { get; }

    /// <summary>An embedded DuckDB database at <paramref name="path"/>.</summary>
    public static DatabaseTarget DuckDb(string path) =>
        new(StorageEngine.DuckDb, Path.GetFullPath(path), $"DuckDB file {Path.GetFullPath(path)}");

    /// <summary>A PostgreSQL database reached with an Npgsql connection string; <paramref name="name"/> prefixes its <see cref="Display"/> (a shard's name).</summary>
    public static DatabaseTarget Postgres(string connectionString, string? name = null)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new AnalyticsException($"The PostgreSQL connection string is not valid: {e.Message}", e);
        }
        if (string.IsNullOrWhiteSpace(builder.Host))
        {
            throw new AnalyticsException("The PostgreSQL connection string has no Host.");
        }
        var display = $"PostgreSQL {builder.Username ?? "(default user)"}@{builder.Host}:{builder.Port}/{builder.Database ?? "(default database)"}";
        display = name is null ? display : $"{name} ({display})";
        return new DatabaseTarget(StorageEngine.Postgres, builder.ConnectionString, display);
    }

    /// <summary>
    /// Resolves the target from the command-line value, else the environment variable, else the
    /// embedded default.
    /// </summary>
    public static DatabaseTarget Resolve(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        }
        return string.IsNullOrWhiteSpace(value) ? DuckDb(DefaultDuckDbPath) : Parse(value);
    }

    /// <summary>Parses a DuckDB path, an Npgsql connection string or a postgresql:// URI.</summary>
    public static DatabaseTarget Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        value = value.Trim();
        if (value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
        {
            return Postgres(PostgresUri.ToConnectionString(value));
        }
        if (LooksLikeConnectionString(value))
        {
            return Postgres(value);
        }
        return DuckDb(value);
    }

    // "Host=..." or "Server=..." as one of the key=value pairs: a file path has neither.
    private static bool LooksLikeConnectionString(string value) =>
        value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Any(part => part.StartsWith("Host=", StringComparison.OrdinalIgnoreCase)
                      || part.StartsWith("Server=", StringComparison.OrdinalIgnoreCase));
}
