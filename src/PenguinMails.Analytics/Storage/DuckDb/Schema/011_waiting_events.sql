-- Events that wait for their email.sent are marked by the fold that left them waiting (see
-- Storage/Postgres/Schema/011_waiting_events.sql). DuckDB refuses ADD COLUMN with a boolean
-- default while the configuration is locked ("current_transaction_invalidation_policy"), so the
-- default comes after, and the column stays nullable: the fold treats NULL as not waiting (read
-- again, the safe side), and nothing writes NULL.
ALTER TABLE pending_events ADD COLUMN waiting BOOLEAN;
ALTER TABLE pending_events ALTER COLUMN waiting SET DEFAULT FALSE;
UPDATE pending_events SET waiting = FALSE;
