-- One campaign, if the scope may see it. $1 tenant (NULL: all, for the admin), $2 campaign id.
-- Zero counters: the campaign exists but had no traffic in the range asked.
SELECT c.id AS campaign_id, c.name AS campaign_name, c.status, c.company_id, co.tenant_id,
       0 AS sent, 0 AS delivered, 0 AS opened_tracked, 0 AS clicked_tracked, 0 AS replied, 0 AS bounced,
       0 AS unsubscribed, 0 AS spam_complaints,
       0 AS opened_human, 0 AS clicked_human, 0 AS replied_human, 0 AS replied_auto, 0 AS replied_positive,
       0 AS leads_contacted, 0 AS leads_replied, 0 AS leads_positive
FROM campaigns c
JOIN companies co ON co.id = c.company_id
WHERE (CAST($1 AS TEXT) IS NULL OR co.tenant_id = CAST($1 AS TEXT))
  AND c.id = $2;
