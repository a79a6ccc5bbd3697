-- Extended statistics for the aggregation's GROUP BYs: campaign determines company determines
-- tenant (and a step its campaign), so the planner, multiplying per-column estimates, would
-- expect far more groups than there are and pick sort-based plans. ndistinct and functional
-- dependencies on the correlated keys let it estimate the groups of the fold's and the
-- recompute's rollups. Created here (idempotent) so that ANALYZE below fills them.
CREATE STATISTICS IF NOT EXISTS emails_keys_stats (ndistinct, dependencies)
    ON tenant_key, company_key, campaign_key, step_key, mailbox_key FROM emails;
CREATE STATISTICS IF NOT EXISTS daily_campaign_stats_keys_stats (ndistinct, dependencies)
    ON tenant_id, company_id, campaign_id FROM daily_campaign_stats;
CREATE STATISTICS IF NOT EXISTS daily_step_stats_keys_stats (ndistinct, dependencies)
    ON tenant_id, company_id, campaign_id, step_id FROM daily_step_stats;
CREATE STATISTICS IF NOT EXISTS daily_mailbox_stats_keys_stats (ndistinct, dependencies)
    ON tenant_id, company_id, mailbox_id FROM daily_mailbox_stats;
-- Planner statistics for every table of the product, after the archive moved rows out. Named,
-- not a bare ANALYZE: that one also lists other sessions' temporary tables (a fold's), and fails
-- when such a table is dropped before its turn.
DO $$ BEGIN
    EXECUTE (SELECT 'ANALYZE ' || string_agg(format('%I.%I', n.nspname, c.relname), ', ' ORDER BY c.relname)
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'm')); END $$;
