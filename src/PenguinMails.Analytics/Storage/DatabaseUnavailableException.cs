namespace PenguinMails.Analytics.Storage;

/// <summary>
/// The database's server cannot be reached (down, refusing, or slower than the connect timeout).
/// The API answers 503 with this message, which names the database (on a cluster: the shard), so
/// that only the work on that database fails.
/// </summary>
public sealed class DatabaseUnavailableException(DatabaseTarget target, string reason, Exception inner)
    : AnalyticsException($"Cannot connect to {target.Display}: {reason}", inner)
{
    /// <summary>The database that could not be reached.</summary>
    public DatabaseTarget Target { get; } = target;
}
