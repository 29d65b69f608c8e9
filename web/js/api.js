// One place that talks to the server, so every call gets the same language
// header, CSRF header, error shape and 401 handling.
import { acceptLanguage, t } from './i18n.js';

export const API = '/api/v1';

let csrfToken = null;
let onUnauthorized = () => {};

export function setCsrf(token) { csrfToken = token || null; }

/** The app registers what to do when the session is gone (go to login). */
export function setUnauthorizedHandler(fn) { onUnauthorized = fn; }

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field || null;
  }
}

/** Query string from an object; empty values are left out so filters stay clean. */
export function qs(params) {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === null || v === undefined || v === '') continue;
    sp.set(k, String(v));
  }
  const s = sp.toString();
  return s ? `?${s}` : '';
}

/** URL for a CSV/XLSX download carrying the current filters (cookie auth, GET). */
export function exportUrl(path, params, format) {
  const p = { ...params, format };
  delete p.cursor;
  delete p.limit;
  return API + path + qs(p);
}

/**
 * request('GET', '/users', {query, body, handle401})
 * Resolves with the parsed JSON (null for 204); rejects with ApiError.
 * handle401=false lets login and the start-up session check see the 401
 * themselves instead of triggering the global "back to login".
 */
export async function request(method, path, { query, body, handle401 = true } = {}) {
  const headers = { 'Accept': 'application/json', 'Accept-Language': acceptLanguage() };
  if (method !== 'GET' && method !== 'HEAD') {
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  }
  const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }

  let res;
  try {
    res = await fetch(API + path + qs(query), init);
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }

  if (res.status === 204) return null;
  let data = null;
  const type = res.headers.get('Content-Type') || '';
  if (type.includes('json')) {
    try { data = await res.json(); } catch { data = null; }
  }

  if (res.ok) return data;

  const e = (data && data.error) || {};
  const err = new ApiError(res.status, e.code || `http_${res.status}`,
    e.message || fallbackMessage(res.status), e.field);
  if (res.status === 401 && handle401) onUnauthorized(err);
  throw err;
}

function fallbackMessage(status) {
  if (status === 401) return t('error.unauthorized');
  if (status === 403) return t('error.forbidden');
  if (status === 404) return t('error.not_found');
  if (status === 429) return t('error.too_many');
  return t('error.http', { status });
}

export const get = (path, query, opts) => request('GET', path, { ...opts, query });
export const post = (path, body, opts) => request('POST', path, { ...opts, body });
export const patch = (path, body, opts) => request('PATCH', path, { ...opts, body });
export const del = (path, body, opts) => request('DELETE', path, { ...opts, body });

/**
 * Sends a file as the raw request body (an import) with XMLHttpRequest, since
 * fetch cannot report upload progress; same headers, error shape and 401
 * handling as request(). onProgress(loaded, total) while the body goes up,
 * onUploaded() once all of it is sent (the server is then working on it).
 * Returns {promise, abort}; an abort rejects with code 'aborted'.
 */
export function upload(path, blob, { query, onProgress, onUploaded } = {}) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    xhr.open('POST', API + path + qs(query));
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Accept-Language', acceptLanguage());
    if (csrfToken) xhr.setRequestHeader('X-CSRF-Token', csrfToken);
    xhr.upload.addEventListener('progress', e => {
      if (onProgress) onProgress(e.loaded, e.lengthComputable ? e.total : blob.size);
    });
    xhr.upload.addEventListener('load', () => { if (onUploaded) onUploaded(); });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'network', t('error.network'))));
    xhr.addEventListener('timeout', () => reject(new ApiError(0, 'network', t('error.network'))));
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'aborted', t('error.aborted'))));
    xhr.addEventListener('load', () => {
      let data = null;
      if ((xhr.getResponseHeader('Content-Type') || '').includes('json')) {
        try { data = JSON.parse(xhr.responseText); } catch { data = null; }
      }
      if (xhr.status >= 200 && xhr.status < 300) { resolve(data); return; }
      const e = (data && data.error) || {};
      const err = new ApiError(xhr.status, e.code || `http_${xhr.status}`,
        e.message || fallbackMessage(xhr.status), e.field);
      if (xhr.status === 401) onUnauthorized(err);
      reject(err);
    });
    xhr.send(blob);
  });
  return { promise, abort: () => xhr.abort() };
}
