-- Incremental fold, step 3: forget what was applied, dead-letter what waited too long, and move
-- the watermark. Pending events are deleted by the sequence numbers this fold applied
-- (fold_applied, from fold_collect.sql), never by a range, so an ingest that commits late is
-- picked up by the next fold.

DELETE FROM pending_events WHERE seq IN (SELECT seq FROM fold_applied);

-- What this fold read and left is waiting for its email.sent (or its tenant's): marked, so that
-- the next folds read it again only with a send for its email id (fold_collect.sql). Only when
-- the fold applied fewer events than it read: otherwise DuckDB still hashes the whole batch to
-- find nothing (180 ms of a 2 M-event fold). A miscount could only leave an event unmarked, and
-- an unmarked event is read again: the safe side.
UPDATE pending_events SET waiting = TRUE
WHERE waiting IS NOT TRUE
  AND seq IN (SELECT seq FROM fold_batch WHERE (SELECT COUNT(*) FROM fold_applied) < (SELECT COUNT(*) FROM fold_batch));

DELETE FROM entity_changes WHERE seq IN (SELECT seq FROM fold_entities);

-- Dead letters: events whose email.sent did not come within the pending window, and events
-- that do not name their tenant for an email id that several tenants use (ambiguous).
DROP TABLE IF EXISTS fold_expired;
CREATE TEMP TABLE fold_expired AS
SELECT p.seq, p.kind, p.event_id, p.email_id, p.occurred_at, p.bounce_type, p.machine, p.reply_kind, p.category, p.received, 'expired' AS cause,
       'no email.sent arrived for this email_id within the pending window' AS reason
FROM pending_events p
WHERE p.seq <= (SELECT max_seq FROM fold_params)
  AND p.received < (SELECT expire_before FROM fold_params)
UNION ALL
SELECT a.seq, a.kind, a.event_id, a.email_id, a.occurred_at, a.bounce_type, a.machine, a.reply_kind, a.category, a.received, 'ambiguous',
       'email id ''' || a.email_id || ''' is used by more than one tenant and the event does not name tenant_id'
FROM fold_ambiguous a
WHERE a.received >= (SELECT expire_before FROM fold_params);

INSERT INTO dead_letter_events (event_id, event_type, email_id, occurred_at, bounce_type, machine, reply_kind, category, reason, received)
SELECT event_id, penguin_event_type(kind), email_id, occurred_at, bounce_type, machine, reply_kind, category, reason, received
FROM fold_expired;

DELETE FROM pending_events WHERE seq IN (SELECT seq FROM fold_expired);

-- One warning per cause.
INSERT INTO admin_system_events (event_type, severity, message, timestamp)
SELECT 'pending_events_dead_lettered', 'warning',
       CAST(COUNT(*) AS TEXT) || CASE cause
           WHEN 'expired' THEN ' pending email event(s) expired without their email.sent and were moved to dead_letter_events'
           ELSE ' email event(s) did not name tenant_id for an email id that several tenants use and were moved to dead_letter_events' END,
       CAST(EXTRACT(EPOCH FROM NOW()) * 1000 AS BIGINT)
FROM fold_expired
GROUP BY cause;

UPDATE pipeline_state SET value = GREATEST(value, (SELECT max_seq FROM fold_params)), updated = NOW()
WHERE name = 'fold_seq';
