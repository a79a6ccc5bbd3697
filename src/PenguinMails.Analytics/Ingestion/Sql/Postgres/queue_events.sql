-- The accepted events of a batch (apply_events.sql) into the queue, numbered in input order:
-- PostgreSQL inserts the rows of the ORDER BY one by one and draws each seq as it goes.
INSERT INTO pending_events (
    kind, event_id, email_id, occurred_at, bounce_type,
    tenant_key, company_key, campaign_key, step_key, mailbox_key, lead_key, is_warmup,
    health_score, progress_percentage, warmup_status, machine, reply_kind, category)
SELECT kind, event_id, email_id, occurred_at, bounce_type,
       tenant_key, company_key, campaign_key, step_key, mailbox_key, lead_key, is_warmup,
       health_score, progress_percentage, warmup_status, machine, reply_kind, category
FROM stage_accepted
ORDER BY line;
