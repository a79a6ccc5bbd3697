-- On a shard (`cluster init`, `cluster add-shard`, `migrate`): the views the coordinator's foreign
-- tables read, one per table of the normal schema, each with the constant column `shard` that the
-- coordinator partitions on; and the shard's range of billing ids (ordinal << 40), so that the
-- billing_id the analytics tables join on is unique in the whole cluster. Only that one: the
-- pipeline's own sequences (pending events, jobs) are watermarks that must start where they do. {shard} and {ordinal} are filled in by ClusterSetup
-- from validated values (a name matching ^[a-z][a-z0-9_]*$, an integer). The coordinator's own
-- settings stay its own: schema version, API keys, workload pools and the pipeline's state are
-- not exported.
DROP SCHEMA IF EXISTS penguin_export CASCADE;
CREATE SCHEMA penguin_export;
DO $$
DECLARE
    t record;
    s record;
    base BIGINT := {ordinal}::BIGINT << 40;
    last BIGINT;
BEGIN
    FOR t IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
               AND c.relname NOT IN ('analytics_schema_migrations', 'api_keys', 'analytics_connection_pools', 'analytics_pool_metrics', 'pipeline_state')
    LOOP
        EXECUTE format('CREATE VIEW penguin_export.%I AS SELECT %L::TEXT AS shard, x.* FROM public.%I x', t.relname, '{shard}', t.relname);
    END LOOP;
    FOR s IN SELECT DISTINCT pg_get_serial_sequence(format('public.%I', c.relname), a.attname) AS seq
             FROM pg_attribute a
             JOIN pg_class c ON c.oid = a.attrelid
             JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'public' AND c.relname = 'billing_analytics' AND a.attidentity <> ''
    LOOP
        EXECUTE format('SELECT last_value FROM %s', s.seq) INTO last;
        IF last < base THEN
            PERFORM setval(s.seq, base, false);
        END IF;
    END LOOP;
END
$$;
