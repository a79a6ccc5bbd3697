-- penguin_kind(type): the stored number of an event type (Ingestion/EmailEventKind.cs), so that
-- the pipeline's SQL names the kinds instead of spelling 0..8. IMMUTABLE and called with a
-- constant, it is inlined and folded into that number when a statement is planned: no cost per row.
-- The inverse of penguin_event_type(kind) (004).
CREATE FUNCTION penguin_kind(event_type TEXT) RETURNS SMALLINT
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CAST(CASE event_type WHEN 'email.sent' THEN 0 WHEN 'email.delivered' THEN 1 WHEN 'email.opened' THEN 2
                WHEN 'email.clicked' THEN 3 WHEN 'email.replied' THEN 4 WHEN 'email.bounced' THEN 5
                WHEN 'email.unsubscribed' THEN 6 WHEN 'email.spam_complaint' THEN 7 WHEN 'mailbox.health' THEN 8 END AS SMALLINT)
$$;
