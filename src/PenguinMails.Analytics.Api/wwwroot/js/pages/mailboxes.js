// Mailbox health, warmup status and the guide's warmup progression categories; the mailboxes
// that need attention first (GET /v1/mailboxes and /v1/warmup).
import { getAll } from '../api.js';
import { h, format, table, empty, loading, healthBadge, categoryBadge } from '../ui.js';

// The health score is the latest snapshot a producer sent; the rates are this range's traffic.
// When a good score meets bad traffic, both are shown with the disagreement, not a green badge alone.
const BounceWarn = 5;
const ComplaintWarn = 0.3;

function health(row) {
  const badge = healthBadge(row.health_score);
  const problems = [
    row.bounce_rate >= BounceWarn ? `${format.percent(row.bounce_rate)} bounced` : null,
    row.complaint_rate >= ComplaintWarn ? `${format.percent(row.complaint_rate)} complaints` : null,
  ].filter(Boolean);
  if (row.health_score === null || row.health_score === undefined || row.health_score < 80 || problems.length === 0) return badge;
  return h('span', { class: 'disagree', 'data-disagree': '', title: `The latest health snapshot says ${format.decimal(row.health_score)}, but in this range ${problems.join(' and ')}.` },
    badge, h('span', { class: 'badge bad' }, `⚠ ${problems.join(', ')}`));
}

export default async function mailboxes(container, context) {
  container.append(h('h1', {}, 'Mailboxes & warmup'), loading());
  const [boxes, warmup] = await Promise.all([
    getAll('mailboxes', { ...context.range, tenant_id: context.tenant }),
    getAll('warmup', { ...context.range, tenant_id: context.tenant }),
  ]);
  container.lastChild.remove();

  container.append(h('h2', {}, 'Mailboxes, needing attention first'));
  container.append(boxes.data.length === 0 ? empty('No mailbox sent campaign email in this date range.') : table(boxes.data, [
    { key: 'address', label: 'Mailbox' },
    ...(context.isAdmin && !context.tenant ? [{ key: 'tenant_id', label: 'Tenant' }] : []),
    { key: 'health_score', label: 'Health', kind: 'decimal', render: health },
    { key: 'warmup_status', label: 'Warmup' },
    { key: 'current_volume', label: 'Daily volume', kind: 'count' },
    { key: 'sent', label: 'Sent', kind: 'count' },
    { key: 'delivery_rate', label: 'Delivery', kind: 'percent' },
    { key: 'bounce_rate', label: 'Bounce', kind: 'percent' },
    { key: 'complaint_rate', label: 'Complaints', kind: 'percent' },
    { key: 'reply_rate', label: 'Reply', kind: 'percent' },
  ], { testId: 'mailboxes' }));

  // The guide orders warmup by health, best first; people act on the worst, so Poor comes first.
  const order = { Poor: 0, Fair: 1, Good: 2, Excellent: 3 };
  const rows = [...warmup.data].sort((a, b) => order[a.warmup_category] - order[b.warmup_category] || a.avg_health_score - b.avg_health_score);
  container.append(h('h2', {}, 'Warmup progression'));
  container.append(rows.length === 0 ? empty('No mailbox was in warmup for at least 3 days of this range.') : table(rows, [
    { key: 'mailbox_id', label: 'Mailbox' },
    { key: 'warmup_category', label: 'Category', render: row => categoryBadge(row.warmup_category) },
    { key: 'avg_health_score', label: 'Avg health', kind: 'decimal' },
    { key: 'avg_progress', label: 'Avg progress', kind: 'percent' },
    { key: 'latest_progress', label: 'Latest progress', kind: 'percent' },
    { key: 'avg_daily_progress', label: 'Per day', kind: 'decimal' },
    { key: 'avg_delivery_rate', label: 'Delivery', kind: 'percent' },
    { key: 'tracking_days', label: 'Days', kind: 'count' },
  ], { testId: 'warmup' }));
}
