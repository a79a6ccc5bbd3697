-- penguin_draw_seq(n): n numbers of the queue's sequence, drawn together for one ingest batch,
-- which Ingestion/Sql/DuckDb/queue_events.sql hands out in input order (why: see there).
CREATE MACRO penguin_draw_seq(n) AS TABLE SELECT nextval('seq_pending_events') AS seq FROM range(n);
