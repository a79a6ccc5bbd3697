-- PostgreSQL's indexes for a fold's per-lead reads (see
-- Storage/Postgres/Schema/010_small_fold_indexes.sql). DuckDB hash-joins those reads over the
-- column segments, and ART indexes would only slow every fold's writes.
SELECT 1;
