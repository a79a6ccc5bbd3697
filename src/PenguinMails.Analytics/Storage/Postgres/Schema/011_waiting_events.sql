-- Events that wait for their email.sent are marked by the fold that left them waiting: later
-- folds read such an event again only when a send with its email id arrives, instead of every
-- time (30 k waiting events made each 1,000-event fold 1.1-1.3 s: bench/README, session 16).
-- Not waiting is always safe (the event is read again); only a fold sets it.
ALTER TABLE pending_events ADD COLUMN waiting BOOLEAN NOT NULL DEFAULT FALSE;
-- The waiting events by email id, for the fold's look for those a new send names: small (it
-- holds only waiting events), and the fold need not scan the queue for them.
CREATE INDEX idx_pending_events_waiting ON pending_events(email_id) WHERE waiting;
