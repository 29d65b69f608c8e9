// Killing the server with SIGKILL mid-stream loses no acknowledged write and
// leaves the database consistent; the audit chain still verifies; an import
// killed mid-way is all there or not there at all. And
// `shuangyong audit verify` names a row changed by hand.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { BIN, BACKEND, DB, sql, makeIdNumber } from './lib.mjs';

const WORK = process.env.SY_WORK || fs.mkdtempSync('/tmp/sy-dur-');

// A server on port, its output kept in WORK for the message when it does not come up.
function serve(url, port, env) {
  const log = path.join(WORK, `serve-${port}-${Date.now()}.log`);
  const fd = fs.openSync(log, 'w');
  const proc = spawn(BIN, ['serve', '--db', url, '--listen', `127.0.0.1:${port}`, '--access-log', 'off'], { env, stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  proc.log = log;
  return proc;
}

// Up to 60 s: a restart recovers the write-ahead log of the killed server first, which under
// the sanitizers and a loaded machine can take a while.
async function waitHealthy(base, proc) {
  for (let i = 0; i < 600; i++) {
    if (proc && proc.exitCode !== null) break;
    try { if ((await fetch(base + '/healthz')).ok) return; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  const why = proc ? `exit ${proc.exitCode}: ${fs.readFileSync(proc.log, 'utf8').slice(-2000)}` : '';
  throw new Error(`server did not start ${why}`);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
    s.on('error', reject);
  });
}

async function loginAt(base, username = 'admin', password = 'admin-demo-2026') {
  const res = await fetch(base + '/api/v1/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const j = await res.json();
  return { cookie: res.headers.get('set-cookie').split(';')[0], csrf: j.csrf_token };
}

if (BACKEND === 'sqlite') {
  const q = (file, sqlText) => execFileSync('sqlite3', [file, sqlText], { encoding: 'utf8' }).trim();

  // Four writers send `write` until the server is killed; after a restart every acknowledged
  // write is there, the file passes its integrity check, every row has its audit row (nothing
  // half-written: `orphans` counts rows without one) and the audit chain verifies.
  async function killDuringStream(name, { setup, write, stored, orphans, people = 50 }) {
    const file = path.join(WORK, `kill-${name}.db`);
    const url = `sqlite:${file}`;
    execFileSync(BIN, ['init', '--db', url]);
    execFileSync(BIN, ['demo', '--db', url, '--people', String(people)]);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' }; // it dies by SIGKILL
    const srv = serve(url, port, env);
    await waitHealthy(base, srv);
    const ctx = await setup(base, file);
    const acked = [];
    let stop = false;
    const writer = async (w) => {
      for (let i = 0; !stop; i++) {
        try {
          const key = await write(base, ctx, w, i);
          if (key !== null) acked.push(String(key));
        } catch { return; } // the connection died with the server
      }
    };
    const writers = [0, 1, 2, 3].map(writer);
    await new Promise((r) => setTimeout(r, 1500));
    srv.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    await new Promise((r) => srv.exitCode !== null || srv.signalCode ? r() : srv.on('exit', r));
    assert.ok(acked.length > 10, `only ${acked.length} writes were acknowledged`);
    // Restart on the same file, as an operator would: recovery happens on open.
    const srv2 = serve(url, port, env);
    await waitHealthy(base, srv2);
    srv2.kill('SIGTERM');
    await new Promise((r) => srv2.on('exit', r));
    const have = new Set(q(file, stored).split('\n'));
    assert.deepEqual(acked.filter((k) => !have.has(k)), [], 'acknowledged writes lost');
    assert.equal(q(file, 'PRAGMA integrity_check'), 'ok');
    assert.equal(q(file, typeof orphans === 'function' ? orphans(ctx) : orphans), '0', 'rows without their audit row');
    const v = spawnSync(BIN, ['audit', 'verify', '--db', url], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stdout + v.stderr);
  }

  const post = (base, session, p, body) => fetch(base + p, {
    method: 'POST', body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json', Cookie: session.cookie, 'X-CSRF-Token': session.csrf },
  });

  test('SIGKILL during a stream of writes loses no acknowledged write', () => killDuringStream('tokens', {
    setup: (base) => loginAt(base),
    // An API token: one row and one audit row.
    write: async (base, s, w, i) => {
      const res = await post(base, s, '/api/v1/tokens', { name: `kill-${w}-${i}`, role: 'auditor', region_code: '130902' });
      return res.status === 201 ? (await res.json()).token.name : null;
    },
    stored: "SELECT name FROM api_tokens WHERE name LIKE 'kill-%'",
    orphans: "SELECT COUNT(*) FROM api_tokens t WHERE NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.action = 'token.create' AND a.object_id = CAST(t.id AS TEXT))",
  }));

  test('SIGKILL during a stream of services loses no acknowledged ledger row', () => killDuringStream('ledger', {
    // The merchant's own unlimited offer, and a card in hand whose holder may use it.
    setup: async (base, file) => {
      const s = await loginAt(base, 'merchant', 'merchant-demo-2026');
      const o = await post(base, s, '/api/v1/offers', { title: '断电测试', benefit_kind: 'free', categories: [], usage_rule: 'unlimited' });
      assert.equal(o.status, 201);
      const card = q(file, "SELECT c.number FROM cards c JOIN people p ON p.id = c.person_id WHERE c.state = 'received' AND p.status = 'normal' ORDER BY c.id LIMIT 1");
      assert.ok(card, 'the demo has a card in hand');
      return { s, offer: (await o.json()).id, card };
    },
    write: async (base, ctx) => {
      const res = await post(base, ctx.s, '/api/v1/services', { card_number: ctx.card, offer_id: ctx.offer, amount_saved: 5 });
      return res.status === 201 ? (await res.json()).id : null;
    },
    stored: 'SELECT id FROM ledger',
    // The demo's year of services is loaded without audit rows; these are the test's own.
    orphans: (ctx) => `SELECT COUNT(*) FROM ledger l WHERE l.offer_id = ${ctx.offer} AND NOT EXISTS (SELECT 1 FROM audit_log a` +
      " WHERE a.action = 'service.record' AND a.object_id = CAST(l.id AS TEXT))",
  }));

  test('SIGKILL during a live placement session loses no recorded choice', () => killDuringStream('placement', {
    people: 150, // from 100 people on, the demo has a published batch in 新华区
    setup: async (base, file) => {
      const s = await loginAt(base);
      const id = q(file, "SELECT id FROM placement_batches WHERE status = 'published' AND mode = 'live' ORDER BY id LIMIT 1");
      assert.ok(id, 'the demo has a published live batch');
      const started = await post(base, s, `/api/v1/placement/batches/${id}/session/start`, {});
      assert.ok([200, 201].includes(started.status), await started.text());
      return { s, id };
    },
    // Whoever's turn it is declines; four officers at once, so most get 409 for a turn just taken.
    write: async (base, ctx) => {
      const res = await post(base, ctx.s, `/api/v1/placement/batches/${ctx.id}/session/steps`, { choice: 'none' });
      if (res.status === 409) {
        const code = (await res.json()).error.code;
        assert.ok(['step_taken', 'not_their_turn', 'session_over'].includes(code), code);
        if (code === 'session_over') await new Promise((r) => setTimeout(r, 50));
        return null;
      }
      assert.ok([200, 201].includes(res.status), `a step: ${res.status}`);
      return (await res.json()).confirmation.seq;
    },
    stored: 'SELECT seq FROM placement_steps',
    orphans: (ctx) => `SELECT COUNT(*) FROM placement_steps p WHERE p.batch_id = ${ctx.id} AND (SELECT COUNT(*) FROM audit_log a` +
      ` WHERE a.action = 'placement.step') < (SELECT COUNT(*) FROM placement_steps WHERE batch_id = ${ctx.id})`,
  }));
}

if (BACKEND === 'sqlite') {
  test('SIGKILL during an import leaves all of it or none of it', async () => {
    const file = path.join(WORK, 'kill-import.db');
    const url = `sqlite:${file}`;
    execFileSync(BIN, ['init', '--db', url]);
    execFileSync(BIN, ['demo', '--db', url, '--people', '20']);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const env = { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' };
    const srv = serve(url, port, env);
    await waitHealthy(base, srv);
    const s = await loginAt(base);
    const count = () => Number(execFileSync('sqlite3', [file, "SELECT COUNT(*) FROM people WHERE region_code = '130981'"], { encoding: 'utf8' }).trim());
    const before = count();
    // 20,000 new people in 泊头市 (130981).
    const seen = new Set();
    const rows = ['身份证号,姓名,电话,居住地区代码,居住地址'];
    while (seen.size < 20000) {
      const id = makeIdNumber('130981');
      if (seen.has(id)) continue;
      seen.add(id);
      rows.push(`${id},测试${seen.size},,130981,泊头市测试路${seen.size}号`);
    }
    const upload = fetch(base + '/api/v1/imports/people?commit=1', {
      method: 'POST', body: rows.join('\r\n'),
      headers: { Cookie: s.cookie, 'X-CSRF-Token': s.csrf, 'Content-Type': 'text/csv' },
    }).then((r) => r.status, () => 'killed');
    // Kill it while the import runs: under the sanitizers the whole import takes about 3 s,
    // checking first and writing after, so 1.2 s in it is usually writing. Whenever the kill
    // lands, the property is the same: all 20,000 rows or none.
    await new Promise((r) => setTimeout(r, 1200));
    srv.kill('SIGKILL');
    const status = await upload;
    await new Promise((r) => srv.exitCode !== null || srv.signalCode ? r() : srv.on('exit', r));
    const srv2 = serve(url, port, env);
    await waitHealthy(base, srv2);
    srv2.kill('SIGTERM');
    await new Promise((r) => srv2.on('exit', r));
    const n = count() - before;
    assert.ok(n === 0 || n === 20000, `an import killed mid-way left ${n} of 20,000 rows`);
    if (status === 200) assert.equal(n, 20000, 'an acknowledged import is whole');
    assert.equal(execFileSync('sqlite3', [file, 'PRAGMA integrity_check'], { encoding: 'utf8' }).trim(), 'ok');
    const v = spawnSync(BIN, ['audit', 'verify', '--db', url], { encoding: 'utf8' });
    assert.equal(v.status, 0, v.stdout + v.stderr);
  });
}

test('audit verify passes on a clean log and names a row changed by hand', () => {
  const ok = spawnSync(BIN, ['audit', 'verify', '--db', DB], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /audit chain OK: \d+ rows/);
  const id = sql('SELECT MIN(id) + 3 FROM audit_log');
  const old = sql(`SELECT actor FROM audit_log WHERE id = ${id}`);
  sql(`UPDATE audit_log SET actor = 'mallory' WHERE id = ${id}`);
  try {
    const bad = spawnSync(BIN, ['audit', 'verify', '--db', DB], { encoding: 'utf8' });
    assert.equal(bad.status, 1);
    assert.match(bad.stdout, new RegExp(`BROKEN at row ${id}:`));
  } finally {
    sql(`UPDATE audit_log SET actor = '${old.replaceAll("'", "''")}' WHERE id = ${id}`);
  }
  assert.equal(spawnSync(BIN, ['audit', 'verify', '--db', DB]).status, 0);
});
