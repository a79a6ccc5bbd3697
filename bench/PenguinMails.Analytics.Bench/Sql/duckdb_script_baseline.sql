-- What a user could pick instead (issue 10): the core of the job written by hand as one DuckDB
-- script over the NDJSON file, timed with the load and a checkpoint. First occurrence of each
-- event type per email, then sequence step, campaign and lead × campaign counters per month. It
-- skips validation, exactly-once by event id, pending events, entities and most tables, so the
-- product is expected to be slower; the bench prints by how much. {file} is the workload.
CREATE TABLE events AS
SELECT type, email_id, CAST(occurred_at AS TIMESTAMPTZ) AS occurred_at, campaign_id, step_id, lead_id, COALESCE(warmup, FALSE) AS warmup
FROM read_json('{file}', format = 'newline_delimited',
               columns = {type: 'VARCHAR', email_id: 'VARCHAR', occurred_at: 'VARCHAR', campaign_id: 'VARCHAR', step_id: 'VARCHAR', lead_id: 'VARCHAR', warmup: 'BOOLEAN'})
WHERE type LIKE 'email.%';

CREATE TABLE per_email AS
SELECT s.email_id, s.campaign_id, s.step_id, s.lead_id, date_trunc('month', s.occurred_at) AS month,
       CASE WHEN f.delivered THEN 1 ELSE 0 END AS delivered, CASE WHEN f.opened THEN 1 ELSE 0 END AS opened,
       CASE WHEN f.clicked THEN 1 ELSE 0 END AS clicked, CASE WHEN f.replied THEN 1 ELSE 0 END AS replied,
       CASE WHEN f.bounced THEN 1 ELSE 0 END AS bounced
FROM (SELECT email_id, arg_min(campaign_id, occurred_at) AS campaign_id, arg_min(step_id, occurred_at) AS step_id,
             arg_min(lead_id, occurred_at) AS lead_id, MIN(occurred_at) AS occurred_at
      FROM events WHERE type = 'email.sent' AND NOT warmup GROUP BY email_id) s
LEFT JOIN (SELECT email_id, bool_or(type = 'email.delivered') AS delivered, bool_or(type = 'email.opened') AS opened,
                  bool_or(type = 'email.clicked') AS clicked, bool_or(type = 'email.replied') AS replied, bool_or(type = 'email.bounced') AS bounced
           FROM events WHERE type <> 'email.sent' GROUP BY email_id) f ON f.email_id = s.email_id;

CREATE TABLE step_counters AS
SELECT step_id, month, COUNT(*) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened, SUM(clicked) AS clicked, SUM(replied) AS replied, SUM(bounced) AS bounced
FROM per_email GROUP BY step_id, month;

CREATE TABLE campaign_counters AS
SELECT campaign_id, month, COUNT(*) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened, SUM(clicked) AS clicked, SUM(replied) AS replied, SUM(bounced) AS bounced
FROM per_email GROUP BY campaign_id, month;

CREATE TABLE lead_counters AS
SELECT lead_id, campaign_id, month, COUNT(*) AS sent, SUM(delivered) AS delivered, SUM(opened) AS opened, SUM(clicked) AS clicked, SUM(replied) AS replied, SUM(bounced) AS bounced
FROM per_email GROUP BY lead_id, campaign_id, month;

CHECKPOINT;
