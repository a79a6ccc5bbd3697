-- The holder of this lease is known to be dead (a process of this host that no longer exists):
-- its lease ends now, so the next claim takes the job over as it would after the lease ran out,
-- and the attempt counts. $1 job id, $2 the dead lease owner.
UPDATE analytics_jobs SET lease_expires = NOW() - INTERVAL '1 second', updated = NOW()
WHERE id = $1 AND lease_owner = $2 AND status = 'running'
