-- $1 job id, $2 lease owner: only the lease holder may finish the job.
UPDATE analytics_jobs SET status = 'succeeded', lease_owner = NULL, lease_expires = NULL, last_error = NULL, finished = NOW(), updated = NOW()
WHERE id = $1 AND lease_owner = $2;
