namespace PenguinMails.Analytics.Pools;

/// <summary>The guide's four workload classes (<c>analytics_connection_pools.pool_type</c>).</summary>
public static class PoolTypes
{
    public const string Dashboard = "dashboard_queries";
    public const string Reports = "report_generation";
    public const string Exports = "data_exports";
    public const string AdHoc = "ad_hoc_analytics";
}
