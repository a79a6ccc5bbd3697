// Small DOM helpers. Text always goes in as text (never as HTML), so data cannot inject markup.

/** h('td', {class: 'num'}, 'text', child, ...) */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

const integer = new Intl.NumberFormat('en-US');
const decimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

export const format = {
  count: value => value === null || value === undefined ? '–' : integer.format(value),
  decimal: value => value === null || value === undefined ? '–' : decimal.format(value),
  percent: value => value === null || value === undefined ? '–' : `${decimal.format(value)} %`,
  date: value => value ? String(value).slice(0, 10) : '–',
  time: value => value ? new Date(value).toISOString().replace('T', ' ').slice(0, 19) + ' UTC' : '–',
  text: value => value === null || value === undefined || value === '' ? '–' : typeof value === 'object' ? JSON.stringify(value) : String(value),
};

export const loading = (what = 'Loading…') => h('div', { class: 'loading', role: 'status' }, what);
export const empty = text => h('div', { class: 'message empty' }, text);
export const failure = error => h('div', { class: 'message error', role: 'alert' }, error.message ?? String(error));

/** Health score or warmup category as a coloured badge. */
export function healthBadge(score) {
  if (score === null || score === undefined) return h('span', { class: 'badge' }, 'n/a');
  const kind = score >= 80 ? 'good' : score >= 50 ? 'fair' : 'bad';
  return h('span', { class: `badge ${kind}`, 'data-health': score }, format.decimal(score));
}

export function categoryBadge(category) {
  const kind = { Excellent: 'good', Good: 'good', Fair: 'fair', Poor: 'bad' }[category] ?? '';
  return h('span', { class: `badge ${kind}` }, category);
}

/**
 * A table from rows and column specs {key, label, kind: 'count'|'percent'|'decimal'|'date'|'time'|'text',
 * render(row) for a custom cell}. Headers sort the rows (numbers descending first). rowId names the
 * column that identifies a row (data-row), when it is not the first of campaign, mailbox, lead id.
 */
export function table(rows, columns, { sortable = true, testId = null, rowId = null } = {}) {
  let sortKey = null;
  let ascending = false;
  const body = h('tbody');
  const headers = columns.map(column => {
    const numeric = ['count', 'percent', 'decimal'].includes(column.kind);
    const th = h('th', { class: `${numeric ? 'num ' : ''}${sortable ? 'sortable' : ''}`, scope: 'col', 'data-key': column.key }, column.label);
    if (sortable) {
      th.addEventListener('click', () => {
        ascending = sortKey === column.key ? !ascending : !numeric;
        sortKey = column.key;
        headers.forEach(other => other.classList.remove('sorted-asc', 'sorted-desc'));
        th.classList.add(ascending ? 'sorted-asc' : 'sorted-desc');
        fill();
      });
    }
    return th;
  });
  const fill = () => {
    const sorted = sortKey === null ? rows : [...rows].sort((a, b) => compare(a[sortKey], b[sortKey]) * (ascending ? 1 : -1));
    body.replaceChildren(...sorted.map(row => h('tr', { 'data-row': rowId ? row[rowId] : row.campaign_id ?? row.mailbox_id ?? row.lead_id ?? row.id ?? null },
      ...columns.map(column => h('td', { class: ['count', 'percent', 'decimal'].includes(column.kind) ? 'num' : null, 'data-key': column.key },
        column.render ? column.render(row) : format[column.kind ?? 'text'](row[column.key]))))));
  };
  fill();
  return h('div', { class: 'table-wrap' }, h('table', { 'data-testid': testId }, h('thead', {}, h('tr', {}, headers)), body));
}

function compare(a, b) {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
}
