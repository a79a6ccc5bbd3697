-- System events (alerts, sessions, dead letters, pool tuning, maintenance), unresolved first,
-- then newest first. Platform-wide events have no tenant and are seen by the admin only.
-- $1 tenant (NULL: all), $2 first day, $3 day after the last, $4 event type (NULL: any),
-- $5 severity (NULL: any), $6 limit, $7 offset.
SELECT e.id, e.creation_time, e.event_type, e.severity, e.message, e.details, e.tenant_id, e.admin_user_id,
       e.resolved, e.resolution, e.ip_address, e.user_agent, e.started, e.last_activity, e.expires, e.is_active
FROM admin_system_events e
WHERE (CAST($1 AS TEXT) IS NULL OR e.tenant_id = CAST($1 AS TEXT))
  AND e.creation_time >= penguin_utc_ts($2) AND e.creation_time < penguin_utc_ts($3)
  AND (CAST($4 AS TEXT) IS NULL OR e.event_type = CAST($4 AS TEXT))
  AND (CAST($5 AS TEXT) IS NULL OR e.severity = CAST($5 AS TEXT))
ORDER BY CASE WHEN e.resolved IS NULL THEN 0 ELSE 1 END, e.creation_time DESC, e.id DESC
LIMIT $6 OFFSET $7;
