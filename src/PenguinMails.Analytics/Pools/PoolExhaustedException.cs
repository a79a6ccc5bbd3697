namespace PenguinMails.Analytics.Pools;

/// <summary>No connection of a workload pool became free within its acquire timeout.</summary>
public sealed class PoolExhaustedException(string poolType, int maxConnections, TimeSpan waited)
    : AnalyticsException($"The {poolType} pool is busy: all {maxConnections} connections stayed in use for {waited.TotalSeconds:0} s; try again shortly.")
{
    public string PoolType { get; } = poolType;
}
