-- campaign_performance_summary.campaign_duration_hours is DOUBLE PRECISION, as on DuckDB (found by
-- the engines' schema comparison, SchemaParityTests): since PostgreSQL 14 EXTRACT returns numeric.
-- A materialized view's column cannot change its type, so the view, its indexes and the scoped
-- view tenant readers get are made again, as in 001 (WITH DATA: filled at once).
DROP VIEW tenant_campaign_performance;
DROP MATERIALIZED VIEW campaign_performance_summary;

CREATE MATERIALIZED VIEW campaign_performance_summary AS
SELECT
    ca.campaign_id,
    ca.company_id,
    ca.billing_id,
    c.name AS campaign_name,
    c.status AS campaign_status,
    ca.sent,
    ca.delivered,
    ca.opened_tracked,
    ca.clicked_tracked,
    ca.replied,
    ca.bounced,
    ca.unsubscribed,
    ca.spam_complaints,
    ROUND((ca.delivered::DECIMAL / NULLIF(ca.sent, 0)) * 100, 2) AS delivery_rate,
    ROUND((ca.opened_tracked::DECIMAL / NULLIF(ca.delivered, 0)) * 100, 2) AS open_rate,
    ROUND((ca.clicked_tracked::DECIMAL / NULLIF(ca.delivered, 0)) * 100, 2) AS click_rate,
    ROUND((ca.replied::DECIMAL / NULLIF(ca.delivered, 0)) * 100, 2) AS reply_rate,
    ROUND((ca.bounced::DECIMAL / NULLIF(ca.sent, 0)) * 100, 2) AS bounce_rate,
    CAST(EXTRACT(EPOCH FROM (c.completed_at - c.started_at)) / 3600 AS DOUBLE PRECISION) AS campaign_duration_hours,
    ca.updated
FROM campaign_analytics ca
JOIN campaigns c ON ca.campaign_id = c.id;

CREATE UNIQUE INDEX idx_campaign_performance_key ON campaign_performance_summary(campaign_id, billing_id);
CREATE INDEX idx_campaign_performance_company ON campaign_performance_summary(company_id);
CREATE INDEX idx_campaign_performance_status ON campaign_performance_summary(campaign_status);
CREATE INDEX idx_campaign_performance_updated ON campaign_performance_summary(updated);

CREATE VIEW tenant_campaign_performance WITH (security_barrier = true) AS
SELECT * FROM campaign_performance_summary
WHERE penguin_is_admin()
   OR company_id IN (SELECT id FROM companies WHERE tenant_id = penguin_current_tenant());

GRANT SELECT ON tenant_campaign_performance TO penguin_analytics_app, penguin_analytics_admin;
COMMENT ON COLUMN campaign_performance_summary.campaign_duration_hours IS 'Hours from the campaign''s started_at to its completed_at.';
