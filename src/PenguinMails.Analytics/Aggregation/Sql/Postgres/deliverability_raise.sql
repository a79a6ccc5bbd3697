-- Deliverability, step 2: one admin_system_events alert per rate that is over its threshold now
-- and was not at the last evaluation (a crossing), never one per email.
INSERT INTO admin_system_events (event_type, severity, message, details, tenant_id, timestamp)
SELECT 'deliverability_alert', 'warning',
       r.entity_type || ' ' || r.entity_id || ': ' || REPLACE(r.metric, '_', ' ') || ' ' || CAST(r.rate AS TEXT)
           || '% is over ' || CAST(CAST(r.threshold AS NUMERIC(7, 2)) AS TEXT) || '% (' || CAST(r.sent AS TEXT) || ' sent in the last '
           || CAST((SELECT window_days FROM alert_params) AS TEXT) || ' days)',
       json_build_object('entity_type', r.entity_type, 'entity_id', r.entity_id, 'metric', r.metric, 'rate', r.rate,
                         'threshold', r.threshold, 'sent', r.sent, 'window_days', (SELECT window_days FROM alert_params)),
       r.tenant_id, CAST(EXTRACT(EPOCH FROM NOW()) * 1000 AS BIGINT)
FROM alert_rates r
LEFT JOIN deliverability_alert_state s
       ON s.entity_type = r.entity_type AND s.entity_id = r.entity_id AND s.metric = r.metric
WHERE r.is_over AND (s.is_over IS NULL OR NOT s.is_over);
