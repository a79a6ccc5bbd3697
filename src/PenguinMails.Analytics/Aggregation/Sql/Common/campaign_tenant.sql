-- The tenant of a campaign (the campaign-aggregate job rebuilds its tenant's periods). $1 campaign.
SELECT co.tenant_id FROM campaigns c JOIN companies co ON co.id = c.company_id WHERE c.id = $1;
