-- $1 job type, $2 tenant, $3 payload (JSON text), $4 max attempts.
INSERT INTO analytics_jobs (job_type, tenant_id, payload, max_attempts)
VALUES ($1, $2, CAST($3 AS JSON), $4);
