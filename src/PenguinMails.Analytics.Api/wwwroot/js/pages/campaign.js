// One campaign: its numbers for the range, the step funnel, and the A/B comparison of each
// step's variants with 95 % Wilson intervals and the two-proportion z-test's verdict
// (GET /v1/campaigns/{id} and /v1/campaigns/{id}/steps).
import { get } from '../api.js';
import { h, format, table, empty, loading } from '../ui.js';
import { lineChart } from '../chart.js';
import { peopleAndMachines, sendTimes } from '../trust.js';

export default async function campaign(container, context) {
  const id = context.arg;
  const back = h('a', { href: context.link('campaigns') }, '← All campaigns');
  container.append(back, loading());
  const [summary, steps, daily, times] = await Promise.all([
    get(`campaigns/${encodeURIComponent(id)}`, { ...context.range, tenant_id: context.tenant }),
    get(`campaigns/${encodeURIComponent(id)}/steps`, { ...context.range, tenant_id: context.tenant }),
    get('timeseries', { entity: 'campaign', id, ...context.range, tenant_id: context.tenant }),
    get('send-times', { campaign_id: id, ...context.range, tenant_id: context.tenant }),
  ]);
  container.lastChild.remove();
  const c = summary.data[0];
  container.append(h('h1', {}, c.campaign_name ?? id, ' ', h('span', { class: 'badge' }, c.status ?? 'unknown')));

  container.append(h('div', { class: 'tiles' },
    [['Sent', 'sent', 'count'], ['Delivery', 'delivery_rate', 'percent'], ['Open', 'open_rate', 'percent'],
      ['Click', 'click_rate', 'percent'], ['Reply', 'reply_rate', 'percent'], ['Bounce', 'bounce_rate', 'percent'],
      ['Human open', 'human_open_rate', 'percent'], ['Human reply', 'human_reply_rate', 'percent'], ['Positive reply', 'positive_reply_rate', 'percent'],
      ['Leads contacted', 'leads_contacted', 'count'], ['Lead reply rate', 'lead_reply_rate', 'percent'], ['Lead positive rate', 'lead_positive_rate', 'percent']]
      .map(([label, key, kind]) => h('div', { class: 'tile', 'data-kpi': key, 'data-value': c[key] ?? '' },
        h('div', { class: 'label' }, label), h('div', { class: 'value' }, format[kind](c[key]))))));

  if (!c.sent) {
    container.append(empty('This campaign sent no email in this date range.'));
    return;
  }
  container.append(h('h2', {}, 'People and machines'), peopleAndMachines(c));
  container.append(h('h2', {}, 'Step funnel'), funnel(steps.data));
  container.append(h('h2', {}, 'Steps and variants'), table(steps.data, [
    { key: 'step_number', label: 'Step', kind: 'count' },
    { key: 'variant', label: 'Variant' },
    { key: 'sent', label: 'Sent', kind: 'count' },
    { key: 'delivered', label: 'Delivered', kind: 'count' },
    { key: 'open_rate', label: 'Open rate (95 % CI)', render: row => withInterval(row.open_rate, row.open_rate_ci_low, row.open_rate_ci_high) },
    { key: 'reply_rate', label: 'Reply rate (95 % CI)', render: row => withInterval(row.reply_rate, row.reply_rate_ci_low, row.reply_rate_ci_high) },
    { key: 'human_reply_rate', label: 'Human reply (95 % CI)', render: row => withInterval(row.human_reply_rate, row.human_reply_rate_ci_low, row.human_reply_rate_ci_high) },
    { key: 'positive_reply_rate', label: 'Positive reply (95 % CI)', render: row => withInterval(row.positive_reply_rate, row.positive_reply_rate_ci_low, row.positive_reply_rate_ci_high) },
    { key: 'leads_contacted', label: 'Leads', kind: 'count' },
  ], { sortable: false, testId: 'steps' }));

  container.append(h('h2', {}, 'A/B comparison'));
  const comparisons = steps.comparisons ?? [];
  if (comparisons.length === 0) {
    container.append(empty('No step of this campaign has more than one variant.'));
  } else {
    container.append(h('p', { class: 'muted' }, 'Each variant against its step\'s control (variant A): two-sided two-proportion z-test, significant at p < 0.05.'),
      table(comparisons, [
        { key: 'step_number', label: 'Step', kind: 'count' },
        { key: 'metric', label: 'Metric', render: row => row.metric.replaceAll('_', ' ') },
        { key: 'control', label: 'Control', render: row => `${row.control}: ${format.percent(row.control_rate)}` },
        { key: 'variant', label: 'Variant', render: row => `${row.variant}: ${format.percent(row.variant_rate)}` },
        { key: 'p_value', label: 'p-value', render: row => row.p_value === null ? '–' : row.p_value < 0.0001 ? '< 0.0001' : row.p_value.toFixed(4) },
        { key: 'verdict', label: 'Verdict', render: row => h('span', { class: `badge ${row.significant ? 'good' : ''}`, 'data-verdict': row.verdict }, row.verdict) },
      ], { sortable: false, testId: 'comparisons' }));
  }

  container.append(h('h2', {}, 'Best send times'), sendTimes(times.data, context.timeZone));

  if (daily.data.length > 0) {
    const chart = h('div', { class: 'card chart' });
    container.append(h('h2', {}, 'Daily'), chart);
    lineChart(chart, daily.data.map(r => r.day), {
      Sent: daily.data.map(r => r.sent), Opened: daily.data.map(r => r.opened_tracked), Replied: daily.data.map(r => r.replied),
    });
  }
}

const withInterval = (rate, low, high) => rate === null || rate === undefined ? '–'
  : `${format.percent(rate)} (${format.decimal(low)}–${format.decimal(high)})`;

function funnel(steps) {
  const byStep = new Map();
  for (const row of steps) {
    const step = byStep.get(row.step_number) ?? { sent: 0, opened: 0, replied: 0 };
    step.sent += row.sent; step.opened += row.opened_tracked; step.replied += row.replied;
    byStep.set(row.step_number, step);
  }
  const max = Math.max(1, ...[...byStep.values()].map(s => s.sent));
  const bar = (kind, value) => h('div', { class: `bar ${kind}`, style: `width:${(100 * value / max).toFixed(2)}%` }, format.count(value));
  return h('div', { class: 'card funnel', 'data-testid': 'funnel' },
    [...byStep.entries()].sort(([a], [b]) => a - b).map(([number, s]) =>
      h('div', { class: 'row', 'data-step': number }, h('div', {}, `Step ${number ?? '?'}`),
        h('div', { class: 'bars' }, bar('sent', s.sent), bar('opened', s.opened), bar('replied', s.replied)))),
    h('div', { class: 'legend' }, h('span', {}, h('i', { class: 'bar sent' }), 'sent'), h('span', {}, h('i', { class: 'bar opened' }), 'opened'), h('span', {}, h('i', { class: 'bar replied' }), 'replied')));
}
