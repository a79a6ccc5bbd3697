using System.Diagnostics;
using PenguinMails.Analytics.Auditing;
using PenguinMails.Analytics.Storage;

namespace PenguinMails.Analytics.Compliance;

/// <summary>
/// GDPR anonymization. For a tenant: every identifier of the tenant (its own, its companies,
/// campaigns, steps, mailboxes, leads, emails, events, subscription) is replaced by its stable
/// pseudonym in every entity, raw, analytics, rollup, archive, audit and operations table;
/// names, addresses, ip addresses, user agents and free-text payloads are erased; every number
/// stays where it was, so every aggregate is unchanged. For one lead: its id is pseudonymised
/// and its address erased, its counts kept. One transaction under the aggregation lock (a fold
/// never sees half of it), followed by the <c>admin_audit_logs</c> row of the guide
/// (<c>anonymize_analytics</c>), with the pseudonym, never the original, as the resource.
/// Running it again finds nothing left to do.
/// </summary>
public sealed class Anonymizer(AnalyticsDatabase database, PseudonymKey key)
{
    private const string SqlFolder = "Compliance/Sql";

    // Every column that holds an identifier of a tenant's, by kind; the archive tables mirror
    // theirs. The ids of emails and events, and the columns of mixed kinds, are in anonymize_apply.sql.
    private static readonly (string Table, string Column, string Kind)[] IdentifierColumns =
    [
        ("tenants", "id", "tenant"), ("tenants", "subscription_id", "subscription"),
        ("companies", "id", "company"), ("companies", "tenant_id", "tenant"),
        ("campaigns", "id", "campaign"), ("campaigns", "company_id", "company"),
        ("sequence_steps", "id", "step"), ("sequence_steps", "campaign_id", "campaign"), ("sequence_steps", "company_id", "company"),
        ("mailboxes", "id", "mailbox"), ("mailboxes", "company_id", "company"),
        ("leads", "id", "lead"), ("leads", "company_id", "company"),
        ("mailbox_health_snapshots", "event_id", "event"), ("mailbox_health_snapshots", "mailbox_id", "mailbox"), ("mailbox_health_snapshots", "company_id", "company"),
        ("billing_analytics", "tenant_id", "tenant"), ("billing_analytics", "subscription_id", "subscription"),
        ("campaign_analytics", "campaign_id", "campaign"), ("campaign_analytics", "company_id", "company"),
        ("sequence_step_analytics", "step_id", "step"), ("sequence_step_analytics", "campaign_id", "campaign"), ("sequence_step_analytics", "company_id", "company"),
        ("mailbox_analytics", "mailbox_id", "mailbox"), ("mailbox_analytics", "company_id", "company"), ("mailbox_analytics", "last_campaign_id", "campaign"),
        ("lead_analytics", "lead_id", "lead"), ("lead_analytics", "campaign_id", "campaign"), ("lead_analytics", "company_id", "company"),
        ("warmup_analytics", "mailbox_id", "mailbox"), ("warmup_analytics", "company_id", "company"),
        ("daily_campaign_stats", "campaign_id", "campaign"), ("daily_campaign_stats", "company_id", "company"), ("daily_campaign_stats", "tenant_id", "tenant"),
        ("daily_step_stats", "step_id", "step"), ("daily_step_stats", "campaign_id", "campaign"), ("daily_step_stats", "company_id", "company"), ("daily_step_stats", "tenant_id", "tenant"),
        ("daily_mailbox_stats", "mailbox_id", "mailbox"), ("daily_mailbox_stats", "company_id", "company"), ("daily_mailbox_stats", "tenant_id", "tenant"),
        ("daily_tenant_stats", "tenant_id", "tenant"),
        ("send_time_stats", "campaign_id", "campaign"), ("send_time_stats", "company_id", "company"), ("send_time_stats", "tenant_id", "tenant"),
        ("analytics_access_audit", "tenant_id", "tenant"), ("admin_audit_logs", "tenant_id", "tenant"), ("admin_system_events", "tenant_id", "tenant"),
        ("analytics_jobs", "tenant_id", "tenant"), ("api_keys", "tenant_id", "tenant"), ("analytics_rate_limits", "tenant_id", "tenant"),
        ("analytics_export_controls", "tenant_id", "tenant"), ("analytics_exports", "tenant_id", "tenant"), ("deliverability_alert_state", "tenant_id", "tenant"),
    ];

    private static readonly HashSet<string> Archived = new(StringComparer.Ordinal)
    {
        "billing_analytics", "campaign_analytics", "sequence_step_analytics", "mailbox_analytics", "lead_analytics", "warmup_analytics",
        "daily_campaign_stats", "daily_step_stats", "daily_mailbox_stats", "daily_tenant_stats", "send_time_stats",
    };

