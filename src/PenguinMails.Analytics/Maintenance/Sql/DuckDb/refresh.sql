-- DuckDB has no materialized views: campaign_performance_summary is a table refreshed in place,
-- with the same SELECT as PostgreSQL's view.
DELETE FROM campaign_performance_summary;
INSERT INTO campaign_performance_summary
SELECT ca.campaign_id, ca.company_id, ca.billing_id, c.name, c.status,
       ca.sent, ca.delivered, ca.opened_tracked, ca.clicked_tracked, ca.replied, ca.bounced, ca.unsubscribed, ca.spam_complaints,
       ROUND(100.0 * ca.delivered / NULLIF(ca.sent, 0), 2),
       ROUND(100.0 * ca.opened_tracked / NULLIF(ca.delivered, 0), 2),
       ROUND(100.0 * ca.clicked_tracked / NULLIF(ca.delivered, 0), 2),
       ROUND(100.0 * ca.replied / NULLIF(ca.delivered, 0), 2),
       ROUND(100.0 * ca.bounced / NULLIF(ca.sent, 0), 2),
       EXTRACT(EPOCH FROM (c.completed_at - c.started_at)) / 3600,
       ca.updated
FROM campaign_analytics ca
JOIN campaigns c ON ca.campaign_id = c.id;
