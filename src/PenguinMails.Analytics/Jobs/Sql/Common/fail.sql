-- A failed attempt: back to the queue after $3 milliseconds, or dead after max_attempts.
-- $1 job id, $2 lease owner, $3 backoff in milliseconds, $4 error.
UPDATE analytics_jobs SET
    status = CASE WHEN attempts >= max_attempts THEN 'dead' ELSE 'queued' END,
    run_after = NOW() + CAST($3 || ' milliseconds' AS INTERVAL),
    last_error = $4, lease_owner = NULL, lease_expires = NULL, updated = NOW(),
    finished = CASE WHEN attempts >= max_attempts THEN NOW() END
WHERE id = $1 AND lease_owner = $2
RETURNING status;
