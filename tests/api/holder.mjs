// Shared by the e-card socket tests: a card holder of their own (a veteran of
// 新华区 with a received card and a `person` login), so a test may suspend,
// lose or revoke the card without touching the demo person's.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { BASE, DB, call, login, makeIdNumber, uniq } from './lib.mjs';

export async function loginAs(username, password) {
  const res = await fetch(BASE + '/api/v1/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const json = await res.json();
  return { cookie: res.headers.get('set-cookie').split(';')[0], csrf: json.csrf_token, user: json.user };
}

/** Take card steps as admin, in order. */
export async function steps(admin, cardId, ...actions) {
  for (const a of actions) {
    const reason = ['suspend', 'revoke', 'reissue', 'refuse', 'return'].includes(a) ? '测试' : undefined;
    const r = await call('POST', `/api/v1/cards/${cardId}/${a}`, { session: admin, body: reason ? { reason } : {} });
    assert.ok(r.status === 200 || r.status === 201, `${a}: ${r.status} ${r.text}`);
  }
}

/**
 * A new person (veteran of 新华区) with a login; withCard: 'received' (a valid card),
 * 'applied', or null (none). Returns {admin, session, username, password, personId, cardId, number}.
 */
export async function holder(withCard = 'received') {
  const admin = await login('admin');
  const p = await call('POST', '/api/v1/people', {
    session: admin, body: { id_number: makeIdNumber('130902'), name: '电子证测试', region_code: '130902' },
  });
  assert.equal(p.status, 201, p.text);
  const c = await call('POST', `/api/v1/people/${p.json.id}/categories`, { session: admin, body: { category: 'veteran' } });
  assert.equal(c.status, 201, c.text);
  let cardId = null;
  let number = null;
  if (withCard) {
    const a = await call('POST', '/api/v1/cards', { session: admin, body: { person_id: p.json.id } });
    assert.equal(a.status, 201, a.text);
    cardId = a.json.id;
    if (withCard === 'received') await steps(admin, cardId, 'review', 'approve', 'make', 'hand-out', 'receive');
    number = (await call('GET', `/api/v1/cards/${cardId}`, { session: admin })).json.number;
  }
  const username = `holder.${uniq()}`;
  const u = await call('POST', '/api/v1/users', {
    session: admin,
    body: { username, display_name: '持证人', password: 'holder-password-1', role: 'person', person_id: p.json.id, region_code: '130902' },
  });
  assert.equal(u.status, 201, u.text);
  const password = 'holder-password-1';
  return { admin, session: await loginAs(username, password), username, password, personId: p.json.id, cardId, number };
}

// The key directory, as keys_configure derives it from the database URL.
export function keyDir() {
  if (DB.startsWith('postgres')) return path.resolve('data/keys');
  return path.join(path.dirname(DB.replace(/^sqlite:/, '')), 'keys');
}

export function rotateKey(bin) {
  const out = execFileSync(bin, ['key', 'rotate', '--db', DB], { encoding: 'utf8' });
  return out.match(/new current key ([0-9a-f]{8})/)[1];
}
