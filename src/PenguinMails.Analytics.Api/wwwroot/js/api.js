// Calls to the /v1 API with the signed-in key. Failures become Errors that carry the problem
// details' message (RFC 9457 "detail"), so that pages can show what went wrong.

const KEY = 'penguin-analytics.key';

export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  set key(value) { value ? sessionStorage.setItem(KEY, value) : sessionStorage.removeItem(KEY); },
};

export class ApiError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

let lastAsOf = null;
const asOfListeners = [];

/** Called with every as_of the API reports. */
export function onAsOf(listener) { asOfListeners.push(listener); }

/** GET a /v1 path with query parameters (null and empty values are left out). */
export async function get(path, params = {}, key = session.key) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') query.set(name, value);
  }
  const url = `v1/${path}${query.size ? `?${query}` : ''}`;
  let response;
  try {
    response = await fetch(url, { headers: { Authorization: `Bearer ${key}`, Accept: 'application/json' } });
  } catch {
    throw new ApiError(0, 'The server cannot be reached. Is penguin-analytics serve running?');
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const detail = body?.detail ?? body?.title ?? `The server answered ${response.status}.`;
    throw new ApiError(response.status, detail);
  }
  if (body && 'as_of' in body && body.as_of !== lastAsOf) {
    lastAsOf = body.as_of;
    asOfListeners.forEach(listener => listener(body.as_of));
  }
  return body;
}

/** POST a JSON body to a /v1 path; failures as for get. */
export async function post(path, body = {}) {
  let response;
  try {
    response = await fetch(`v1/${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${session.key}`, 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'The server cannot be reached. Is penguin-analytics serve running?');
  }
  const result = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, result?.detail ?? result?.title ?? `The server answered ${response.status}.`);
  return result;
}

/** Downloads a file that needs the key (an export): fetched as a blob and saved under its name. */
export async function download(path, filename) {
  const response = await fetch(`v1/${path}`, { headers: { Authorization: `Bearer ${session.key}` } });
  if (!response.ok) {
    const problem = await response.json().catch(() => null);
    throw new ApiError(response.status, problem?.detail ?? `The server answered ${response.status}.`);
  }
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Every page of a paged list (up to `max` rows). */
export async function getAll(path, params = {}, max = 5000) {
  const rows = [];
  let offset = 0;
  for (;;) {
    const page = await get(path, { ...params, limit: 1000, offset });
    rows.push(...page.data);
    if (page.paging?.next_offset === undefined || rows.length >= max) return { ...page, data: rows };
    offset = page.paging.next_offset;
  }
}
