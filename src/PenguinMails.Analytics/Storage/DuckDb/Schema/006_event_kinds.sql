-- penguin_kind(type): see Storage/Postgres/Schema/006_event_kinds.sql. A macro, expanded where it
-- is used and folded into the number: no cost per row.
CREATE MACRO penguin_kind(event_type) AS
    CAST(CASE event_type WHEN 'email.sent' THEN 0 WHEN 'email.delivered' THEN 1 WHEN 'email.opened' THEN 2
                WHEN 'email.clicked' THEN 3 WHEN 'email.replied' THEN 4 WHEN 'email.bounced' THEN 5
                WHEN 'email.unsubscribed' THEN 6 WHEN 'email.spam_complaint' THEN 7 WHEN 'mailbox.health' THEN 8 END AS SMALLINT);
