// KPI tiles for the range with the change against the previous period of the same length, and
// the daily trend. From the tenant's daily series (GET /v1/timeseries?entity=tenant). Then what
// people did apart from machines, per-lead figures (from the campaigns), and the best send times.
import { get, getAll } from '../api.js';
import { h, format, empty, loading } from '../ui.js';
import { lineChart } from '../chart.js';
import { peopleAndMachines, sendTimes } from '../trust.js';

const counters = ['sent', 'delivered', 'opened_tracked', 'clicked_tracked', 'replied', 'bounced', 'spam_complaints',
  'opened_human', 'clicked_human', 'replied_human', 'replied_auto', 'replied_positive'];

// name, how it is computed from the summed counters, whether higher is better
const kpis = [
  { key: 'sent', label: 'Emails sent', value: t => t.sent, kind: 'count', higherIsBetter: true },
  { key: 'delivery_rate', label: 'Delivery rate', value: t => rate(t.delivered, t.sent), kind: 'percent', higherIsBetter: true },
  { key: 'open_rate', label: 'Open rate', value: t => rate(t.opened_tracked, t.delivered), kind: 'percent', higherIsBetter: true },
  { key: 'click_rate', label: 'Click rate', value: t => rate(t.clicked_tracked, t.delivered), kind: 'percent', higherIsBetter: true },
  { key: 'reply_rate', label: 'Reply rate', value: t => rate(t.replied, t.delivered), kind: 'percent', higherIsBetter: true },
  { key: 'human_open_rate', label: 'Human open rate', value: t => rate(t.opened_human, t.delivered), kind: 'percent', higherIsBetter: true },
  { key: 'human_reply_rate', label: 'Human reply rate', value: t => rate(t.replied_human, t.delivered), kind: 'percent', higherIsBetter: true },
  { key: 'positive_reply_rate', label: 'Positive reply rate', value: t => rate(t.replied_positive, t.delivered), kind: 'percent', higherIsBetter: true },
  { key: 'bounce_rate', label: 'Bounce rate', value: t => rate(t.bounced, t.sent), kind: 'percent', higherIsBetter: false },
  { key: 'complaint_rate', label: 'Complaint rate', value: t => rate(t.spam_complaints, t.sent), kind: 'percent', higherIsBetter: false },
];

const rate = (part, whole) => whole ? Math.round(10000 * part / whole) / 100 : null;

function totals(rows) {
  const sums = Object.fromEntries(counters.map(c => [c, 0]));
  rows.forEach(row => counters.forEach(c => { sums[c] += row[c] ?? 0; }));
  return sums;
}

// The tenant's daily series; for the platform admin with no tenant picked, every tenant's, summed per day by the API.
async function series(context, range) {
  return (await get('timeseries', { entity: 'tenant', id: context.tenantId, ...range })).data;
}

export default async function overview(container, context) {
  const title = context.tenantId ? 'Overview' : 'Overview · all tenants';
  container.append(h('h1', {}, title), loading());
  const [current, previous] = await Promise.all([series(context, context.range), series(context, context.previousRange)]);
  const now = totals(current);
  const before = totals(previous);
  container.lastChild.remove();

  container.append(h('div', { class: 'tiles' }, kpis.map(kpi => tile(kpi, kpi.value(now), kpi.value(before)))));
  if (current.length === 0) {
    container.append(empty('No emails were sent in this date range.'));
    return;
  }
  const chart = h('div', { class: 'card chart', 'data-testid': 'trend' });
  container.append(h('h2', {}, 'Daily trend'), chart);
  lineChart(chart, current.map(r => r.day), {
    Sent: current.map(r => r.sent), Delivered: current.map(r => r.delivered),
    Opened: current.map(r => r.opened_tracked), Replied: current.map(r => r.replied),
  });
  container.append(h('h2', {}, 'People and machines'), peopleAndMachines(now));
  const [top, alerts, times] = await Promise.all([
    getAll('campaigns', { ...context.range, tenant_id: context.tenant }),
    get('alerts', { ...context.range, tenant_id: context.tenant, limit: 20 }),
    get('send-times', { ...context.range, tenant_id: context.tenant }),
  ]);
  container.append(h('h2', {}, 'Leads'), leadTiles(top.data));
  const open = alerts.data.filter(a => !a.resolved);
  if (open.length > 0) {
    container.append(h('h2', {}, 'Deliverability alerts'), h('ul', { class: 'alerts', 'data-testid': 'alerts' },
      open.map(a => h('li', { class: 'message warn', 'data-alert': a.id },
        a.details?.entity_type === 'campaign' ? h('a', { href: context.link(`campaigns/${encodeURIComponent(a.details.entity_id)}`) }, a.message) : a.message,
        h('span', { class: 'muted' }, ` · ${format.time(a.creation_time)}${context.isAdmin && !context.tenant ? ` · ${a.tenant_id}` : ''}`)))));
  }
  if (top.data.length > 0) {
    container.append(h('h2', {}, 'Top campaigns by volume'), h('ul', {},
      top.data.slice(0, 5).map(c => h('li', {}, h('a', { href: context.link(`campaigns/${encodeURIComponent(c.campaign_id)}`) }, c.campaign_name ?? c.campaign_id),
        ` — ${format.count(c.sent)} sent, ${format.percent(c.human_reply_rate)} replied by people, ${format.percent(c.positive_reply_rate)} positive`))));
  }
  container.append(h('h2', {}, 'Best send times'), sendTimes(times.data, context.timeZone));
}

// Leads contacted, replying (a person's reply) and positive, summed over the campaigns (a lead
// counts once per campaign and billing period).
function leadTiles(campaigns) {
  const sum = key => campaigns.reduce((total, c) => total + (c[key] ?? 0), 0);
  const contacted = sum('leads_contacted');
  return h('div', { class: 'tiles', 'data-testid': 'leads' },
    [['Leads contacted', 'leads_contacted', contacted, 'count'], ['Leads replying', 'leads_replied', sum('leads_replied'), 'count'],
      ['Lead reply rate', 'lead_reply_rate', rate(sum('leads_replied'), contacted), 'percent'],
      ['Leads positive', 'leads_positive', sum('leads_positive'), 'count'], ['Lead positive rate', 'lead_positive_rate', rate(sum('leads_positive'), contacted), 'percent']]
      .map(([label, key, value, kind]) => h('div', { class: 'tile', 'data-kpi': key, 'data-value': value ?? '' },
        h('div', { class: 'label' }, label), h('div', { class: 'value' }, format[kind](value)))));
}

function tile(kpi, value, previous) {
  let change = h('span', { class: 'flat' }, 'no previous data');
  if (value !== null && previous !== null && previous !== undefined && (kpi.kind !== 'count' || previous > 0)) {
    const delta = kpi.kind === 'count' ? 100 * (value - previous) / previous : value - previous;
    const unit = kpi.kind === 'count' ? ' %' : ' pp';
    const direction = Math.abs(delta) < 0.005 ? 'flat' : `${delta > 0 ? 'up' : 'down'}-${(delta > 0) === kpi.higherIsBetter ? 'good' : 'bad'}`;
    change = h('span', { class: direction }, `${delta > 0 ? '▲' : delta < 0 ? '▼' : ''} ${format.decimal(Math.abs(delta))}${unit} vs previous period`);
  }
  return h('div', { class: 'tile', 'data-kpi': kpi.key, 'data-value': value ?? '' },
    h('div', { class: 'label' }, kpi.label),
    h('div', { class: 'value' }, format[kpi.kind](value)),
    h('div', { class: 'change' }, change));
}
