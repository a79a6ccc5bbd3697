-- The guide's administrative activity analysis for compliance (admin only): actions per admin,
-- action, resource type, UTC day and hour, with tenants affected, distinct IPs and a time category.
-- $1 tenant (NULL: all), $2 first day, $3 day after the last, $4 limit, $5 offset.
SELECT a.admin_user_id, a.action, a.resource_type,
       COUNT(*) AS action_count,
       COUNT(DISTINCT a.tenant_id) AS tenants_affected,
       penguin_utc_day(a.creation_time) AS activity_date,
       COUNT(DISTINCT a.ip_address) AS unique_ips,
       CAST(EXTRACT(HOUR FROM penguin_utc_time(a.creation_time)) AS INTEGER) AS hour_of_day,
       CASE WHEN EXTRACT(HOUR FROM penguin_utc_time(a.creation_time)) BETWEEN 9 AND 17 THEN 'Business Hours'
            WHEN EXTRACT(HOUR FROM penguin_utc_time(a.creation_time)) BETWEEN 18 AND 22 THEN 'After Hours'
            ELSE 'Night Time' END AS time_category
FROM admin_audit_logs a
WHERE (CAST($1 AS TEXT) IS NULL OR a.tenant_id = CAST($1 AS TEXT))
  AND a.creation_time >= penguin_utc_ts($2) AND a.creation_time < penguin_utc_ts($3)
GROUP BY a.admin_user_id, a.action, a.resource_type, penguin_utc_day(a.creation_time),
         CAST(EXTRACT(HOUR FROM penguin_utc_time(a.creation_time)) AS INTEGER),
         CASE WHEN EXTRACT(HOUR FROM penguin_utc_time(a.creation_time)) BETWEEN 9 AND 17 THEN 'Business Hours'
              WHEN EXTRACT(HOUR FROM penguin_utc_time(a.creation_time)) BETWEEN 18 AND 22 THEN 'After Hours'
              ELSE 'Night Time' END
ORDER BY action_count DESC, activity_date DESC, a.admin_user_id, a.action
LIMIT $4 OFFSET $5;
