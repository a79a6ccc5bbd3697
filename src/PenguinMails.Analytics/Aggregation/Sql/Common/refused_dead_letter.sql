-- Moves the record the engine refused (fold_refused: its rank in fold_probe_order) to the dead
-- letters with the engine's message, and says so in admin_system_events.
INSERT INTO dead_letter_events (event_id, event_type, email_id, occurred_at, bounce_type, machine, reply_kind, category, reason, received)
SELECT p.event_id, penguin_event_type(p.kind), p.email_id, p.occurred_at, p.bounce_type, p.machine, p.reply_kind, p.category, 'the database refused this record in the fold: ' || r.message, p.received
FROM pending_events p
JOIN fold_probe_order o ON o.seq = p.seq
JOIN fold_refused r ON r.rank = o.rank;

INSERT INTO admin_system_events (event_type, severity, message, details, timestamp)
SELECT 'fold_record_refused', 'error',
       'a pending ' || penguin_event_type(p.kind) || ' event (event id ''' || p.event_id
           || ''') was refused by the database and moved to dead_letter_events; the rest of the fold went on',
       to_json(r.message),
       CAST(EXTRACT(EPOCH FROM NOW()) * 1000 AS BIGINT)
FROM pending_events p
JOIN fold_probe_order o ON o.seq = p.seq
JOIN fold_refused r ON r.rank = o.rank;

DELETE FROM pending_events WHERE seq IN (SELECT o.seq FROM fold_probe_order o JOIN fold_refused r ON r.rank = o.rank);
