-- A timestamp's UTC clock time, for the fold and the recompute (DuckDB computes it from the
-- microseconds, without ICU: Storage/DuckDb/Schema/012_utc_arithmetic.sql). PostgreSQL's
-- conversion to UTC is already arithmetic; the function only gives both engines one name.
CREATE FUNCTION penguin_utc_time(ts TIMESTAMPTZ) RETURNS TIMESTAMP
LANGUAGE sql IMMUTABLE PARALLEL SAFE
AS $$ SELECT ts AT TIME ZONE 'UTC' $$;
