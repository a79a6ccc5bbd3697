-- campaign_performance_summary.campaign_duration_hours: DOUBLE here already; PostgreSQL's
-- materialized view is made again with the same type (see Storage/Postgres/Schema/005_duration_hours.sql).
COMMENT ON COLUMN campaign_performance_summary.campaign_duration_hours IS 'Hours from the campaign''s started_at to its completed_at.';
