-- Planner statistics for every table, after the archive moved rows out.
ANALYZE;
