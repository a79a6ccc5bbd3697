-- Two reads of every fold that grew with the database, each now through an index of what it
-- reads (measured with 1,000-event folds into 10 M emails, 20 tenants; bench/README).

-- The distinct leads per sequence step (apply.sql, lead_steps) look up, for each lead of the
-- batch that had emails in the period before, that lead's emails of the step. The only index
-- was the tenant's sends by time: every lead read the tenant's whole period (250 leads: 830 ms).
-- Warmup emails have no lead.
CREATE INDEX idx_emails_lead ON emails(lead_key) WHERE lead_key IS NOT NULL;

-- Each fold recounts the distinct leads of the billing periods it touched (refresh_attributes.sql,
-- billing_usage). Through the guide's index on billing_id alone that fetched each lead row of the
-- period from the table (95 k rows, 150-400 ms); this one holds just what the count reads, so it
-- is read alone, in lead order.
CREATE INDEX idx_lead_analytics_billing_leads ON lead_analytics(billing_id, lead_id) WHERE sent > 0;
