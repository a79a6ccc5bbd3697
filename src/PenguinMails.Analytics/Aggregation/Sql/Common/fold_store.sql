-- Incremental fold, step 1, its writes: what fold_collect.sql found goes into the raw store, in the fold's
-- transaction: the ids a second tenant starts to use, the new emails with their first events,
-- the known emails' earlier events and later categories, and the mailbox.health snapshots.
INSERT INTO shared_email_ids (email_id)
SELECT email_id FROM fold_shared;

-- New emails go in with their first events; known ones keep the earliest of old and new.
INSERT INTO emails (email_id, tenant_key, company_key, campaign_key, step_key, mailbox_key, lead_key, is_warmup, sent_at,
                    delivered_at, opened_at, clicked_at, replied_at, bounced_at, bounce_type, unsubscribed_at, complained_at,
                    opened_human_at, clicked_human_at, replied_human_at, reply_category, reply_category_at, reply_category_event)
SELECT email_id, tenant_key, company_key, campaign_key, step_key, mailbox_key, lead_key, is_warmup, sent_at,
       delivered_at, opened_at, clicked_at, replied_at, bounced_at, bounce_type, unsubscribed_at, complained_at,
       opened_human_at, clicked_human_at, replied_human_at, reply_category, reply_category_at, reply_category_event
FROM fold_new_emails;

UPDATE emails SET
    delivered_at = LEAST(emails.delivered_at, ev.delivered_at),
    opened_at = LEAST(emails.opened_at, ev.opened_at),
    clicked_at = LEAST(emails.clicked_at, ev.clicked_at),
    replied_at = LEAST(emails.replied_at, ev.replied_at),
    bounced_at = LEAST(emails.bounced_at, ev.bounced_at),
    bounce_type = CASE WHEN ev.bounce_type IS NULL THEN emails.bounce_type
                       WHEN emails.bounce_type IS NULL THEN ev.bounce_type
                       ELSE LEAST(emails.bounce_type, ev.bounce_type) END,
    unsubscribed_at = LEAST(emails.unsubscribed_at, ev.unsubscribed_at),
    complained_at = LEAST(emails.complained_at, ev.complained_at),
    opened_human_at = LEAST(emails.opened_human_at, ev.opened_human_at),
    clicked_human_at = LEAST(emails.clicked_human_at, ev.clicked_human_at),
    replied_human_at = LEAST(emails.replied_human_at, ev.replied_human_at)
FROM fold_events ev
WHERE emails.email_id = ev.email_id AND emails.tenant_key = ev.tenant_key AND ev.is_new = 0;

UPDATE emails SET reply_category = k.category, reply_category_at = k.category_at, reply_category_event = k.category_event
FROM fold_known k
WHERE emails.email_id = k.email_id AND emails.tenant_key = k.tenant_key AND k.category_wins = 1;

-- mailbox.health snapshots, once per event id.
INSERT INTO mailbox_health_snapshots (event_id, mailbox_id, company_id, occurred_at, health_score, progress_percentage, warmup_status)
SELECT event_id, mailbox_id, company_id, occurred_at, health_score, progress_percentage, warmup_status
FROM fold_snapshots;
