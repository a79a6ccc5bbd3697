-- A job that used up its attempts raises an alert for the platform admins.
-- $1 job id, $2 job type, $3 tenant, $4 attempts, $5 last error.
INSERT INTO admin_system_events (event_type, severity, message, tenant_id, timestamp)
VALUES ('job_dead_lettered', 'error',
        'job ' || CAST($1 AS TEXT) || ' (' || $2 || ') failed ' || CAST($4 AS TEXT) || ' times and was dead-lettered: ' || $5,
        $3, CAST(EXTRACT(EPOCH FROM NOW()) * 1000 AS BIGINT));
