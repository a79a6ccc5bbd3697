-- DuckDB has no partitions (zone maps prune by date): nothing to create.
SELECT 0;
