-- One administrative action. $1 admin user, $2 action, $3 resource type, $4 resource id,
-- $5 tenant, $6 old values (JSON text), $7 new values (JSON text), $8 ip, $9 user agent,
-- $10 epoch milliseconds, $11 notes, $12 duration ms, $13 affected rows, $14 performance
-- category, $15 compliance flags (comma-separated), $16 data classification, $17 retention category.
INSERT INTO admin_audit_logs (admin_user_id, action, resource_type, resource_id, tenant_id, old_values, new_values,
    ip_address, user_agent, timestamp, notes, query_duration_ms, affected_rows, performance_category,
    compliance_flags, data_classification, retention_category)
VALUES ($1, $2, $3, $4, $5, CAST($6 AS JSON), CAST($7 AS JSON), $8, $9, $10, $11, $12, $13, $14,
    string_to_array(CAST($15 AS TEXT), ','), $16, $17);
