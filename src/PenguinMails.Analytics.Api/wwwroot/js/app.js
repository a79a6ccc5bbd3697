// The dashboard shell: sign-in, navigation, the date range every page honours, the admin's
// tenant picker and the freshness (as_of) line. Pages live in pages/*.js; each renders into a
// container with the context built here. State lives in the URL hash, so links and reloads work:
//   #/campaigns/t1-c1-k2?from=2026-10-01&to=2026-10-31&tenant=t2   (to is inclusive here)

import { get, session, onAsOf } from './api.js';
import { h, failure, format } from './ui.js';
import overview from './pages/overview.js';
import campaigns from './pages/campaigns.js';
import campaign from './pages/campaign.js';
import mailboxes from './pages/mailboxes.js';
import leads from './pages/leads.js';
import usage from './pages/usage.js';
import admin from './pages/admin.js';
import exportsPage from './pages/exports.js';
import signIn from './pages/signin.js';

const pages = [
  { path: 'overview', title: 'Overview', render: overview },
  { path: 'campaigns', title: 'Campaigns', render: campaigns, detail: campaign },
  { path: 'mailboxes', title: 'Mailboxes & warmup', render: mailboxes },
  { path: 'leads', title: 'Leads', render: leads },
  { path: 'usage', title: 'Usage', render: usage },
  { path: 'exports', title: 'Exports', render: exportsPage },
  { path: 'admin', title: 'Admin', render: admin, adminOnly: true },
];

const view = document.getElementById('view');
let me = null;
let tenants = [];
let renderCount = 0;

const day = date => date.toISOString().slice(0, 10);
const addDays = (text, days) => day(new Date(Date.parse(`${text}T00:00:00Z`) + days * 86400000));
// Days are the tenant's local days (its time zone): today is today there. The platform admin
// reading every tenant sees UTC days.
function timeZone() {
  const picked = me?.role === 'admin' ? tenants.find(t => t.tenant_id === new URLSearchParams(location.hash.split('?')[1] ?? '').get('tenant')) : null;
  return me?.role === 'admin' ? picked?.time_zone ?? 'UTC' : me?.time_zone ?? 'UTC';
}
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: timeZone(), year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

