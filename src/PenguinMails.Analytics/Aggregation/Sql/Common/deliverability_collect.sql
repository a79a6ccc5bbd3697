-- Deliverability, step 1 (in the fold's transaction, after apply): the bounce and complaint rates
-- of mailboxes and campaigns over the trailing window of alert_params.window_days, ending at the
-- newest day in its rollup, and whether each is over its threshold (with enough sends).
--
-- A rate changes only when its entity's rows in the window change or the window moves. So every
-- entity is evaluated when a window's end moved since the last evaluation (pipeline_state keeps
-- the ends; a recompute, archiving, anonymization or a tenant's move forgets them) and on a
-- process's first fold (alert_params.everything: its thresholds may be new); otherwise only what
-- this fold touched (the lists of refresh_attributes.sql). Evaluating every entity after every
-- fold cost each small fold a time that grew with the number of entities (bench/README).
-- The ends are kept as day numbers (pipeline_state holds integers); -1: no rows yet. A fold only
-- adds rollup rows and sets counters (what removes rows forgets the ends), so with the last
-- evaluation's end known the new end is the later of it and the newest day this fold merged
-- (its delta tables); only without it is the rollup's newest day read, which PostgreSQL finds by
-- reading the whole rollup (0.5 s a fold at 10 M emails).
DROP TABLE IF EXISTS alert_window;
CREATE TEMP TABLE alert_window AS
SELECT w.mailbox_end, w.campaign_end, w.mailbox_mark, w.campaign_mark,
       p.everything OR w.mailbox_mark <> COALESCE(w.stored_mailbox, -2) OR w.campaign_mark <> COALESCE(w.stored_campaign, -2) AS everything
FROM (
    SELECT e.*,
           COALESCE(CAST(e.mailbox_end - DATE '2000-01-01' AS BIGINT), -1) AS mailbox_mark,
           COALESCE(CAST(e.campaign_end - DATE '2000-01-01' AS BIGINT), -1) AS campaign_mark
    FROM (
        SELECT k.stored_mailbox, k.stored_campaign,
               CASE WHEN k.stored_mailbox IS NULL THEN (SELECT MAX(day) FROM daily_mailbox_stats)
                    ELSE GREATEST(CASE WHEN k.stored_mailbox >= 0 THEN DATE '2000-01-01' + CAST(k.stored_mailbox AS INTEGER) END,
                                  (SELECT MAX(day) FROM delta_daily_mailbox_stats)) END AS mailbox_end,
               CASE WHEN k.stored_campaign IS NULL THEN (SELECT MAX(day) FROM daily_campaign_stats)
                    ELSE GREATEST(CASE WHEN k.stored_campaign >= 0 THEN DATE '2000-01-01' + CAST(k.stored_campaign AS INTEGER) END,
                                  (SELECT MAX(day) FROM delta_daily_campaign_stats)) END AS campaign_end
        FROM (SELECT (SELECT value FROM pipeline_state WHERE name = 'alert_window_mailbox') AS stored_mailbox,
                     (SELECT value FROM pipeline_state WHERE name = 'alert_window_campaign') AS stored_campaign) k
    ) e
) w
CROSS JOIN alert_params p;

-- The entities to evaluate, as a list the rollups are joined with (an OR beside the list made
-- both engines read every row of the window).
DROP TABLE IF EXISTS alert_mailboxes;
CREATE TEMP TABLE alert_mailboxes AS
SELECT id FROM touched_mailboxes
UNION SELECT id FROM mailboxes WHERE (SELECT everything FROM alert_window);

DROP TABLE IF EXISTS alert_campaigns;
CREATE TEMP TABLE alert_campaigns AS
SELECT id FROM touched_campaigns
UNION SELECT id FROM campaigns WHERE (SELECT everything FROM alert_window);

ANALYZE alert_mailboxes;
ANALYZE alert_campaigns;

DROP TABLE IF EXISTS alert_rates;
CREATE TEMP TABLE alert_rates AS
WITH totals AS (
    SELECT 'mailbox' AS entity_type, d.mailbox_id AS entity_id, d.tenant_id,
           SUM(d.sent) AS sent, SUM(d.bounced) AS bounced, SUM(d.spam_complaints) AS complaints
    FROM daily_mailbox_stats d
    WHERE d.day > (SELECT mailbox_end FROM alert_window) - (SELECT window_days FROM alert_params)
      AND d.mailbox_id IN (SELECT id FROM alert_mailboxes)
    GROUP BY d.mailbox_id, d.tenant_id
    UNION ALL
    SELECT 'campaign', d.campaign_id, d.tenant_id, SUM(d.sent), SUM(d.bounced), SUM(d.spam_complaints)
    FROM daily_campaign_stats d
    WHERE d.day > (SELECT campaign_end FROM alert_window) - (SELECT window_days FROM alert_params)
      AND d.campaign_id IN (SELECT id FROM alert_campaigns)
    GROUP BY d.campaign_id, d.tenant_id
), rates AS (
    SELECT t.entity_type, t.entity_id, t.tenant_id, t.sent, m.metric,
           100.0 * CASE m.metric WHEN 'bounce_rate' THEN t.bounced ELSE t.complaints END / t.sent AS exact_rate,
           CASE m.metric WHEN 'bounce_rate' THEN p.bounce_threshold ELSE p.complaint_threshold END AS threshold,
           p.min_sends
    FROM totals t
    CROSS JOIN (SELECT 'bounce_rate' AS metric UNION ALL SELECT 'complaint_rate') m
    CROSS JOIN alert_params p
    WHERE t.sent > 0
)
SELECT entity_type, entity_id, tenant_id, sent, metric, threshold,
       CAST(ROUND(exact_rate, 2) AS NUMERIC(7, 2)) AS rate,
       (sent >= min_sends AND exact_rate > threshold) AS is_over
FROM rates;
