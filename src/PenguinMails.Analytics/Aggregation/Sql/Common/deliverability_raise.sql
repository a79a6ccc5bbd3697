-- Deliverability, step 2: one admin_system_events alert per rate that is over its threshold now
-- and was not at the last evaluation (a crossing), never one per email. The details are the
-- crossing's own row as JSON (to_json of a row: the same on both engines).
INSERT INTO admin_system_events (event_type, severity, message, details, tenant_id, timestamp)
SELECT 'deliverability_alert', 'warning',
       d.entity_type || ' ' || d.entity_id || ': ' || REPLACE(d.metric, '_', ' ') || ' ' || CAST(d.rate AS TEXT)
           || '% is over ' || CAST(CAST(d.threshold AS NUMERIC(7, 2)) AS TEXT) || '% (' || CAST(d.sent AS TEXT) || ' sent in the last '
           || CAST(d.window_days AS TEXT) || ' days)',
       to_json(d), d.tenant_id, CAST(EXTRACT(EPOCH FROM NOW()) * 1000 AS BIGINT)
FROM (
    SELECT r.entity_type, r.entity_id, r.metric, r.rate, r.threshold, r.sent, p.window_days, r.tenant_id
    FROM alert_rates r
    CROSS JOIN alert_params p
    LEFT JOIN deliverability_alert_state s
           ON s.entity_type = r.entity_type AND s.entity_id = r.entity_id AND s.metric = r.metric
    WHERE r.is_over AND (s.is_over IS NULL OR NOT s.is_over)
) d;
