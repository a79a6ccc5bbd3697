// The platform admin's pages: system events (unresolved first), the audit log of administrative
// actions, and the guide's activity analysis (GET /v1/admin/...).
import { getAll } from '../api.js';
import { h, format, table, empty, loading } from '../ui.js';

const tabs = [
  { key: 'events', label: 'System events', render: events },
  { key: 'audit', label: 'Audit log', render: audit },
  { key: 'activity', label: 'Activity analysis', render: activity },
];

export default async function admin(container, context) {
  const active = tabs.find(t => t.key === context.params.get('tab')) ?? tabs[0];
  container.append(h('h1', {}, 'Admin'), h('div', { class: 'tabs', role: 'tablist' }, tabs.map(tab =>
    h('button', { type: 'button', role: 'tab', class: tab === active ? 'active' : null, 'aria-selected': String(tab === active),
      onclick: () => { location.hash = context.link('admin', { tab: tab.key }); } }, tab.label))));
  const body = h('div', {}, loading());
  container.append(body);
  await active.render(body, context);
}

async function events(body, context) {
  const result = await getAll('admin/system-events', { ...context.range, tenant_id: context.tenant });
  body.replaceChildren(result.data.length === 0 ? empty('No system events in this date range.') : table(result.data, [
    { key: 'resolved', label: 'State', render: row => h('span', { class: `badge ${row.resolved ? 'good' : row.severity === 'critical' || row.severity === 'error' ? 'bad' : 'fair'}` }, row.resolved ? 'resolved' : 'open') },
    { key: 'creation_time', label: 'When', kind: 'time' },
    { key: 'severity', label: 'Severity' },
    { key: 'event_type', label: 'Type' },
    { key: 'tenant_id', label: 'Tenant' },
    { key: 'message', label: 'Message' },
    { key: 'resolution', label: 'Resolution' },
  ], { testId: 'system-events' }));
}

async function audit(body, context) {
  const result = await getAll('admin/audit-logs', { ...context.range, tenant_id: context.tenant });
  body.replaceChildren(result.data.length === 0 ? empty('No administrative actions in this date range.') : table(result.data, [
    { key: 'creation_time', label: 'When', kind: 'time' },
    { key: 'admin_user_id', label: 'Admin' },
    { key: 'action', label: 'Action' },
    { key: 'resource_type', label: 'Resource' },
    { key: 'resource_id', label: 'Id' },
    { key: 'tenant_id', label: 'Tenant' },
    { key: 'affected_rows', label: 'Rows', kind: 'count' },
    { key: 'ip_address', label: 'IP' },
    { key: 'old_values', label: 'Before', render: row => format.text(row.old_values) },
    { key: 'new_values', label: 'After', render: row => format.text(row.new_values) },
  ], { testId: 'audit-logs' }));
}

async function activity(body, context) {
  const result = await getAll('admin/activity', { ...context.range, tenant_id: context.tenant });
  body.replaceChildren(result.data.length === 0 ? empty('No administrative actions in this date range.') : table(result.data, [
    { key: 'activity_date', label: 'Day', kind: 'date' },
    { key: 'hour_of_day', label: 'Hour', kind: 'count' },
    { key: 'admin_user_id', label: 'Admin' },
    { key: 'action', label: 'Action' },
    { key: 'resource_type', label: 'Resource' },
    { key: 'action_count', label: 'Actions', kind: 'count' },
    { key: 'tenants_affected', label: 'Tenants', kind: 'count' },
    { key: 'unique_ips', label: 'IPs', kind: 'count' },
    { key: 'time_category', label: 'When' },
  ], { testId: 'activity' }));
}
