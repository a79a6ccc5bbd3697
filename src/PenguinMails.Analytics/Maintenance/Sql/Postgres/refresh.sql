-- The guide's materialized view, refreshed without blocking its readers (its unique index allows it).
REFRESH MATERIALIZED VIEW CONCURRENTLY campaign_performance_summary;
