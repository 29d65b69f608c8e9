// The HTTP layer over a real socket: security headers, static files,
// limits, health and metrics, and what each bad request gets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { BASE, call, login } from './lib.mjs';

const { hostname, port } = new URL(BASE);

// Send raw bytes and read the whole reply (for requests fetch will not make).
function raw(bytes) {
  return new Promise((resolve, reject) => {
    const s = net.connect(Number(port), hostname);
    let data = '';
    s.setTimeout(5000, () => { s.destroy(); resolve(data); });
    s.on('data', (d) => { data += d.toString('latin1'); });
    s.on('end', () => resolve(data));
    s.on('error', reject);
    s.write(bytes);
  });
}

test('security headers on every response', async () => {
  for (const path of ['/', '/api/v1/openapi.json', '/api/v1/nope', '/healthz']) {
    const res = await call('GET', path);
    const csp = res.headers.get('content-security-policy');
    assert.match(csp, /default-src 'self'/, path);
    assert.match(csp, /script-src 'self'/, path);
    assert.match(csp, /frame-ancestors 'none'/, path);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, path);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    assert.equal(res.headers.get('x-frame-options'), 'DENY', path);
  }
});

test('static files: MIME types, caching, 304, and no escape from web/', async () => {
  const index = await call('GET', '/');
  assert.equal(index.status, 200);
  assert.match(index.headers.get('content-type'), /^text\/html/);
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  const js = await call('GET', '/js/app.js');
  assert.equal(js.status, 200);
  assert.match(js.headers.get('content-type'), /^text\/javascript/);
  const etag = js.headers.get('etag');
  assert.ok(etag);
  const again = await call('GET', '/js/app.js', { headers: { 'If-None-Match': etag } });
  assert.equal(again.status, 304);
  const vendor = await call('GET', '/vendor/echarts.min.js');
  assert.equal(vendor.status, 200);
  assert.match(vendor.headers.get('cache-control'), /max-age=604800/);
  for (const evil of ['/../Makefile', '/%2e%2e/Makefile', '/js/../../Makefile', '/.git/config', '/..%2fMakefile', '/js%00.html']) {
    const r = await raw(`GET ${evil} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.match(r, /^HTTP\/1\.1 (404|400)/, evil);
    assert.doesNotMatch(r, /CFLAGS/, evil);
  }
});

test('healthz, deep healthz and Prometheus metrics', async () => {
  assert.deepEqual((await call('GET', '/healthz')).json, { status: 'ok' });
  assert.equal((await call('GET', '/healthz?deep=1')).status, 200);
  const m = await call('GET', '/metrics');
  assert.equal(m.status, 200);
  assert.match(m.headers.get('content-type'), /^text\/plain; version=0.0.4/);
  assert.match(m.text, /^# TYPE shuangyong_http_requests_total counter$/m);
  assert.match(m.text, /^shuangyong_http_requests_total\{class="2xx"\} \d+$/m);
  assert.match(m.text, /^shuangyong_http_request_duration_seconds_bucket\{le="\+Inf"\} \d+$/m);
});

test('a body over the limit gets 413 and changes nothing', async () => {
  const s = await login('admin');
  const before = (await call('GET', '/api/v1/users?limit=500', { session: s })).json.items.length;
  const big = JSON.stringify({ username: 'huge.body', display_name: 'x'.repeat(2 * 1024 * 1024), password: 'long-enough-1', role: 'officer', region_code: '130902' });
  const res = await call('POST', '/api/v1/users', { session: s, raw: big, headers: { 'Content-Type': 'application/json' } });
  assert.equal(res.status, 413);
  assert.equal(res.json.error.code, 'body_too_large');
  const after = (await call('GET', '/api/v1/users?limit=500', { session: s })).json.items.length;
  assert.equal(after, before);
});

test('oversized headers are refused without crashing the server', async () => {
  const r = await raw(`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(100000)}\r\nConnection: close\r\n\r\n`);
  assert.match(r, /^HTTP\/1\.1 4\d\d/);
  assert.equal((await call('GET', '/healthz')).status, 200);
});

test('deeply nested JSON is malformed, not a crash', async () => {
  const s = await login('admin');
  const deep = '['.repeat(100000) + ']'.repeat(100000);
  const res = await call('POST', '/api/v1/users', { session: s, raw: deep, headers: { 'Content-Type': 'application/json' } });
  assert.equal(res.status, 400);
  assert.equal(res.json.error.code, 'malformed_json');
});

test('SQL-injection text is stored and shown verbatim', async () => {
  const s = await login('admin');
  const name = "'); DROP TABLE users; --";
  const res = await call('POST', '/api/v1/users', {
    session: s, body: { username: `sqli.${Date.now()}`, display_name: name, password: 'long-enough-1', role: 'officer', region_code: '130902' },
  });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.display_name, name);
  const list = await call('GET', `/api/v1/users?q=${encodeURIComponent("DROP TABLE")}`, { session: s });
  assert.equal(list.json.items[0].display_name, name);
});

test('English error messages with Accept-Language: en', async () => {
  const res = await call('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'wrong-password' }, headers: { 'Accept-Language': 'en' } });
  assert.equal(res.status, 401);
  assert.equal(res.json.error.code, 'bad_credentials');
  assert.equal(res.json.error.message, 'wrong username or password');
  const zh = await call('POST', '/api/v1/auth/login', { body: { username: 'admin', password: 'wrong-password' } });
  assert.equal(zh.json.error.message, '用户名或密码错误');
});

test('session cookie is HttpOnly and SameSite=Strict', async () => {
  const res = await fetch(BASE + '/api/v1/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: 'auditor', password: 'auditor-demo-2026' }),
  });
  const c = res.headers.get('set-cookie');
  assert.match(c, /HttpOnly/);
  assert.match(c, /SameSite=Strict/);
  assert.match(c, /Path=\//);
});

test('xlsx export is a real spreadsheet', async () => {
  const s = await login('admin');
  const res = await fetch(BASE + '/api/v1/users?format=xlsx', { headers: { Cookie: s.cookie } });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /spreadsheetml/);
  assert.match(res.headers.get('content-disposition'), /users\.xlsx/);
  const buf = Buffer.from(await res.arrayBuffer());
  assert.equal(buf.subarray(0, 2).toString(), 'PK'); // a zip container
});
