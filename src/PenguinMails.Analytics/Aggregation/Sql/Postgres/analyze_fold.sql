-- Planner statistics for the fold's temporary tables (autovacuum never sees them).
ANALYZE fold_batch;
ANALYZE fold_new;
ANALYZE fold_events;
