-- The pending records up to the watermark ($1) in an order where each record comes after what it
-- needs: an email's records together (emails in the order they arrived), its email.sent first.
INSERT INTO fold_probe_order (seq, rank)
SELECT x.seq, ROW_NUMBER() OVER (ORDER BY x.first_seq, x.sent_first, x.seq)
FROM (
    SELECT p.seq,
           MIN(p.seq) OVER (PARTITION BY COALESCE(p.email_id, p.event_id)) AS first_seq,
           CASE WHEN p.kind = penguin_kind('email.sent') THEN 0 ELSE 1 END AS sent_first
    FROM pending_events p
    WHERE p.seq <= $1
) x
