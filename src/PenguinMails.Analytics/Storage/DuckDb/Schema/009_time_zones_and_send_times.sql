-- Tenant time zones and best send times: see Storage/Postgres/Schema/009_time_zones_and_send_times.sql.
-- DuckDB converts time zones with its built-in ICU (no extension to download).
ALTER TABLE tenants ADD COLUMN time_zone TEXT DEFAULT 'UTC';
UPDATE tenants SET time_zone = 'UTC' WHERE time_zone IS NULL;

CREATE MACRO penguin_local_day(ts, tz) AS CAST(timezone(tz, ts) AS DATE);

CREATE MACRO penguin_local_ts(d, tz) AS timezone(tz, CAST(d AS TIMESTAMP));

CREATE MACRO penguin_tenant_ts(d, tenant) AS penguin_local_ts(d, COALESCE((SELECT t.time_zone FROM tenants t WHERE t.id = tenant), 'UTC'));

-- No primary key: as for the other rollups, DuckDB's one writer (under the aggregate lock) keeps
-- the key unique, and an index would slow the recompute's deletes.
CREATE TABLE send_time_stats (
    campaign_id TEXT NOT NULL,
    billing_id BIGINT NOT NULL,
    weekday SMALLINT NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    hour SMALLINT NOT NULL CHECK (hour BETWEEN 0 AND 23),
    company_id TEXT NOT NULL,
    tenant_id TEXT NOT NULL,
    sent INTEGER NOT NULL DEFAULT 0,
    delivered INTEGER NOT NULL DEFAULT 0,
    replied_human INTEGER NOT NULL DEFAULT 0,
    replied_positive INTEGER NOT NULL DEFAULT 0,
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE TABLE send_time_stats_archive AS SELECT *, NOW() AS archived FROM send_time_stats LIMIT 0;

INSERT INTO analytics_jobs (job_type, payload)
SELECT 'recompute', '{}'
WHERE EXISTS (SELECT 1 FROM emails)
  AND NOT EXISTS (SELECT 1 FROM analytics_jobs WHERE job_type = 'recompute' AND tenant_id IS NULL AND status = 'queued');
