// What people did, apart from what machines did (DESIGN.md, "Metrics users can trust"): the
// people/machines split of opens, clicks and replies, the per-lead figures, and the best send
// times heatmap (GET /v1/send-times) in the tenant's time zone.
import { h, format } from './ui.js';

/** Below this many delivered emails a heatmap cell is greyed out: its rate says little. */
export const MinDelivered = 20;

const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];
const share = (part, whole) => whole ? 100 * part / whole : null;

/** Opens, clicks and replies: by people and by machines (or automatic replies), from summed counters. */
export function peopleAndMachines(t) {
  const rows = [
    ['Opens', 'opens', t.opened_human, t.opened_tracked - t.opened_human, 'machines'],
    ['Clicks', 'clicks', t.clicked_human, t.clicked_tracked - t.clicked_human, 'machines'],
    ['Replies', 'replies', t.replied_human, t.replied_auto, 'automatic'],
  ];
  return h('div', { class: 'card split', 'data-testid': 'people-and-machines' },
    rows.map(([label, key, people, other, otherLabel]) => {
      const total = people + other;
      return h('div', { class: 'row', 'data-split': key, 'data-people': people, 'data-other': other },
        h('div', {}, label),
        h('div', { class: 'bars' },
          h('div', { class: 'bar people', style: `width:${(share(people, total) ?? 0).toFixed(2)}%` }, total ? `${format.count(people)} people` : ''),
          h('div', { class: 'bar other', style: `width:${(share(other, total) ?? 0).toFixed(2)}%` }, other ? `${format.count(other)} ${otherLabel}` : '')),
        h('div', { class: 'muted' }, total ? `${format.percent(share(people, total))} people` : 'none'));
    }),
    h('p', { class: 'muted' }, 'Machines: image prefetching (such as Apple Mail Privacy Protection) and link scanners, as the sender flagged them or the product recognised them; automatic: out-of-office and other auto-replies.'));
}

/** The best send times heatmap: human reply rate by local weekday and hour of sending. */
export function sendTimes(cells, timeZone) {
  const byCell = new Map(cells.map(c => [`${c.weekday}|${c.hour}`, c]));
  const shown = cells.filter(c => c.delivered >= MinDelivered && c.human_reply_rate !== null);
  const max = Math.max(0.01, ...shown.map(c => c.human_reply_rate));
  const hours = Array.from({ length: 24 }, (_, hour) => hour);
  const best = [...shown].sort((a, b) => b.human_reply_rate - a.human_reply_rate)[0];
  return h('div', { class: 'card heatmap', 'data-testid': 'send-times' },
    h('div', { class: 'table-wrap' }, h('table', {},
      h('thead', {}, h('tr', {}, h('th', {}, ''), hours.map(hour => h('th', { scope: 'col' }, String(hour).padStart(2, '0'))))),
      h('tbody', {}, weekdays.map((name, index) => h('tr', {}, h('th', { scope: 'row' }, name), hours.map(hour => {
        const c = byCell.get(`${index + 1}|${hour}`);
        const sparse = !c || c.delivered < MinDelivered || c.human_reply_rate === null;
        return h('td', {
          class: sparse ? 'sparse' : null,
          'data-weekday': index + 1, 'data-hour': hour, 'data-sent': c?.sent ?? 0, 'data-delivered': c?.delivered ?? 0,
          'data-rate': c?.human_reply_rate ?? '', 'data-positive': c?.positive_reply_rate ?? '',
          style: sparse ? null : `background:rgba(21,128,61,${(0.1 + 0.9 * c.human_reply_rate / max).toFixed(3)})`,
          title: c ? `${name} ${String(hour).padStart(2, '0')}:00 · ${format.count(c.sent)} sent, ${format.count(c.delivered)} delivered · human reply ${format.percent(c.human_reply_rate)} · positive ${format.percent(c.positive_reply_rate)}${sparse ? ' · too few emails to tell' : ''}`
            : `${name} ${String(hour).padStart(2, '0')}:00 · nothing sent`,
        }, sparse ? '' : c.human_reply_rate.toFixed(1));
      })))))),
    h('p', { class: 'muted' }, best
      ? `Best: ${weekdays[best.weekday - 1]} ${String(best.hour).padStart(2, '0')}:00, ${format.percent(best.human_reply_rate)} human replies (${format.percent(best.positive_reply_rate)} positive). `
      : 'No hour has enough emails to compare yet. ',
      `Human reply rate (%) by hour of sending, ${timeZone} time; grey: fewer than ${MinDelivered} delivered emails.`));
}
