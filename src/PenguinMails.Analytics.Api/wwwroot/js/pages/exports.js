// Governed exports: request one of the reports for the date range, follow its status, approve or
// reject pending ones (tenant admins and the platform admin; never one's own), download the file.
import { get, getAll, post, download } from '../api.js';
import { h, table, empty, failure, loading } from '../ui.js';

const reports = [
  ['campaigns', 'Campaigns'], ['mailboxes', 'Mailboxes'], ['warmup', 'Warmup'], ['usage', 'Usage'], ['leads', 'Leads of a campaign'],
];

export default async function exports(container, context) {
  container.append(h('h1', {}, 'Exports'), loading());
  const [list, campaigns] = await Promise.all([
    get('exports', { tenant_id: context.tenant }),
    getAll('campaigns', { ...context.range, tenant_id: context.tenant }),
  ]);
  container.lastChild.remove();
  const message = h('div');
  const report = h('select', { id: 'export-report', 'aria-label': 'Report' }, reports.map(([value, label]) => h('option', { value }, label)));
  const fileFormat = h('select', { id: 'export-format', 'aria-label': 'Format' }, ['csv', 'json', 'xlsx', 'pdf'].map(f => h('option', { value: f }, f.toUpperCase())));
  const campaign = h('select', { id: 'export-campaign', 'aria-label': 'Campaign', hidden: true },
    campaigns.data.map(c => h('option', { value: c.campaign_id }, c.campaign_name ?? c.campaign_id)));
  report.addEventListener('change', () => { campaign.hidden = report.value !== 'leads'; });
  const form = h('form', { class: 'card', id: 'export-form' },
    h('p', { class: 'muted' }, `Exports the report for ${context.range.from} to ${context.range.to} (exclusive) under your tenant's export controls.`),
    h('div', { class: 'inline' }, report, campaign, fileFormat, h('button', { type: 'submit' }, 'Request export')), message);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    message.replaceChildren();
    try {
      const created = await post(`exports${context.tenant ? `?tenant_id=${encodeURIComponent(context.tenant)}` : ''}`, {
        report: report.value, format: fileFormat.value, ...context.range, campaign_id: report.value === 'leads' ? campaign.value : null,
      });
      location.hash = context.link('exports', { requested: created.id });
    } catch (error) {
      message.append(failure(error));
    }
  });
  container.append(form);

  const mayDecide = context.me.role === 'tenant_admin' || context.isAdmin;
  const actions = row => {
    const cell = h('span', { class: 'inline' });
    if (row.status === 'ready') {
      cell.append(h('button', { type: 'button', class: 'secondary', 'data-action': 'download', onclick: () =>
        download(`exports/${row.id}/download`, `${row.report}-${row.id}.${row.format}`).catch(error => message.append(failure(error))) }, 'Download'));
    }
    if (row.status === 'pending_approval' && mayDecide && row.requested_by !== context.me.key_id) {
      for (const [verb, label] of [['approve', 'Approve'], ['reject', 'Reject']]) {
        cell.append(h('button', { type: 'button', class: 'secondary', 'data-action': verb, onclick: async () => {
          try {
            await post(`exports/${row.id}/${verb}`, {});
            location.hash = context.link('exports', { decided: `${row.id}-${verb}` });
          } catch (error) {
            message.append(failure(error));
          }
        } }, label));
      }
    }
    return cell;
  };
  container.append(h('h2', {}, 'Recent exports'), list.data.length === 0 ? empty('No exports yet.') : table(list.data, [
    { key: 'requested', label: 'Requested', kind: 'time' },
    { key: 'report', label: 'Report' },
    { key: 'format', label: 'Format' },
    { key: 'status', label: 'Status', render: row => h('span', { class: `badge ${row.status === 'ready' ? 'good' : row.status === 'pending_approval' ? 'fair' : ['failed', 'rejected'].includes(row.status) ? 'bad' : ''}`, 'data-status': row.status }, row.status.replace('_', ' ')) },
    { key: 'rows_exported', label: 'Rows', kind: 'count' },
    { key: 'expires', label: 'Expires', kind: 'time' },
    { key: 'error', label: 'Note', render: row => row.error ?? row.decision_note ?? '' },
    { key: 'id', label: '', render: actions },
  ], { sortable: false, testId: 'exports' }));
  if (list.data.some(row => ['queued', 'running'].includes(row.status))) {
    // Refresh while a job is writing a file (the page re-renders with the same address).
    setTimeout(() => { if (location.hash.includes('exports')) window.dispatchEvent(new HashChangeEvent('hashchange')); }, 1000);
  }
}
