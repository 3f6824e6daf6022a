// The API client: JSON in and out, the session cookie, the CSRF token on every
// state-changing request, and one error type carrying the server's field name.

const BASE = '/api/v1';
const TIMEOUT_MS = 20000;

export const session = {
  user: null, // {id, name, role, org_id, provider_id}
  csrf: null,
};

let unauthorizedHandler = null;

// Called when a request answers 401 while we thought we were logged in.
export function onUnauthorized(fn) {
  unauthorizedHandler = fn;
}

export class ApiError extends Error {
  constructor(status, code, message, field, retryAfter) {
    super(message || code || `HTTP ${status}`);
    this.status = status;
    this.code = code || '';
    this.field = field || '';
    this.retryAfter = retryAfter;
  }
}

export async function request(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  // opts.raw: a Blob or File sent as it is, with its own media type
  if (opts.raw) headers['Content-Type'] = opts.raw.type || 'application/octet-stream';
  else if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
  let res;
  try {
    res = await fetch(BASE + path, {
      method,
      headers,
      body: opts.raw ? opts.raw : body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: ctrl.signal,
    });
  } catch (e) {
    throw new ApiError(0, 'network', e.name === 'AbortError' ? 'timeout' : 'network error');
  } finally {
    clearTimeout(timer);
  }
  if (res.status === 204) return null;
  let data = null;
  const text = await res.text();
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (_) {
      data = null;
    }
  }
  if (!res.ok) {
    const err = (data && data.error) || {};
    const retry = res.headers.get('Retry-After');
    const e = new ApiError(res.status, err.code, err.message, err.field, retry ? Number(retry) : undefined);
    if (res.status === 401 && !opts.allow401 && session.user && unauthorizedHandler) {
      session.user = null;
      session.csrf = null;
      unauthorizedHandler();
    }
    throw e;
  }
  return data;
}

export const api = {
  get: (path, opts) => request('GET', path, undefined, opts),
  post: (path, body) => request('POST', path, body ?? {}),
  patch: (path, body) => request('PATCH', path, body),
  del: (path) => request('DELETE', path),
  upload: (path, file) => request('POST', path, undefined, { raw: file }),
};

// Builds "?a=1&b=2" from the non-empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export async function restoreSession() {
  try {
    const me = await api.get('/me', { allow401: true });
    session.csrf = me.csrf_token || null;
    session.user = {
      id: me.id, name: me.name, role: me.role, org_id: me.org_id, provider_id: me.provider_id,
    };
    return session.user;
  } catch (e) {
    if (e.status === 401) {
      session.user = null;
      session.csrf = null;
      return null;
    }
    throw e;
  }
}

export async function login(username, password) {
  const r = await request('POST', '/session', { username, password }, { allow401: true });
  session.user = r.user;
  session.csrf = r.csrf_token;
  return r.user;
}

export async function logout() {
  try {
    await request('DELETE', '/session', undefined, { allow401: true });
  } finally {
    session.user = null;
    session.csrf = null;
  }
}

// Fetches every page of a listing (used for the map: 285 towns fit in one page of 500).
export async function getAll(path, params, maxPages = 20) {
  const items = [];
  let cursor = null;
  for (let i = 0; i < maxPages; i++) {
    const r = await api.get(path + query({ ...params, limit: 500, cursor }));
    items.push(...(r.items || []));
    cursor = r.next_cursor;
    if (!cursor) break;
  }
  return items;
}

// What a role may do; the server enforces the same, this only hides what would fail.
export const can = {
  seeAll: (u) => u && ['admin', 'analyst', 'provider', 'viewer'].includes(u.role),
  editAny: (u) => u && ['admin', 'analyst'].includes(u.role),
  editOrg: (u, orgId) => u && (['admin', 'analyst'].includes(u.role) || (u.role === 'spoc' && String(u.org_id) === String(orgId))),
  seeContacts: (u) => u && u.role !== 'viewer',
  seeJournal: (u) => u && ['admin', 'analyst'].includes(u.role),
  seeProviders: (u) => u && ['admin', 'analyst', 'provider'].includes(u.role),
};
