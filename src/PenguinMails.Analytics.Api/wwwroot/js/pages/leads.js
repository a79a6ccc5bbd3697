// Lead engagement per campaign (GET /v1/leads?campaign_id=), with a campaign picker.
import { get, getAll } from '../api.js';
import { h, format, table, empty, loading } from '../ui.js';

export default async function leads(container, context) {
  container.append(h('h1', {}, 'Leads'), loading());
  const campaigns = (await getAll('campaigns', { ...context.range, tenant_id: context.tenant })).data;
  container.lastChild.remove();
  if (campaigns.length === 0) {
    container.append(empty('No campaign sent email in this date range.'));
    return;
  }
  const chosen = context.params.get('campaign') ?? campaigns[0].campaign_id;
  const picker = h('select', { id: 'lead-campaign', 'aria-label': 'Campaign' },
    campaigns.map(c => h('option', { value: c.campaign_id, selected: c.campaign_id === chosen }, c.campaign_name ?? c.campaign_id)));
  picker.addEventListener('change', () => { location.hash = context.link('leads', { campaign: picker.value }); });
  container.append(h('label', { class: 'muted' }, 'Campaign ', picker));

  const result = h('div', {}, loading());
  container.append(result);
  const page = await get('leads', { ...context.range, campaign_id: chosen, tenant_id: context.tenant, limit: 1000 });
  result.replaceChildren();
  if (page.data.length === 0) {
    result.append(empty('No lead of this campaign was emailed in the billing periods of this range.'));
    return;
  }
  const counts = {};
  page.data.forEach(row => { counts[row.engagement] = (counts[row.engagement] ?? 0) + 1; });
  result.append(
    h('div', { class: 'tiles' }, Object.entries(counts).map(([engagement, count]) =>
      h('div', { class: 'tile', 'data-engagement': engagement }, h('div', { class: 'label' }, engagement), h('div', { class: 'value' }, format.count(count))))),
    table(page.data, [
      { key: 'lead_id', label: 'Lead' },
      { key: 'status', label: 'Status' },
      { key: 'engagement', label: 'Engagement' },
      { key: 'sent', label: 'Sent', kind: 'count' },
      { key: 'opened_tracked', label: 'Opened', kind: 'count' },
      { key: 'clicked_tracked', label: 'Clicked', kind: 'count' },
      { key: 'replied', label: 'Replied', kind: 'count' },
      { key: 'bounced', label: 'Bounced', kind: 'count' },
      { key: 'unsubscribed', label: 'Unsubscribed', kind: 'count' },
    ], { testId: 'leads' }));
  if (page.paging?.next_offset !== undefined) {
    result.append(h('p', { class: 'muted' }, 'Showing the first 1,000 leads, most engaged first.'));
  }
}
