-- Who holds the running jobs' leases ("host:pid:nonce"), for the check of holders known to be dead.
SELECT id, lease_owner FROM analytics_jobs WHERE status = 'running' AND lease_owner IS NOT NULL AND lease_expires > NOW()
