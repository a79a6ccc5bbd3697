-- The tenants a scope may see (the admin: all), for the dashboard's tenant picker.
-- $1 tenant (NULL: all).
-- OFFSET 0: on a cluster's coordinator the shards are read side by side (an async Append) and
-- sorted here, not read one after the other in order (a Merge Append; usage.sql says more).
SELECT t.*
FROM (SELECT t.id AS tenant_id, t.name, t.time_zone
      FROM tenants t
      WHERE CAST($1 AS TEXT) IS NULL OR t.id = CAST($1 AS TEXT)
      OFFSET 0) t
ORDER BY t.tenant_id;
