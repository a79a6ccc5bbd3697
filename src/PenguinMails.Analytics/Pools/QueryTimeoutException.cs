namespace PenguinMails.Analytics.Pools;

/// <summary>A statement ran past its workload pool's statement timeout and was cancelled.</summary>
public sealed class QueryTimeoutException(string poolType, TimeSpan timeout, Exception inner)
    : AnalyticsException($"The query ran longer than the {poolType} pool's limit of {timeout.TotalSeconds:0} s and was cancelled; narrow the date range or filters.", inner);
