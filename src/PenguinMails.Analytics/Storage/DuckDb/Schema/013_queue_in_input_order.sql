-- penguin_draw_seq(n): n numbers of the queue's sequence, for one ingest batch's events, which
-- ingest hands out in input order (Ingestion/Sql/DuckDb/queue_events.sql: the k-th smallest number
-- drawn to the batch's k-th line). A sequence default numbers rows as DuckDB's threads reach them,
-- row group by row group in any order, even below an ORDER BY: 13-1,450 of a 150-186 k-event
-- batch's rows came out of line order, so which of two sends of one email a fold took as the
-- first was a matter of chance. (PostgreSQL inserts the rows of an ORDER BY one by one, in order.)
CREATE MACRO penguin_draw_seq(n) AS TABLE SELECT nextval('seq_pending_events') AS seq FROM range(n);
