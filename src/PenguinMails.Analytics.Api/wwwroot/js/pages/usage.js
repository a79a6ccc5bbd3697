// Billing usage per period with month-over-month growth (GET /v1/usage): periods that start in
// the range; all tenants for the platform admin.
import { getAll } from '../api.js';
import { h, format, table, empty, loading } from '../ui.js';

export default async function usage(container, context) {
  container.append(h('h1', {}, 'Usage'), loading());
  const result = await getAll('usage', { ...context.range, tenant_id: context.tenant });
  container.lastChild.remove();
  container.append(h('p', { class: 'muted' }, 'Billing periods that start in the date range.'));
  if (result.data.length === 0) {
    container.append(empty('No billing period starts in this date range; widen the range (for example the last 12 months).'));
    return;
  }
  const growth = value => value === null || value === undefined ? '–'
    : h('span', { class: value > 0 ? 'up-good' : value < 0 ? 'down-bad' : 'flat' }, `${value > 0 ? '+' : ''}${format.percent(value)}`);
  container.append(table(result.data, [
    ...(context.isAdmin && !context.tenant ? [{ key: 'tenant_id', label: 'Tenant' }] : []),
    { key: 'period_start', label: 'Period', render: row => `${format.date(row.period_start)} → ${format.date(row.period_end)}` },
    { key: 'emails_sent', label: 'Emails sent', kind: 'count' },
    { key: 'month_over_month_growth', label: 'Growth', kind: 'percent', render: row => growth(row.month_over_month_growth) },
    { key: 'mailboxes_used', label: 'Mailboxes', kind: 'count' },
    { key: 'domains_used', label: 'Domains', kind: 'count' },
    { key: 'campaigns_used', label: 'Campaigns', kind: 'count' },
    { key: 'leads_used', label: 'Leads', kind: 'count' },
    { key: 'warmups_active', label: 'Warmups', kind: 'count' },
    { key: 'emails_per_mailbox', label: 'Per mailbox', kind: 'decimal' },
  ], { testId: 'usage' }));
}
