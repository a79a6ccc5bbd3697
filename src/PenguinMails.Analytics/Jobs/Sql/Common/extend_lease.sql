-- Keeps a long job's lease alive. $1 job id, $2 lease owner, $3 lease length in milliseconds.
UPDATE analytics_jobs SET lease_expires = NOW() + CAST($3 || ' milliseconds' AS INTERVAL), updated = NOW()
WHERE id = $1 AND lease_owner = $2 AND status = 'running';
