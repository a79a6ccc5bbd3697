namespace PenguinMails.Analytics.Jobs;

/// <summary>The job types of the queue (the guide's three, plus the pipeline's own).</summary>
public static class JobTypes
{
    /// <summary>Fold pending events into the analytics tables. Enqueued by every ingest.</summary>
    public const string Fold = "fold";

    /// <summary>Rebuild a tenant (payload <c>{from, to}</c> optional) from the raw store.</summary>
    public const string Recompute = "recompute";

    /// <summary>Partitions ahead, archiving, view refresh, statistics (payload <c>{retention_days}</c> optional).</summary>
    public const string Maintenance = "maintenance";

    /// <summary>The guide's <c>daily-aggregate {date, tenant_id}</c>.</summary>
    public const string DailyAggregate = "daily-aggregate";

    /// <summary>The guide's <c>campaign-aggregate {campaign_id, date}</c>.</summary>
    public const string CampaignAggregate = "campaign-aggregate";

    /// <summary>The guide's <c>billing-calculate {tenant_id, period_start, period_end}</c>.</summary>
    public const string BillingCalculate = "billing-calculate";

    /// <summary>Write the file of a governed export (payload <c>{export_id}</c>).</summary>
    public const string Export = "export";
}
