-- A worker that stops (graceful shutdown) gives its job back at once instead of letting the lease
-- run out; the attempt does not count. $1 job id, $2 lease owner.
UPDATE analytics_jobs SET status = 'queued', attempts = GREATEST(attempts - 1, 0), lease_owner = NULL, lease_expires = NULL,
    run_after = NOW(), updated = NOW()
WHERE id = $1 AND lease_owner = $2 AND status = 'running';
