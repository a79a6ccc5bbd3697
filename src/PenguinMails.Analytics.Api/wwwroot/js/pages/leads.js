// Lead engagement per campaign (GET /v1/leads?campaign_id=&search=), a page of leads at a time,
// most engaged first, with a campaign picker and a search over lead ids and addresses. The
// campaign, the search and the page live in the address like the range.
import { get, getAll } from '../api.js';
import { h, format, table, empty, loading } from '../ui.js';

const PageSize = 50;

export default async function leads(container, context) {
  container.append(h('h1', {}, 'Leads'), loading());
  const campaigns = (await getAll('campaigns', { ...context.range, tenant_id: context.tenant })).data;
  container.lastChild.remove();
  if (campaigns.length === 0) {
    container.append(empty('No campaign sent email in this date range.'));
    return;
  }
  const chosen = context.params.get('campaign') ?? campaigns[0].campaign_id;
  const search = context.params.get('search') ?? '';
  const page = Math.max(1, Number.parseInt(context.params.get('page') ?? '1', 10) || 1);
  const go = changes => {
    const next = { campaign: chosen, search, page: 1, ...changes };
    location.hash = context.link('leads', Object.fromEntries(Object.entries(next).filter(([, v]) => v !== '' && v !== 1)));
  };

  const picker = h('select', { id: 'lead-campaign', 'aria-label': 'Campaign' },
    campaigns.map(c => h('option', { value: c.campaign_id, selected: c.campaign_id === chosen },
      context.isAdmin && !context.tenant ? `${c.campaign_name ?? c.campaign_id} (${c.tenant_id})` : c.campaign_name ?? c.campaign_id)));
  picker.addEventListener('change', () => go({ campaign: picker.value, search: '' }));
  const box = h('input', { type: 'search', id: 'lead-search', placeholder: 'Lead id or address', 'aria-label': 'Search leads', value: search });
  const form = h('form', { class: 'filters', role: 'search' }, h('label', { class: 'muted' }, 'Campaign ', picker), box, h('button', { type: 'submit' }, 'Search'));
  form.addEventListener('submit', event => { event.preventDefault(); go({ search: box.value.trim() }); });
  container.append(form);

  const result = h('div', {}, loading());
  container.append(result);
  const rows = await get('leads', {
    ...context.range, campaign_id: chosen, search, tenant_id: context.tenant, limit: PageSize, offset: (page - 1) * PageSize,
  });
  result.replaceChildren();
  if (rows.data.length === 0) {
    result.append(empty(search
      ? `No lead of this campaign matches "${search}" in this range.`
      : page > 1 ? 'There are no more leads.' : 'No lead of this campaign was emailed in the billing periods of this range.'));
    if (page > 1) result.append(pager(page, false, go));
    return;
  }
  const first = (page - 1) * PageSize + 1;
  result.append(
    h('p', { class: 'muted', 'data-testid': 'lead-range' },
      `Leads ${format.count(first)}–${format.count(first + rows.data.length - 1)}, most engaged first${search ? `, matching "${search}"` : ''}.`),
    table(rows.data, [
      { key: 'lead_address', label: 'Lead', render: row => h('span', {}, row.lead_address ?? row.lead_id, row.lead_address ? h('span', { class: 'muted' }, ` ${row.lead_id}`) : null) },
      { key: 'status', label: 'Status' },
      { key: 'engagement', label: 'Engagement' },
      { key: 'sent', label: 'Sent', kind: 'count' },
      { key: 'opened_tracked', label: 'Opened', kind: 'count' },
      { key: 'clicked_tracked', label: 'Clicked', kind: 'count' },
      { key: 'replied', label: 'Replied', kind: 'count' },
      { key: 'bounced', label: 'Bounced', kind: 'count' },
      { key: 'unsubscribed', label: 'Unsubscribed', kind: 'count' },
    ], { testId: 'leads', rowId: 'lead_id' }),
    pager(page, rows.paging?.next_offset !== undefined, go));
}

function pager(page, hasNext, go) {
  return h('nav', { class: 'pager', 'aria-label': 'Pages of leads' },
    h('button', { type: 'button', class: 'secondary', disabled: page <= 1, onclick: () => go({ page: page - 1 }), 'data-testid': 'previous' }, '← Previous'),
    h('span', { class: 'muted' }, `Page ${page}`),
    h('button', { type: 'button', class: 'secondary', disabled: !hasNext, onclick: () => go({ page: page + 1 }), 'data-testid': 'next' }, 'Next →'));
}
