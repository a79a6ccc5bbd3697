-- Work that is not finished: queued (due or in backoff) or running (under a live or expired lease).
SELECT COUNT(*) FROM analytics_jobs WHERE status IN ('queued', 'running');
