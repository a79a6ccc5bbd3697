-- Anonymization, step 2: every identifier in anon_map replaced by its pseudonym wherever it
-- is stored: entities, raw store, analytics, rollups, archives, audit and operations tables.
-- Only ids change, so every number keeps its row and every aggregate stays the same. Personal
-- fields of the entities (names, addresses, domains) are erased on the way. (One
-- statement per table, column and kind; the archives mirror their tables.)

UPDATE admin_audit_logs SET resource_id = m.pseudonym
FROM anon_map m
WHERE m.kind IN ('tenant', 'company', 'campaign', 'step', 'mailbox', 'lead') AND admin_audit_logs.resource_id = m.original;

UPDATE tenants SET id = m.pseudonym, name = NULL
FROM anon_map m
WHERE m.kind = 'tenant' AND tenants.id = m.original;

UPDATE tenants SET subscription_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'subscription' AND tenants.subscription_id = m.original;

UPDATE companies SET id = m.pseudonym, name = NULL
FROM anon_map m
WHERE m.kind = 'company' AND companies.id = m.original;

UPDATE companies SET tenant_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'tenant' AND companies.tenant_id = m.original;

UPDATE campaigns SET id = m.pseudonym, name = NULL
FROM anon_map m
WHERE m.kind = 'campaign' AND campaigns.id = m.original;

UPDATE campaigns SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND campaigns.company_id = m.original;

UPDATE sequence_steps SET id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'step' AND sequence_steps.id = m.original;

UPDATE sequence_steps SET campaign_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'campaign' AND sequence_steps.campaign_id = m.original;

UPDATE sequence_steps SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND sequence_steps.company_id = m.original;

UPDATE mailboxes SET id = m.pseudonym, address = NULL, domain = NULL
FROM anon_map m
WHERE m.kind = 'mailbox' AND mailboxes.id = m.original;

UPDATE mailboxes SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND mailboxes.company_id = m.original;

UPDATE leads SET id = m.pseudonym, address = NULL
FROM anon_map m
WHERE m.kind = 'lead' AND leads.id = m.original;

UPDATE leads SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND leads.company_id = m.original;

UPDATE mailbox_health_snapshots SET event_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'event' AND mailbox_health_snapshots.event_id = m.original;

UPDATE mailbox_health_snapshots SET mailbox_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'mailbox' AND mailbox_health_snapshots.mailbox_id = m.original;

UPDATE mailbox_health_snapshots SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND mailbox_health_snapshots.company_id = m.original;

UPDATE billing_analytics SET tenant_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'tenant' AND billing_analytics.tenant_id = m.original;

UPDATE billing_analytics SET subscription_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'subscription' AND billing_analytics.subscription_id = m.original;

UPDATE billing_analytics_archive SET tenant_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'tenant' AND billing_analytics_archive.tenant_id = m.original;

UPDATE billing_analytics_archive SET subscription_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'subscription' AND billing_analytics_archive.subscription_id = m.original;

UPDATE campaign_analytics SET campaign_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'campaign' AND campaign_analytics.campaign_id = m.original;

UPDATE campaign_analytics SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND campaign_analytics.company_id = m.original;

UPDATE campaign_analytics_archive SET campaign_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'campaign' AND campaign_analytics_archive.campaign_id = m.original;

UPDATE campaign_analytics_archive SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND campaign_analytics_archive.company_id = m.original;

UPDATE sequence_step_analytics SET step_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'step' AND sequence_step_analytics.step_id = m.original;

UPDATE sequence_step_analytics SET campaign_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'campaign' AND sequence_step_analytics.campaign_id = m.original;

UPDATE sequence_step_analytics SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND sequence_step_analytics.company_id = m.original;

UPDATE sequence_step_analytics_archive SET step_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'step' AND sequence_step_analytics_archive.step_id = m.original;

UPDATE sequence_step_analytics_archive SET campaign_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'campaign' AND sequence_step_analytics_archive.campaign_id = m.original;

UPDATE sequence_step_analytics_archive SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND sequence_step_analytics_archive.company_id = m.original;

UPDATE mailbox_analytics SET mailbox_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'mailbox' AND mailbox_analytics.mailbox_id = m.original;

UPDATE mailbox_analytics SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND mailbox_analytics.company_id = m.original;

UPDATE mailbox_analytics SET last_campaign_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'campaign' AND mailbox_analytics.last_campaign_id = m.original;

UPDATE mailbox_analytics_archive SET mailbox_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'mailbox' AND mailbox_analytics_archive.mailbox_id = m.original;

UPDATE mailbox_analytics_archive SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND mailbox_analytics_archive.company_id = m.original;

UPDATE mailbox_analytics_archive SET last_campaign_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'campaign' AND mailbox_analytics_archive.last_campaign_id = m.original;

UPDATE lead_analytics SET lead_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'lead' AND lead_analytics.lead_id = m.original;

UPDATE lead_analytics SET campaign_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'campaign' AND lead_analytics.campaign_id = m.original;

UPDATE lead_analytics SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND lead_analytics.company_id = m.original;

UPDATE lead_analytics_archive SET lead_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'lead' AND lead_analytics_archive.lead_id = m.original;

UPDATE lead_analytics_archive SET campaign_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'campaign' AND lead_analytics_archive.campaign_id = m.original;

UPDATE lead_analytics_archive SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND lead_analytics_archive.company_id = m.original;

