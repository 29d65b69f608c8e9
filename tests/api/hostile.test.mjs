// Hostile input (issue 7), over the socket against the demo server: session
// fixation, CSRF, login brute force, invalid UTF-8, path traversal in
// downloads, and each organisation role kept to its own organisation.
// (Oversized bodies and headers, deeply nested JSON, SQL-injection text and
// static-file traversal are in http.test.mjs; the route × role walk and the
// officers' regions in routes.test.mjs; every route with fuzzed input in
// tests/fuzz/fuzz_api.c.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { BASE, call, login, uniq, DEMO } from './lib.mjs';

async function rawLogin(username, password, cookie) {
  const headers = { 'Content-Type': 'application/json' };
  if (cookie) headers.Cookie = cookie;
  const res = await fetch(BASE + '/api/v1/auth/login', {
    method: 'POST', headers, body: JSON.stringify({ username, password }),
  });
  const text = await res.text();
  return { status: res.status, setCookie: res.headers.get('set-cookie'), json: text ? JSON.parse(text) : null };
}

// Bytes on the wire, for what fetch would refuse to send (invalid UTF-8).
function rawRequest(bytes) {
  const { hostname, port } = new URL(BASE);
  return new Promise((resolve, reject) => {
    const chunks = [];
    const s = net.connect(Number(port), hostname, () => s.end(bytes));
    s.on('data', (d) => chunks.push(d));
    s.on('end', () => resolve(Buffer.concat(chunks).toString('latin1')));
    s.on('error', reject);
  });
}

test('session fixation: a session id chosen by an attacker is never adopted', async () => {
  const planted = 'sy_session=attacker-chosen-value-0123456789abcdef';
  const r = await rawLogin(...DEMO.officer, planted);
  assert.equal(r.status, 200);
  const issued = r.setCookie.split(';')[0];
  assert.notEqual(issued, planted, 'login issues its own session token');
  assert.equal((await call('GET', '/api/v1/auth/me', { headers: { Cookie: planted } })).status, 401);
  // Two logins of the same user get two different sessions.
  const again = await rawLogin(...DEMO.officer);
  assert.notEqual(again.setCookie.split(';')[0], issued);
});

test('CSRF: a state-changing request needs this session\'s token', async () => {
  const s = await login('admin');
  const other = await login('officer');
  const body = JSON.stringify({ name: `csrf-${uniq()}`, role: 'auditor', region_code: '130902' });
  const send = (token) => fetch(BASE + '/api/v1/tokens', {
    method: 'POST', body,
    headers: { 'Content-Type': 'application/json', Cookie: s.cookie, ...(token !== undefined ? { 'X-CSRF-Token': token } : {}) },
  });
  const count = async () => (await call('GET', '/api/v1/tokens?limit=200', { session: s })).json.items.length;
  const before = await count();
  for (const [label, token] of [['missing', undefined], ['empty', ''], ['another session\'s', other.csrf], ['forged', 'x'.repeat(43)]]) {
    const res = await send(token);
    assert.equal(res.status, 403, `${label} CSRF token`);
    assert.equal((await res.json()).error.code, 'csrf_failed', `${label} CSRF token`);
  }
  assert.equal(await count(), before, 'nothing was created');
  assert.equal((await send(s.csrf)).status, 201, 'the right token works');
  // A form post (the only cross-site write a browser can make without CORS) is refused too.
  const form = await fetch(BASE + '/api/v1/tokens', {
    method: 'POST', body: 'name=x&role=admin',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: s.cookie, 'X-CSRF-Token': s.csrf },
  });
  assert.equal(form.status, 415);
});

test('login brute force: the account is throttled, other accounts are not', async () => {
  const admin = await login('admin');
  const username = `brute.${uniq()}`;
  const password = 'Brute-force-target-2026';
  const made = await call('POST', '/api/v1/users', {
    session: admin, body: { username, display_name: '测试', password, role: 'auditor', region_code: '130902' },
  });
  assert.equal(made.status, 201, made.text);
  const statuses = [];
  for (let i = 0; i < 7; i++) statuses.push((await rawLogin(username, `wrong-${i}`)).status);
  assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
  assert.equal(statuses[6], 429, `after the limit: ${statuses}`);
  const right = await rawLogin(username, password);
  assert.equal(right.status, 429, 'even the right password waits for the window');
  assert.equal(right.json.error.code, 'too_many_attempts');
  // The throttle is per account: the next user signs in normally.
  assert.equal((await rawLogin(...DEMO.auditor)).status, 200);
  await call('PATCH', `/api/v1/users/${made.json.id}`, { session: admin, body: { disabled: true } });
});