    /// <summary>What a run did.</summary>
    public sealed record Result(AnonymizationOutcome Outcome, string Pseudonym, long RowsChanged, TimeSpan Elapsed);

    /// <summary>Anonymizes a tenant, or only one of its leads when <paramref name="leadId"/> is given.</summary>
    public async Task<Result> AnonymizeAsync(string tenantId, string? leadId, AdminActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentNullException.ThrowIfNull(actor);
        var started = Stopwatch.GetTimestamp();
        var subject = leadId is null ? key.Pseudonym("tenant", tenantId) : key.Pseudonym("lead", leadId);
        await using var connection = await database.OpenCrossTenantConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var gate = await database.LockAsync(connection, "aggregate", cancellationToken);

        var tenantKey = await connection.ScalarAsync<int?>("SELECT tenant_key FROM tenants WHERE id = $1", cancellationToken, tenantId);
        var target = tenantKey is null ? null
            : leadId is null ? tenantId
            : await connection.ScalarAsync<string>(
                "SELECT l.id FROM leads l JOIN companies c ON c.id = l.company_id WHERE l.id = $1 AND c.tenant_id = $2", cancellationToken, leadId, tenantId);
        if (target is null)
        {
            var done = leadId is null
                ? await connection.ScalarAsync<long>("SELECT COUNT(*) FROM tenants WHERE id = $1", cancellationToken, subject) > 0
                : await connection.ScalarAsync<long>("SELECT COUNT(*) FROM leads WHERE id = $1", cancellationToken, subject) > 0;
            return done
                ? new Result(AnonymizationOutcome.AlreadyAnonymized, subject, 0, Stopwatch.GetElapsedTime(started))
                : throw new AnalyticsException(leadId is null ? $"No tenant '{tenantId}'." : $"No lead '{leadId}' in tenant '{tenantId}'.");
        }

        await connection.ExecuteAsync("DROP TABLE IF EXISTS anon_params", cancellationToken);
        await connection.ExecuteAsync("CREATE TEMP TABLE anon_params (ipad BLOB_TYPE, opad BLOB_TYPE, tenant_id TEXT, tenant_key INTEGER, lead_id TEXT)"
            .Replace("BLOB_TYPE", database.Engine == StorageEngine.Postgres ? "BYTEA" : "BLOB", StringComparison.Ordinal), cancellationToken);
        await connection.ExecuteAsync("INSERT INTO anon_params VALUES ($1, $2, $3, $4, $5)", cancellationToken,
            key.InnerPad, key.OuterPad, tenantId, tenantKey, leadId);
        await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "anonymize_map.sql"), cancellationToken);
        // The personal fields first (they are found by the original ids), then every id.
        long changed = 0;
        var template = database.Sql.Get(SqlFolder, "anonymize_column.sql");
        foreach (var statement in database.Sql.Statements(SqlFolder, "anonymize_apply.sql").Concat(IdentifierColumns
            .SelectMany(c => Archived.Contains(c.Table) ? [c, c with { Table = c.Table + "_archive" }] : new[] { c })
            .Select(c => template.Replace("{table}", c.Table, StringComparison.Ordinal).Replace("{column}", c.Column, StringComparison.Ordinal).Replace("{kind}", c.Kind, StringComparison.Ordinal))))
        {
            changed += await connection.ExecuteAsync(statement, cancellationToken);
        }
        if (leadId is null)
        {
            await connection.RunScriptAsync(database.Sql.Statements(SqlFolder, "anonymize_tenant.sql"), cancellationToken);
        }
        // The summary holds campaign names and ids: rebuilt from the anonymized tables.
        await connection.RunScriptAsync(database.Sql.Statements("Maintenance/Sql", "refresh.sql"), cancellationToken);
        await Aggregation.Aggregator.MarkAggregatesChangedAsync(connection, cancellationToken);
        var elapsed = Stopwatch.GetElapsedTime(started);
        await AdminAuditLog.WriteAsync(database, connection, new AdminAction(actor, leadId is null ? "anonymize_analytics" : "erase_lead",
            leadId is null ? "tenant" : "lead", subject, leadId is null ? subject : tenantId,
            Notes: leadId is null ? "Analytics data anonymized for GDPR compliance" : "Lead erased for GDPR compliance (pseudonymised, counts kept)",
            AffectedRows: changed, Duration: elapsed, DataClassification: "restricted", RetentionCategory: "permanent",
            ComplianceFlags: ["gdpr"]), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new Result(AnonymizationOutcome.Anonymized, subject, changed, elapsed);
    }
}

/// <summary>How an anonymization ended.</summary>
public enum AnonymizationOutcome
{
    Anonymized,
    AlreadyAnonymized,
}
