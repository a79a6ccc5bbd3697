-- PostgreSQL's row-level security policies, evaluated once per statement (see
-- Storage/Postgres/Schema/007_policies_once_per_statement.sql). DuckDB has no row-level security:
-- the query layer's tenant predicates are its wall (DESIGN.md); nothing changes here.
SELECT 1;
