-- The queue's order, written down where a reader of the schema finds it. PostgreSQL numbers an
-- ingest batch's events in input order as it is (it inserts the rows of the ORDER BY one by one,
-- Ingestion/Sql/Postgres/queue_events.sql); DuckDB needed a change for it (its 013).
COMMENT ON COLUMN pending_events.seq IS 'The queue order: input order within an ingest batch, batches in the order they were applied. The fold takes the first of repeated sends and snapshots by it.';
