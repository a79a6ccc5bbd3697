-- The one way a job enters the queue (JobQueue.EnqueueAsync). $1 job type, $2 tenant, $3 payload
-- (JSON text), $4 max attempts (JobOptions.MaxAttempts), $5 deduplication (JobDeduplication):
-- 0 always, 1 not while a job of this type and tenant is queued, 2 nor while one is running.
INSERT INTO analytics_jobs (job_type, tenant_id, payload, max_attempts)
SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS JSON), CAST($4 AS INTEGER)
WHERE CAST($5 AS INTEGER) = 0 OR NOT EXISTS (
    SELECT 1 FROM analytics_jobs j
    WHERE j.job_type = CAST($1 AS TEXT)
      AND (j.tenant_id = CAST($2 AS TEXT) OR (j.tenant_id IS NULL AND CAST($2 AS TEXT) IS NULL))
      AND (j.status = 'queued' OR (CAST($5 AS INTEGER) = 2 AND j.status = 'running')));
