namespace PenguinMails.Analytics.Storage;

/// <summary>The storage engines the product runs on.</summary>
public enum StorageEngine
{
    /// <summary>Embedded DuckDB in a local file: the default, nothing to install.</summary>
    DuckDb,

    /// <summary>PostgreSQL 15 or newer through Npgsql: the production engine.</summary>
    Postgres,
}
