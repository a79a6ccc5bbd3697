-- Deliverability, step 3: remember each rate's side of its threshold, so that the next fold
-- raises an alert only for a new crossing. Only rows that were ever over are kept.
UPDATE deliverability_alert_state
SET is_over = r.is_over, rate = r.rate, sent = r.sent, changed = NOW()
FROM alert_rates r
WHERE r.entity_type = deliverability_alert_state.entity_type
  AND r.entity_id = deliverability_alert_state.entity_id
  AND r.metric = deliverability_alert_state.metric
  AND r.is_over <> deliverability_alert_state.is_over;

INSERT INTO deliverability_alert_state (entity_type, entity_id, metric, tenant_id, is_over, rate, sent)
SELECT r.entity_type, r.entity_id, r.metric, r.tenant_id, r.is_over, r.rate, r.sent
FROM alert_rates r
WHERE r.is_over
  AND NOT EXISTS (SELECT 1 FROM deliverability_alert_state s
                  WHERE s.entity_type = r.entity_type AND s.entity_id = r.entity_id AND s.metric = r.metric);

-- The windows this evaluation used (step 1 compares the next fold's with them).
DELETE FROM pipeline_state WHERE name IN ('alert_window_mailbox', 'alert_window_campaign');
INSERT INTO pipeline_state (name, value)
SELECT 'alert_window_mailbox', mailbox_mark FROM alert_window
UNION ALL
SELECT 'alert_window_campaign', campaign_mark FROM alert_window;
