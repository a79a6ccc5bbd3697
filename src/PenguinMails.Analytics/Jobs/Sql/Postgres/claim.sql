-- Claims the oldest runnable job: queued and due, or running under a lease that expired (its
-- worker died). SKIP LOCKED lets many workers claim side by side without waiting or double work.
-- $1 lease owner, $2 lease length in milliseconds.
UPDATE analytics_jobs SET
    status = 'running', attempts = attempts + 1, lease_owner = $1,
    lease_expires = NOW() + CAST($2 || ' milliseconds' AS INTERVAL), updated = NOW()
WHERE id = (
    SELECT id FROM analytics_jobs
    WHERE (status = 'queued' AND run_after <= NOW()) OR (status = 'running' AND lease_expires < NOW())
    ORDER BY id
    LIMIT 1
    FOR UPDATE SKIP LOCKED)
RETURNING id, job_type, tenant_id, CAST(payload AS TEXT), attempts, max_attempts;
