-- The coordinator's own tables (scripts/cluster.sh, `cluster init`): which shards there are, which
-- shard holds which tenant, and the email events that arrived before any shard knew their email.
-- The coordinator also has the product's normal schema (roles, functions, keys); its own copies of
-- the data tables stay empty: every tenant's rows live on the tenant's shard.
CREATE EXTENSION IF NOT EXISTS postgres_fdw;
CREATE SCHEMA IF NOT EXISTS penguin_topology;

-- A shard is a complete PenguinMails database on another server. The ordinal keeps the shard's
-- identity columns (billing ids and the like) in a range of their own: ids are unique cluster-wide.
CREATE TABLE IF NOT EXISTS penguin_topology.shards (
    name TEXT PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]{0,39}$'),
    ordinal INTEGER NOT NULL UNIQUE CHECK (ordinal BETWEEN 1 AND 8000),
    host TEXT NOT NULL,
    port INTEGER NOT NULL,
    dbname TEXT NOT NULL,
    username TEXT NOT NULL,
    password TEXT,
    connection_string TEXT NOT NULL,
    added TIMESTAMPTZ NOT NULL DEFAULT NOW(),
    UNIQUE (host, port, dbname)
);

-- The placement of a tenant: a row that a move changes.
CREATE TABLE IF NOT EXISTS penguin_topology.placements (
    tenant_id TEXT PRIMARY KEY,
    shard TEXT NOT NULL REFERENCES penguin_topology.shards(name),
    placed TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS idx_placements_shard ON penguin_topology.placements(shard);

-- An email event without tenant_id whose email.sent no shard has seen yet: accepted and kept here
-- (a single node keeps it pending), then routed to its tenant's shard once the email is known.
CREATE TABLE IF NOT EXISTS penguin_topology.held_events (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email_id TEXT NOT NULL,
    line_number BIGINT NOT NULL,
    line TEXT NOT NULL,
    received TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
CREATE INDEX IF NOT EXISTS idx_held_events_email ON penguin_topology.held_events(email_id);

-- A tenant being moved (`cluster move-tenant`), one row per unfinished move: while 'copying', its
-- new lines are refused and readers use the old shard; once 'switched', its placement names the
-- new shard and the old copy is removed. A move cut off at any point is finished by running it
-- again. `copied`: the rows copied per table, to find rows that reached the old shard late.
CREATE TABLE IF NOT EXISTS penguin_topology.moves (
    tenant_id TEXT PRIMARY KEY REFERENCES penguin_topology.placements(tenant_id),
    from_shard TEXT NOT NULL REFERENCES penguin_topology.shards(name),
    to_shard TEXT NOT NULL REFERENCES penguin_topology.shards(name),
    phase TEXT NOT NULL CHECK (phase IN ('copying', 'switched')),
    copied JSONB,
    started TIMESTAMPTZ NOT NULL DEFAULT NOW()
);
