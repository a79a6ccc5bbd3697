-- The recompute reads its scope's emails through fold_changes, a view whose range join to
-- recompute_scope PostgreSQL estimates at a ninth of the emails (it cannot see that the bounds
-- hold every email of the scope); on that estimate it sorted a million emails to merge-join them
-- with agg_days, and merge-joined the prune's deletes. Hash joins are right for every statement of
-- a recompute (work_mem is 256MB on these connections): at 1 M emails agg 6.1 -> 4.0 s, the
-- prune's DELETE FROM send_time_stats 2.0 -> 0.3 s, billing_usage 1.9 -> 0.7 s. The fold reads
-- materialized, analysed batches and keeps the planner's choice.
SET LOCAL enable_mergejoin = off;