test('invalid UTF-8 in a JSON string or a query is refused and changes nothing', async () => {
  const s = await login('admin');
  const { host } = new URL(BASE);
  const name = Buffer.concat([Buffer.from('{"name":"bad'), Buffer.from([0xc3, 0x28]), Buffer.from('","role":"auditor","region_code":"130902"}')]);
  const head = `POST /api/v1/tokens HTTP/1.1\r\nHost: ${host}\r\nCookie: ${s.cookie}\r\nX-CSRF-Token: ${s.csrf}\r\n` +
    `Content-Type: application/json\r\nContent-Length: ${name.length}\r\nConnection: close\r\n\r\n`;
  const reply = await rawRequest(Buffer.concat([Buffer.from(head), name]));
  assert.match(reply, /^HTTP\/1\.1 400/);
  assert.match(reply, /"malformed_json"/);
  const q = await rawRequest(Buffer.from(`GET /api/v1/people?q=%C3%28 HTTP/1.1\r\nHost: ${host}\r\nCookie: ${s.cookie}\r\nConnection: close\r\n\r\n`));
  assert.match(q, /^HTTP\/1\.1 400/);
  assert.match(q, /"field":"q"/);
});

test('downloads: a path parameter cannot climb out', async () => {
  const officer = await login('officer');
  for (const p of ['/api/v1/imports/rejects/..%2F..%2Fetc%2Fpasswd', '/api/v1/imports/rejects/1%00', '/api/v1/imports/rejects/-1']) {
    const res = await call('GET', p, { session: officer });
    assert.ok([400, 404].includes(res.status), `${p}: ${res.status}`);
    assert.doesNotMatch(res.text, /root:/);
  }
  // Someone else's rejected rows: tests/api/import.test.mjs.
});

test('each organisation role reads only its own organisation', async () => {
  const admin = await login('admin');
  const all = (await call('GET', '/api/v1/orgs?limit=200', { session: admin })).json.items;
  for (const role of ['merchant', 'clinic', 'unit', 'employer', 'station']) {
    const s = await login(role);
    const mine = s.user.org_id;
    assert.ok(mine, `${role} belongs to an organisation`);
    const list = await call('GET', '/api/v1/orgs?limit=200', { session: s });
    if (list.status === 200) {
      assert.deepEqual([...new Set(list.json.items.map((o) => o.id))], [mine], `${role} lists only its own`);
    } else {
      assert.equal(list.status, 403, `${role} list`);
    }
    assert.equal((await call('GET', `/api/v1/orgs/${mine}`, { session: s })).status, 200, `${role} own`);
    const other = all.find((o) => o.id !== mine);
    const res = await call('GET', `/api/v1/orgs/${other.id}`, { session: s });
    assert.equal(res.status, 404, `${role} reading organisation ${other.id}`);
    // Changing another organisation is refused as well, and changes nothing.
    const patch = await call('PATCH', `/api/v1/orgs/${other.id}`, { session: s, body: { address: 'hijacked' } });
    assert.ok([403, 404].includes(patch.status), `${role} patching another: ${patch.status}`);
  }
  const after = (await call('GET', '/api/v1/orgs?limit=200', { session: admin })).json.items;
  assert.ok(!after.some((o) => o.address === 'hijacked'));
});

test('a person reads only their own record and card', async () => {
  const s = await login('person');
  const me = s.user.person_id;
  assert.ok(me);
  assert.equal((await call('GET', `/api/v1/people/${me}`, { session: s })).status, 200);
  const admin = await login('admin');
  const others = (await call('GET', '/api/v1/people?limit=5', { session: admin })).json.items.filter((p) => p.id !== me);
  for (const p of others) {
    assert.equal((await call('GET', `/api/v1/people/${p.id}`, { session: s })).status, 404, `person ${p.id}`);
  }
  const cards = await call('GET', '/api/v1/cards?limit=200', { session: s });
  assert.equal(cards.status, 200);
  for (const c of cards.json.items) assert.equal(c.person_id, me);
});
