namespace PenguinMails.Analytics.Api;

/// <summary>What a <c>serve</c> process does: the HTTP API, the background workers, or both.</summary>
public enum ServeRole
{
    /// <summary>API and workers in one process (the default).</summary>
    All,

    /// <summary>The HTTP API only; other processes run the workers.</summary>
    Api,

    /// <summary>Workers only: several processes can share one PostgreSQL queue.</summary>
    Worker,
}
