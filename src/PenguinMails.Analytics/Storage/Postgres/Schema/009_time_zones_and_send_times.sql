-- Tenant time zones and best send times (DESIGN.md, "Metrics users can trust").
--
-- Every tenant has a time zone (an IANA name; UTC unless the tenant record says otherwise): its
-- daily rollups, time series and dashboard days are its local days. Billing periods, warmup days
-- and the raw store stay UTC.
ALTER TABLE tenants ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';

--   penguin_local_day(ts, tz)   the day of a timestamp in time zone tz.
--   penguin_local_ts(d, tz)     the moment day d begins in time zone tz.
CREATE FUNCTION penguin_local_day(ts TIMESTAMPTZ, tz TEXT) RETURNS DATE
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CAST(ts AT TIME ZONE tz AS DATE) $$;

CREATE FUNCTION penguin_local_ts(d DATE, tz TEXT) RETURNS TIMESTAMPTZ
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT CAST(d AS TIMESTAMP) AT TIME ZONE tz $$;

--   penguin_tenant_ts(d, tenant)   the moment day d begins for a tenant (a read's range is the
--                                  tenant's local days): the tenant named, else the session's
--                                  (row-level security alone), else UTC (the platform admin).
CREATE FUNCTION penguin_tenant_ts(d DATE, tenant TEXT) RETURNS TIMESTAMPTZ
LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT penguin_local_ts(d, COALESCE((SELECT t.time_zone FROM tenants t
                                           WHERE t.id = COALESCE(tenant, CASE WHEN NOT penguin_is_admin() THEN penguin_current_tenant() END)), 'UTC')) $$;

-- Campaign traffic by the tenant's local weekday (ISO: 1 Monday .. 7 Sunday) and hour of sent_at,
-- per billing period (so that a recompute rebuilds it with the period tables): what the best send
-- times heatmap reads, per campaign or summed per tenant.
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
    updated TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    PRIMARY KEY (campaign_id, billing_id, weekday, hour)
);
CREATE INDEX idx_send_time_stats_tenant ON send_time_stats(tenant_id, billing_id);
CREATE INDEX idx_send_time_stats_billing ON send_time_stats(billing_id);
CREATE TABLE send_time_stats_archive (LIKE send_time_stats INCLUDING DEFAULTS, archived TIMESTAMPTZ NOT NULL DEFAULT NOW());

ALTER TABLE send_time_stats ENABLE ROW LEVEL SECURITY;
ALTER TABLE send_time_stats FORCE ROW LEVEL SECURITY;
ALTER TABLE send_time_stats_archive ENABLE ROW LEVEL SECURITY;
ALTER TABLE send_time_stats_archive FORCE ROW LEVEL SECURITY;
CREATE POLICY send_time_stats_tenant_isolation ON send_time_stats
    FOR ALL USING ((SELECT penguin_is_admin()) OR tenant_id = (SELECT penguin_current_tenant()));
CREATE POLICY send_time_stats_archive_tenant_isolation ON send_time_stats_archive
    FOR ALL USING ((SELECT penguin_is_admin()) OR tenant_id = (SELECT penguin_current_tenant()));
GRANT SELECT ON send_time_stats TO penguin_analytics_app, penguin_analytics_admin;
GRANT SELECT ON send_time_stats_archive TO penguin_analytics_admin;

-- Counters kept before this version counted on UTC days, as every tenant's zone is UTC until
-- its record says otherwise: nothing to rebuild, except the new table (from the queued recompute
-- of 008, or this one when 008 ran before).
INSERT INTO analytics_jobs (job_type, payload)
SELECT 'recompute', '{}'
WHERE EXISTS (SELECT 1 FROM emails)
  AND NOT EXISTS (SELECT 1 FROM analytics_jobs WHERE job_type = 'recompute' AND tenant_id IS NULL AND status = 'queued');
