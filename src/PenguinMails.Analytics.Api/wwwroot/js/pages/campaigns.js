// The guide's campaign performance dashboard: every campaign's counters, rates and ranks over
// the range, sortable by any column (GET /v1/campaigns).
import { getAll } from '../api.js';
import { h, format, table, empty, loading } from '../ui.js';

export default async function campaigns(container, context) {
  container.append(h('h1', {}, 'Campaigns'), loading());
  const result = await getAll('campaigns', { ...context.range, tenant_id: context.tenant });
  container.lastChild.remove();
  if (result.data.length === 0) {
    container.append(empty('No campaign sent email in this date range.'));
    return;
  }
  const columns = [
    { key: 'campaign_name', label: 'Campaign', render: row => h('a', { href: context.link(`campaigns/${encodeURIComponent(row.campaign_id)}`) }, row.campaign_name ?? row.campaign_id) },
    ...(context.isAdmin && !context.tenant ? [{ key: 'tenant_id', label: 'Tenant' }] : []),
    { key: 'status', label: 'Status' },
    { key: 'sent', label: 'Sent', kind: 'count' },
    { key: 'delivered', label: 'Delivered', kind: 'count' },
    { key: 'delivery_rate', label: 'Delivery', kind: 'percent' },
    { key: 'open_rate', label: 'Open', kind: 'percent' },
    { key: 'click_rate', label: 'Click', kind: 'percent' },
    { key: 'reply_rate', label: 'Reply', kind: 'percent' },
    { key: 'human_open_rate', label: 'Human open', kind: 'percent' },
    { key: 'human_reply_rate', label: 'Human reply', kind: 'percent' },
    { key: 'positive_reply_rate', label: 'Positive', kind: 'percent' },
    { key: 'leads_contacted', label: 'Leads', kind: 'count' },
    { key: 'lead_reply_rate', label: 'Lead reply', kind: 'percent' },
    { key: 'bounce_rate', label: 'Bounce', kind: 'percent' },
    { key: 'rank_by_volume', label: '# volume', kind: 'count' },
    { key: 'rank_by_open_rate', label: '# open', kind: 'count' },
    { key: 'rank_by_reply_rate', label: '# reply', kind: 'count' },
  ];
  container.append(h('p', { class: 'muted' }, `${format.count(result.data.length)} campaigns; click a column to sort.`),
    table(result.data, columns, { testId: 'campaigns' }));
}
