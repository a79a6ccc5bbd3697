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
  const signed = value => h('span', { class: value > 0 ? 'up-good' : value < 0 ? 'down-bad' : 'flat' }, `${value > 0 ? '+' : ''}${format.percent(value)}`);
  // A period still running is compared like with like: its pace (emails so far over the days
  // so far, times the period's days) against the previous period, and marked as to date.
  const now = Date.now();
  const running = row => Date.parse(row.period_end) > now && Date.parse(row.period_start) <= now;
  const growth = row => {
    if (!running(row)) return row.month_over_month_growth === null || row.month_over_month_growth === undefined ? '–' : signed(row.month_over_month_growth);
    const elapsed = (now - Date.parse(row.period_start)) / 86400000;
    const length = (Date.parse(row.period_end) - Date.parse(row.period_start)) / 86400000;
    if (!row.prev_month_emails || elapsed < 1) return h('span', { class: 'muted', 'data-to-date': '' }, 'to date');
    const pace = Math.round(10000 * (row.emails_sent / elapsed * length / row.prev_month_emails - 1)) / 100;
    return h('span', { 'data-to-date': '', 'data-pace': pace, title: `${format.count(row.emails_sent)} emails in ${Math.floor(elapsed)} of ${Math.round(length)} days` },
      'on pace for ', signed(pace));
  };
  container.append(table(result.data, [
    ...(context.isAdmin && !context.tenant ? [{ key: 'tenant_id', label: 'Tenant' }] : []),
    { key: 'period_start', label: 'Period', render: row => h('span', {}, `${format.date(row.period_start)} → ${format.date(row.period_end)}`,
      running(row) ? h('span', { class: 'badge fair' }, 'to date') : null) },
    { key: 'emails_sent', label: 'Emails sent', kind: 'count' },
    { key: 'month_over_month_growth', label: 'Growth', kind: 'percent', render: growth },
    { key: 'mailboxes_used', label: 'Mailboxes', kind: 'count' },
    { key: 'domains_used', label: 'Domains', kind: 'count' },
    { key: 'campaigns_used', label: 'Campaigns', kind: 'count' },
    { key: 'leads_used', label: 'Leads', kind: 'count' },
    { key: 'warmups_active', label: 'Warmups', kind: 'count' },
    { key: 'emails_per_mailbox', label: 'Per mailbox', kind: 'decimal' },
  ], { testId: 'usage' }));
}
