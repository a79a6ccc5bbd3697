namespace PenguinMails.Analytics.IntegrationTests.Storage;

/// <summary>
/// The tables and columns of spec/olap-analytics-schema-guide.md, copied from its DDL, with
/// DESIGN.md's names applied (admin_audit_log is the table admin_audit_logs; admin_system_events
/// is the consolidated definition). The schema may have more; it must not have less.
/// </summary>
public static class GuideSchema
{
    public static readonly IReadOnlyDictionary<string, string[]> Tables = new Dictionary<string, string[]>
    {
        ["billing_analytics"] = ["id", "tenant_id", "subscription_id", "emails_sent", "mailboxes_used", "domains_used", "campaigns_used", "leads_used", "warmups_active", "period_start", "period_end", "updated"],
        ["campaign_analytics"] = ["id", "campaign_id", "company_id", "sent", "delivered", "opened_tracked", "clicked_tracked", "replied", "bounced", "unsubscribed", "spam_complaints", "status", "completed_leads", "billing_id", "updated"],
        ["mailbox_analytics"] = ["id", "mailbox_id", "company_id", "sent", "delivered", "opened_tracked", "clicked_tracked", "replied", "bounced", "unsubscribed", "spam_complaints", "warmup_status", "health_score", "current_volume", "billing_id", "campaign_status", "updated"],
        ["lead_analytics"] = ["id", "lead_id", "campaign_id", "sent", "delivered", "opened_tracked", "clicked_tracked", "replied", "bounced", "unsubscribed", "spam_complaints", "status", "billing_id", "updated"],
        ["warmup_analytics"] = ["id", "mailbox_id", "company_id", "sent", "delivered", "opened_tracked", "clicked_tracked", "replied", "bounced", "unsubscribed", "spam_complaints", "health_score", "progress_percentage", "billing_id", "updated"],
        ["sequence_step_analytics"] = ["id", "step_id", "campaign_id", "company_id", "sent", "delivered", "opened_tracked", "clicked_tracked", "replied", "bounced", "unsubscribed", "spam_complaints", "billing_id", "updated"],
        ["admin_audit_logs"] = ["id", "creation_time", "admin_user_id", "action", "resource_type", "resource_id", "tenant_id", "old_values", "new_values", "ip_address", "user_agent", "timestamp", "notes", "metadata", "query_duration_ms", "affected_rows", "query_complexity_score", "analytics_event_id", "performance_category", "compliance_flags", "data_classification", "retention_category"],
        ["admin_system_events"] = ["id", "creation_time", "event_type", "severity", "message", "details", "admin_user_id", "tenant_id", "timestamp", "resolved", "resolution", "session_token", "ip_address", "user_agent", "device_info", "started", "last_activity", "expires", "is_active"],
        ["analytics_access_audit"] = ["id", "user_id", "tenant_id", "query_type", "table_accessed", "filters_applied", "rows_returned", "query_duration_ms", "ip_address", "user_agent", "success", "failure_reason", "data_sensitivity", "compliance_check_passed", "created"],
        ["analytics_rate_limits"] = ["id", "tenant_id", "query_type", "time_window_seconds", "max_queries", "current_count", "window_start", "is_active", "created"],
        ["analytics_export_controls"] = ["id", "tenant_id", "export_type", "max_rows", "requires_approval", "auto_expires_hours", "encryption_required", "watermark_required", "created_by", "is_active", "created"],
        ["analytics_connection_pools"] = ["id", "pool_type", "min_connections", "max_connections", "connection_timeout_seconds", "idle_timeout_seconds", "max_lifetime_seconds", "acquire_timeout_seconds", "query_timeout_seconds", "memory_limit_mb", "temp_space_limit_mb", "enable_parallel_queries", "max_parallel_workers", "is_active", "created"],
        ["analytics_pool_metrics"] = ["id", "pool_type", "collected_at", "active_connections", "idle_connections", "pending_connections", "active_queries", "query_queue_depth", "avg_query_duration_ms", "max_query_duration_ms", "total_queries_executed", "cache_hit_rate", "memory_usage_mb", "temp_space_usage_mb", "parallel_workers_used_avg", "query_timeout_count", "connection_timeout_count"],
    };

    /// <summary>The tables DESIGN.md adds around the guide's: dimensions, raw store, rollups, queue, archives.</summary>
    public static readonly string[] DesignTables =
    [
        "tenants", "companies", "campaigns", "sequence_steps", "mailboxes", "leads",
        "emails", "pending_events", "entity_changes", "pipeline_state", "dead_letter_events", "mailbox_health_snapshots",
        "daily_campaign_stats", "daily_step_stats", "daily_mailbox_stats", "daily_tenant_stats", "send_time_stats",
        "analytics_jobs", "campaign_performance_summary",
        "emails_archive", "billing_analytics_archive", "campaign_analytics_archive", "sequence_step_analytics_archive",
        "mailbox_analytics_archive", "lead_analytics_archive", "warmup_analytics_archive",
        "daily_campaign_stats_archive", "daily_step_stats_archive", "daily_mailbox_stats_archive", "daily_tenant_stats_archive",
        "send_time_stats_archive",
    ];

    /// <summary>The guide's four workload pools: (pool_type, min, max, connection timeout s, query timeout s, parallel, workers).</summary>
    public static readonly (string Pool, int Min, int Max, int ConnectionTimeout, int QueryTimeout, bool Parallel, int Workers)[] Pools =
    [
        ("dashboard_queries", 3, 15, 60, 30, true, 2),
        ("report_generation", 2, 8, 120, 600, true, 4),
        ("data_exports", 1, 5, 180, 1800, false, 1),
        ("ad_hoc_analytics", 2, 10, 90, 300, true, 3),
    ];
}
