namespace PenguinMails.Analytics.Cluster;

/// <summary>
/// Where one tenant's rows are in a shard's schema, table by table: what <c>cluster move-tenant</c>
/// copies, counts and removes. Every table of the schema is either here or in
/// <see cref="NotATenants"/> (a test keeps it so: a new table must be placed in one of them).
/// </summary>
internal static class TenantTables
{
    /// <summary>
    /// The session setting that names the tenant the predicates select: a setting, not a
    /// parameter, because <c>COPY</c> takes none.
    /// </summary>
    public const string TenantSetting = "penguin.move_tenant";

    /// <summary>How a table's rows of the tenant in <see cref="TenantSetting"/> are found.</summary>
    public enum Owner
    {
        /// <summary>The <c>tenants</c> row itself.</summary>
        Tenant,

        /// <summary>A <c>tenant_id</c> column.</summary>
        TenantId,

        /// <summary>A <c>company_id</c> column, the tenant's companies.</summary>
        CompanyId,

        /// <summary>The surrogate <c>tenant_key</c> (the raw store): its keys are the shard's own and are mapped onto the target's.</summary>
        TenantKey,
    }

    /// <summary>
    /// A table of tenant data. <paramref name="Generated"/>: the column the target shard numbers
    /// itself (an identity), left out of the copy; an entity's key is one, and the raw store's key
    /// columns are mapped from it.
    /// </summary>
    public sealed record Table(string Name, Owner Owner, string? Generated = null)
    {
        /// <summary>The predicate on the table's rows (alias <c>x</c>) for the tenant in <see cref="TenantSetting"/>.</summary>
        public string Predicate => Owner switch
        {
            Owner.Tenant => $"x.id = {Tenant}",
            Owner.TenantId => $"x.tenant_id = {Tenant}",
            Owner.CompanyId => $"x.company_id IN (SELECT c.id FROM companies c WHERE c.tenant_id = {Tenant})",
            _ => $"x.tenant_key = (SELECT t.tenant_key FROM tenants t WHERE t.id = {Tenant})",
        };

        private const string Tenant = $"current_setting('{TenantSetting}')";
    }

    /// <summary>The surrogate key columns of the raw store and the entity each names.</summary>
    public static readonly IReadOnlyDictionary<string, string> KeyColumns = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["tenant_key"] = "tenant", ["company_key"] = "company", ["campaign_key"] = "campaign",
        ["step_key"] = "step", ["mailbox_key"] = "mailbox", ["lead_key"] = "lead",
    };

    /// <summary>
    /// In the order a copy inserts them (entities first, whose new keys the raw store is mapped
    /// onto); a removal goes the other way, so that the entities its predicates use go last.
    /// </summary>
    public static readonly IReadOnlyList<Table> All =
    [
        new("tenants", Owner.Tenant, "tenant_key"),
        new("companies", Owner.TenantId, "company_key"),
        new("campaigns", Owner.CompanyId, "campaign_key"),
        new("sequence_steps", Owner.CompanyId, "step_key"),
        new("mailboxes", Owner.CompanyId, "mailbox_key"),
        new("leads", Owner.CompanyId, "lead_key"),
        new("emails", Owner.TenantKey),
        new("emails_archive", Owner.TenantKey),
        new("pending_events", Owner.TenantKey, "seq"),
        new("mailbox_health_snapshots", Owner.CompanyId),
        // Billing ids are unique cluster-wide (each shard numbers from its ordinal << 40): kept.
        new("billing_analytics", Owner.TenantId),
        new("billing_analytics_archive", Owner.TenantId),
        new("campaign_analytics", Owner.CompanyId, "id"),
        new("campaign_analytics_archive", Owner.CompanyId),
        new("sequence_step_analytics", Owner.CompanyId, "id"),
        new("sequence_step_analytics_archive", Owner.CompanyId),
        new("mailbox_analytics", Owner.CompanyId, "id"),
        new("mailbox_analytics_archive", Owner.CompanyId),
        new("lead_analytics", Owner.CompanyId, "id"),
        new("lead_analytics_archive", Owner.CompanyId),
        new("warmup_analytics", Owner.CompanyId, "id"),
        new("warmup_analytics_archive", Owner.CompanyId),
        new("daily_campaign_stats", Owner.TenantId),
        new("daily_campaign_stats_archive", Owner.TenantId),
        new("daily_step_stats", Owner.TenantId),
        new("daily_step_stats_archive", Owner.TenantId),
        new("daily_mailbox_stats", Owner.TenantId),
        new("daily_mailbox_stats_archive", Owner.TenantId),
        new("daily_tenant_stats", Owner.TenantId),
        new("daily_tenant_stats_archive", Owner.TenantId),
        new("send_time_stats", Owner.TenantId),
        new("send_time_stats_archive", Owner.TenantId),
        new("deliverability_alert_state", Owner.TenantId),
        new("analytics_exports", Owner.TenantId),
        new("analytics_export_controls", Owner.TenantId, "id"),
        new("analytics_rate_limits", Owner.TenantId, "id"),
        new("analytics_access_audit", Owner.TenantId, "id"),
        new("admin_audit_logs", Owner.TenantId, "id"),
        new("admin_system_events", Owner.TenantId, "id"),
    ];

    /// <summary>
    /// The tables that hold no tenant's rows, or none a move must carry: the shard's own state and
    /// settings, the queue (drained before the copy), what the fold has not yet read (drained
    /// too), dead letters (an event nobody could place) and the ids several tenants share.
    /// </summary>
    public static readonly IReadOnlySet<string> NotATenants = new HashSet<string>(StringComparer.Ordinal)
    {
        "analytics_schema_migrations", "api_keys", "analytics_connection_pools", "analytics_pool_metrics", "pipeline_state",
        "analytics_jobs", "entity_changes", "dead_letter_events", "shared_email_ids",
    };
}
