namespace PenguinMails.Analytics.Cluster;

/// <summary>A shard's server cannot be reached: only its tenants' work fails (the API answers 503).</summary>
public sealed class ShardUnavailableException(Shard shard, Exception inner)
    : AnalyticsException($"shard {shard.Name} ({shard.Uri}) is unavailable: {inner.Message}", inner)
{
    /// <summary>The shard that is down.</summary>
    public Shard Shard { get; } = shard;
}
