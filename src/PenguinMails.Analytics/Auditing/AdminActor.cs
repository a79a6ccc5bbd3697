namespace PenguinMails.Analytics.Auditing;

/// <summary>
/// Who performed an administrative action: an API key (<c>key:ID</c>) with the request's ip and
/// user agent, a person at the command line (<c>cli:USER</c>), or the product itself
/// (<c>system:WHAT</c>, for scheduled maintenance and pool tuning).
/// </summary>
public sealed record AdminActor(string UserId, string? IpAddress = null, string? UserAgent = null)
{
    /// <summary>The operating-system user running a command.</summary>
    public static AdminActor CommandLine { get; } = new($"cli:{Environment.UserName}", null, "penguin-analytics cli");

    /// <summary>The product acting on its own schedule.</summary>
    public static AdminActor System(string what) => new($"system:{what}", null, "penguin-analytics");
}
