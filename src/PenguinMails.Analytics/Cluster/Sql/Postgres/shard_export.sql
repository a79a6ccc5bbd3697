-- On a shard (`cluster init`, `cluster add-shard`, `migrate`): the views the coordinator's foreign
-- tables read, one per table of the normal schema, each with the constant column `shard` that the
-- coordinator partitions on; and the shard's range of billing ids (ordinal << 40), so that the
-- billing_id the analytics tables join on is unique in the whole cluster, and of system event ids,
-- so that an admin resolving an event by id reaches the one shard that has it. Only those: the
-- pipeline's own sequences (pending events, jobs) are watermarks that must start where they do. {shard} and {ordinal} are filled in by ClusterSetup
-- from validated values (a name matching ^[a-z][a-z0-9_]*$, an integer). The coordinator's own
-- settings stay its own: schema version, API keys, workload pools and the pipeline's state are
-- not exported.
--
-- A tenant listed in penguin_move.hidden_tenants is left out of these views: the copy that
-- `cluster move-tenant` commits on its new shard before the switch, until the old copy is gone,
-- so that reads across tenants never count a tenant twice. Its own reads (on its shard's tables
-- themselves) are not affected. The list survives this script: it is state, not a view.
CREATE SCHEMA IF NOT EXISTS penguin_move;
CREATE TABLE IF NOT EXISTS penguin_move.hidden_tenants (tenant_id TEXT PRIMARY KEY);
DROP SCHEMA IF EXISTS penguin_export CASCADE;
CREATE SCHEMA penguin_export;
DO $$
DECLARE
    t record;
    s record;
    hidden TEXT;
    base BIGINT := {ordinal}::BIGINT << 40;
    last BIGINT;
BEGIN
    FOR t IN SELECT c.relname, ARRAY(SELECT a.attname FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS columns
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
               AND c.relname NOT IN ('analytics_schema_migrations', 'api_keys', 'analytics_connection_pools', 'analytics_pool_metrics', 'pipeline_state')
    LOOP
        -- How the table's rows name their tenant (as the move finds them: Cluster/TenantTables.cs).
        hidden := CASE
            WHEN t.relname = 'tenants' THEN 'SELECT 1 FROM penguin_move.hidden_tenants h WHERE h.tenant_id = x.id'
            WHEN t.columns @> ARRAY['tenant_id'::name] THEN 'SELECT 1 FROM penguin_move.hidden_tenants h WHERE h.tenant_id = x.tenant_id'
            WHEN t.columns @> ARRAY['company_id'::name] THEN 'SELECT 1 FROM penguin_move.hidden_tenants h JOIN public.companies c ON c.tenant_id = h.tenant_id WHERE c.id = x.company_id'
            WHEN t.columns @> ARRAY['tenant_key'::name] THEN 'SELECT 1 FROM penguin_move.hidden_tenants h JOIN public.tenants n ON n.id = h.tenant_id WHERE n.tenant_key = x.tenant_key'
        END;
        EXECUTE format('CREATE VIEW penguin_export.%I AS SELECT %L::TEXT AS shard, x.* FROM public.%I x%s', t.relname, '{shard}', t.relname,
                       CASE WHEN hidden IS NULL THEN '' ELSE ' WHERE NOT EXISTS (' || hidden || ')' END);
    END LOOP;
    FOR s IN SELECT DISTINCT pg_get_serial_sequence(format('public.%I', c.relname), a.attname) AS seq
             FROM pg_attribute a
             JOIN pg_class c ON c.oid = a.attrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relname IN ('billing_analytics', 'admin_system_events') AND a.attidentity <> ''
    LOOP
        EXECUTE format('SELECT last_value FROM %s', s.seq) INTO last;
        IF last < base THEN
            PERFORM setval(s.seq, base, false);
        END IF;
    END LOOP;
END
$$;