UPDATE warmup_analytics SET mailbox_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'mailbox' AND warmup_analytics.mailbox_id = m.original;

UPDATE warmup_analytics SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND warmup_analytics.company_id = m.original;

UPDATE warmup_analytics_archive SET mailbox_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'mailbox' AND warmup_analytics_archive.mailbox_id = m.original;

UPDATE warmup_analytics_archive SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND warmup_analytics_archive.company_id = m.original;

UPDATE daily_campaign_stats SET campaign_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'campaign' AND daily_campaign_stats.campaign_id = m.original;

UPDATE daily_campaign_stats SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND daily_campaign_stats.company_id = m.original;

UPDATE daily_campaign_stats SET tenant_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'tenant' AND daily_campaign_stats.tenant_id = m.original;

UPDATE daily_campaign_stats_archive SET campaign_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'campaign' AND daily_campaign_stats_archive.campaign_id = m.original;

UPDATE daily_campaign_stats_archive SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND daily_campaign_stats_archive.company_id = m.original;

UPDATE daily_campaign_stats_archive SET tenant_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'tenant' AND daily_campaign_stats_archive.tenant_id = m.original;

UPDATE daily_step_stats SET step_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'step' AND daily_step_stats.step_id = m.original;

UPDATE daily_step_stats SET campaign_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'campaign' AND daily_step_stats.campaign_id = m.original;

UPDATE daily_step_stats SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND daily_step_stats.company_id = m.original;

UPDATE daily_step_stats SET tenant_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'tenant' AND daily_step_stats.tenant_id = m.original;

UPDATE daily_step_stats_archive SET step_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'step' AND daily_step_stats_archive.step_id = m.original;

UPDATE daily_step_stats_archive SET campaign_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'campaign' AND daily_step_stats_archive.campaign_id = m.original;

UPDATE daily_step_stats_archive SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND daily_step_stats_archive.company_id = m.original;

UPDATE daily_step_stats_archive SET tenant_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'tenant' AND daily_step_stats_archive.tenant_id = m.original;

UPDATE daily_mailbox_stats SET mailbox_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'mailbox' AND daily_mailbox_stats.mailbox_id = m.original;

UPDATE daily_mailbox_stats SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND daily_mailbox_stats.company_id = m.original;

UPDATE daily_mailbox_stats SET tenant_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'tenant' AND daily_mailbox_stats.tenant_id = m.original;

UPDATE daily_mailbox_stats_archive SET mailbox_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'mailbox' AND daily_mailbox_stats_archive.mailbox_id = m.original;

UPDATE daily_mailbox_stats_archive SET company_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'company' AND daily_mailbox_stats_archive.company_id = m.original;

UPDATE daily_mailbox_stats_archive SET tenant_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'tenant' AND daily_mailbox_stats_archive.tenant_id = m.original;

UPDATE daily_tenant_stats SET tenant_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'tenant' AND daily_tenant_stats.tenant_id = m.original;

UPDATE daily_tenant_stats_archive SET tenant_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'tenant' AND daily_tenant_stats_archive.tenant_id = m.original;

UPDATE analytics_access_audit SET tenant_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'tenant' AND analytics_access_audit.tenant_id = m.original;

UPDATE admin_system_events SET tenant_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'tenant' AND admin_system_events.tenant_id = m.original;

UPDATE analytics_jobs SET tenant_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'tenant' AND analytics_jobs.tenant_id = m.original;

UPDATE api_keys SET tenant_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'tenant' AND api_keys.tenant_id = m.original;

UPDATE analytics_rate_limits SET tenant_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'tenant' AND analytics_rate_limits.tenant_id = m.original;

UPDATE analytics_export_controls SET tenant_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'tenant' AND analytics_export_controls.tenant_id = m.original;

UPDATE analytics_exports SET tenant_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'tenant' AND analytics_exports.tenant_id = m.original;

UPDATE admin_audit_logs SET tenant_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'tenant' AND admin_audit_logs.tenant_id = m.original;

UPDATE emails SET email_id = m.pseudonym
FROM anon_map m, anon_params p
WHERE m.kind = 'email' AND emails.email_id = m.original AND emails.tenant_key = p.tenant_key;

UPDATE emails_archive SET email_id = m.pseudonym
FROM anon_map m, anon_params p
WHERE m.kind = 'email' AND emails_archive.email_id = m.original AND emails_archive.tenant_key = p.tenant_key;

UPDATE pending_events SET email_id = m.pseudonym
FROM anon_map m, anon_params p
WHERE m.kind = 'email' AND pending_events.email_id = m.original AND pending_events.tenant_key = p.tenant_key;

UPDATE pending_events SET event_id = m.pseudonym
FROM anon_map m, anon_params p
WHERE m.kind = 'event' AND pending_events.event_id = m.original AND pending_events.tenant_key = p.tenant_key;

UPDATE entity_changes SET entity_id = m.pseudonym
FROM anon_map m
WHERE m.kind = entity_changes.entity_type AND entity_changes.entity_id = m.original;

UPDATE deliverability_alert_state SET entity_id = m.pseudonym
FROM anon_map m
WHERE m.kind = deliverability_alert_state.entity_type AND deliverability_alert_state.entity_id = m.original;

UPDATE deliverability_alert_state SET tenant_id = m.pseudonym
FROM anon_map m
WHERE m.kind = 'tenant' AND deliverability_alert_state.tenant_id = m.original;