function parseHash() {
  const [path, query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const [page = 'overview', ...rest] = path.split('/').map(decodeURIComponent);
  const params = new URLSearchParams(query);
  // A day in the address that is not a real day (2026-13-01, 2026-02-30) is reported, and the
  // default takes its place: never a silently different range.
  const problems = [];
  const valid = name => {
    const text = params.get(name);
    if (text === null || text === '') return null;
    if (/^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`)) && addDays(text, 0) === text) return text;
    problems.push(`"${name}=${text}" in the address is not a day (yyyy-MM-dd, for example ${today()}).`);
    return null;
  };
  let to = valid('to') ?? today();
  let from = valid('from') ?? addDays(to, -29);
  if (from > to) {
    problems.push(`The range in the address starts (${from}) after it ends (${to}); showing the 30 days up to ${to}.`);
    from = addDays(to, -29);
  }
  return { page, arg: rest.join('/') || null, from, to, tenant: params.get('tenant') || null, params, problems };
}

const presets = [7, 30, 90, 365];

/** A link to a page that keeps the current range and tenant. */
export function link(path, extra = {}) {
  const state = parseHash();
  const params = new URLSearchParams({ from: state.from, to: state.to });
  if (state.tenant) params.set('tenant', state.tenant);
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  return `#/${path}?${params}`;
}

function navigate(changes) {
  const state = { ...parseHash(), ...changes };
  const params = new URLSearchParams({ from: state.from, to: state.to });
  if (state.tenant) params.set('tenant', state.tenant);
  for (const [name, value] of state.params) if (!['from', 'to', 'tenant'].includes(name)) params.set(name, value);
  location.hash = `#/${[state.page, state.arg].filter(Boolean).map(encodeURIComponent).join('/')}?${params}`;
}

async function render() {
  const current = ++renderCount;
  const state = parseHash();
  if (!session.key || !me) {
    showChrome(false);
    const container = h('div');
    view.replaceChildren(container);
    view.dataset.state = 'signin';
    view.dataset.render = current;
    signIn(container, { onSignedIn: start });
    return;
  }
  showChrome(true);
  const page = pages.find(p => p.path === state.page) ?? pages[0];
  document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('active', a.dataset.page === page.path));
  document.getElementById('range-from').value = state.from;
  document.getElementById('range-to').value = state.to;
  // The preset that is the current range (up to today), else Custom.
  const preset = presets.find(days => state.to === today() && state.from === addDays(today(), 1 - days));
  document.getElementById('range-preset').value = preset ? String(preset) : '';
  document.getElementById('tenant').value = state.tenant ?? '';
  document.title = `${page.title} · PenguinMails Analytics`;

  const container = h('div', { 'data-page': page.path });
  view.replaceChildren(...state.problems.map(problem => failure(new Error(problem))), container);
  view.dataset.state = 'loading';
  view.dataset.render = current; // tests wait for a render newer than the one they saw
  const context = {
    me, arg: state.arg, params: state.params,
    // The API's range: `to` is exclusive there.
    range: { from: state.from, to: addDays(state.to, 1) },
    previousRange: (() => {
      const days = (Date.parse(state.to) - Date.parse(state.from)) / 86400000 + 1;
      return { from: addDays(state.from, -days), to: state.from };
    })(),
    // The platform admin reads all tenants unless one is picked; everybody else reads their own.
    tenant: me.role === 'admin' ? state.tenant : null,
    tenantId: me.role === 'admin' ? (state.tenant ?? null) : me.tenant_id,
    isAdmin: me.role === 'admin',
    timeZone: timeZone(),
    link, navigate,
  };
  try {
    if (page.adminOnly && !context.isAdmin) {
      container.append(h('h1', {}, page.title), failure(new Error('The admin pages are for the platform admin role; this key cannot open them.')));
    } else {
      await (state.arg && page.detail ? page.detail : page.render)(container, context);
    }
    if (current === renderCount) view.dataset.state = 'ready';
  } catch (error) {
    if (current !== renderCount) return;
    if (error.status === 401) return signOut(error.message);
    container.querySelectorAll('.loading').forEach(element => element.remove());
    container.append(failure(error));
    view.dataset.state = 'error';
  }
}

function showChrome(visible) {
  document.querySelector('.topbar').hidden = !visible;
  document.querySelector('.toolbar').hidden = !visible;
}

async function start(key) {
  session.key = key;
  me = await get('me');
  if (!me.can_read) {
    session.key = null;
    me = null;
    throw new Error('This key is for sending events (ingest) and cannot read analytics. Sign in with a viewer, tenant admin or admin key.');
  }
  const nav = document.getElementById('nav');
  nav.replaceChildren(...pages.filter(p => !p.adminOnly || me.role === 'admin')
    .map(p => h('a', { href: link(p.path), 'data-page': p.path }, p.title)));
  nav.querySelectorAll('a').forEach(a => a.addEventListener('click', event => {
    event.preventDefault();
    navigate({ page: a.dataset.page, arg: null, params: new URLSearchParams() });
  }));
  document.getElementById('who').textContent =
    `${me.role.replace('_', ' ')} · ${me.role === 'admin' ? 'all tenants' : me.tenant_name ?? me.tenant_id}`;
  const picker = document.getElementById('tenant-picker');
  picker.hidden = me.role !== 'admin';
  if (me.role === 'admin') {
    tenants = (await get('tenants')).data;
    document.getElementById('tenant').replaceChildren(h('option', { value: '' }, 'All tenants'),
      ...tenants.map(t => h('option', { value: t.tenant_id }, `${t.name ?? t.tenant_id} (${t.tenant_id})`)));
  }
  if (!location.hash) location.hash = link('overview');
  await render();
}

function signOut(message) {
  session.key = null;
  me = null;
  render().then(() => {
    if (message) view.prepend(failure(new Error(message)));
  });
}

document.getElementById('sign-out').addEventListener('click', () => signOut());
document.getElementById('range').addEventListener('submit', event => {
  event.preventDefault();
  const from = document.getElementById('range-from').value;
  const to = document.getElementById('range-to').value;
  if (!from || !to || from > to) {
    view.prepend(failure(new Error('Pick a first day that is not after the last day.')));
    return;
  }
  navigate({ from, to });
});
document.getElementById('range-preset').addEventListener('change', event => {
  const days = Number(event.target.value);
  if (days) navigate({ from: addDays(today(), 1 - days), to: today() });
});
document.getElementById('tenant').addEventListener('change', event => navigate({ tenant: event.target.value || null, arg: null }));
onAsOf(asOf => {
  const element = document.getElementById('as-of');
  element.textContent = asOf ? `Data as of ${format.time(asOf)}` : 'No events aggregated yet';
  element.dataset.asOf = asOf ?? '';
});
window.addEventListener('hashchange', render);

if (session.key) {
  start(session.key).catch(() => signOut('Your key no longer works; sign in again.'));
} else {
  render();
}
