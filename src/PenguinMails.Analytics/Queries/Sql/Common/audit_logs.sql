-- Administrative actions, newest first, with the guide's compliance columns. Filters are
-- optional (NULL: any). $1 tenant (NULL: all), $2 first day, $3 day after the last,
-- $4 admin user, $5 action, $6 resource type, $7 limit, $8 offset.
SELECT a.id, a.creation_time, a.admin_user_id, a.action, a.resource_type, a.resource_id, a.tenant_id,
       a.old_values, a.new_values, a.ip_address, a.user_agent, a.notes, a.query_duration_ms, a.affected_rows,
       a.performance_category, a.data_classification, a.retention_category, a.compliance_flags
FROM admin_audit_logs a
WHERE (CAST($1 AS TEXT) IS NULL OR a.tenant_id = CAST($1 AS TEXT))
  AND a.creation_time >= penguin_utc_ts($2) AND a.creation_time < penguin_utc_ts($3)
  AND (CAST($4 AS TEXT) IS NULL OR a.admin_user_id = CAST($4 AS TEXT))
  AND (CAST($5 AS TEXT) IS NULL OR a.action = CAST($5 AS TEXT))
  AND (CAST($6 AS TEXT) IS NULL OR a.resource_type = CAST($6 AS TEXT))
ORDER BY a.creation_time DESC, a.id DESC
LIMIT $7 OFFSET $8;
