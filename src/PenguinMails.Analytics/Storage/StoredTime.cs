namespace PenguinMails.Analytics.Storage;

/// <summary>Timestamps read back from either engine, as UTC.</summary>
public static class StoredTime
{
    /// <summary>
    /// Npgsql returns timestamptz as UTC; DuckDB.NET as an unspecified-kind value that holds UTC.
    /// Both become a UTC <see cref="DateTime"/>.
    /// </summary>
    public static DateTime AsUtc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };
}
