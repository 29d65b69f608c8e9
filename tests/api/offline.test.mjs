// The offline verifier (web/js/offline.js) in Node, against codes this server
// signs: after one sync it answers ok for a holder's code and check_id for a
// printed one with no further call; a code past its life is code_expired, one
// from the future not_yet_valid; a changed byte is bad_signature; a code
// signed by a key never published is unknown_key; a card lost after a code
// was shown is refused once the list syncs again; a forged, re-contexted or
// replayed older list is refused and the one held is kept; a revoked key's
// codes are refused after the next sync.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { BIN, DB, call, login, sql } from './lib.mjs';
import { holder, rotateKey, steps } from './holder.mjs';
import { STORE_KEY, decodeCode, loadState, sync, verifyCode } from '../../web/js/offline.js';

// localStorage's interface over a Map.
function memoryStore() {
  const m = new Map();
  return { getItem: (k) => (m.has(k) ? m.get(k) : null), setItem: (k, v) => m.set(k, String(v)), removeItem: (k) => m.delete(k) };
}

let merchant;
let h;
let calls = 0;
const fetchJson = async (path) => {
  calls++;
  const r = await call('GET', path, { session: merchant });
  if (r.status !== 200) throw new Error(`${path}: ${r.status}`);
  return r.json;
};
const now = () => Math.floor(Date.now() / 1000);

before(async () => {
  merchant = await login('merchant');
  h = await holder('received');
});

const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
function base45Encode(bytes) {
  let s = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const v = bytes[i] * 256 + bytes[i + 1];
    s += B45[v % 45] + B45[Math.floor(v / 45) % 45] + B45[Math.floor(v / 2025)];
  }
  if (bytes.length % 2) {
    const v = bytes.at(-1);
    s += B45[v % 45] + B45[Math.floor(v / 45)];
  }
  return s;
}

// A code with the layout of src/lib/ecard.h, signed by a key of our own.
async function forge({ keyId, card, issued, expires, flags = 0, categories = 1 }) {
  const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, true, ['sign', 'verify']);
  const cardBytes = new TextEncoder().encode(card);
  const body = new Uint8Array(19 + cardBytes.length);
  const dv = new DataView(body.buffer);
  body[0] = 1;
  body[1] = flags;
  dv.setUint32(2, parseInt(keyId, 16));
  dv.setUint32(6, categories);
  dv.setUint32(10, issued);
  dv.setUint32(14, expires);
  body[18] = cardBytes.length;
  body.set(cardBytes, 19);
  const msg = new Uint8Array(8 + body.length);
  msg.set(new TextEncoder().encode('SY-ECARD'));
  msg.set(body, 8);
  const sig = new Uint8Array(await crypto.subtle.sign({ name: 'Ed25519' }, pair.privateKey, msg));
  const all = new Uint8Array(body.length + 64);
  all.set(body);
  all.set(sig, body.length);
  return `SY1:${base45Encode(all)}`;
}

// The text with one payload byte changed, re-encoded (so it still decodes).
function tamper(text, offset) {
  const B = text.slice(4);
  const bytes = [];
  for (let i = 0; i < B.length; i += 3) {
    const n = Math.min(3, B.length - i);
    const d = [...B.slice(i, i + n)].map((c) => B45.indexOf(c));
    const v = d[0] + d[1] * 45 + (n === 3 ? d[2] * 2025 : 0);
    if (n === 3) bytes.push(v >> 8, v & 0xff);
    else bytes.push(v);
  }
  bytes[offset] ^= 0x01;
  return `SY1:${base45Encode(Uint8Array.from(bytes))}`;
}

test('after one sync a holder\'s code is ok and a printed code is check_id, with no call to the server', async () => {
  const store = memoryStore();
  const state = await sync(fetchJson, store);
  assert.ok(state, 'synced');
  assert.ok(store.getItem(STORE_KEY).includes('"synced_at"'));
  const code = (await call('GET', '/api/v1/me/ecard', { session: h.session })).json.text;
  const printed = (await call('GET', `/api/v1/cards/${h.cardId}/printed-code?format=json`, { session: h.admin })).json.text;
  const before = calls;
  const held = await loadState(store); // what the page does after a reload, offline
  const r = await verifyCode(code, held);
  assert.equal(r.result, 'ok', JSON.stringify(r));
  assert.equal(r.valid, true);
  assert.equal(r.card_number, h.number);
  assert.deepEqual(r.categories.map((c) => [c.code, c.zh]), [['veteran', '退役军人']]);
  assert.equal(r.list_stale, false);
  assert.ok(r.list_age >= 0 && r.list_age < 120);
  const p = await verifyCode(printed, held);
  assert.equal(p.result, 'check_id');
  assert.equal(p.valid, true);
  assert.match(p.zh, /身份证/);
  assert.equal(calls, before, 'verification made no request');
});

test('times: a code past its life is code_expired, one from the future not_yet_valid', async () => {
  const state = await sync(fetchJson, memoryStore());
  const e = (await call('GET', '/api/v1/me/ecard', { session: h.session })).json;
  const exp = Date.parse(e.expires_at) / 1000;
  const iss = Date.parse(e.issued_at) / 1000;
  assert.equal((await verifyCode(e.text, state, exp - 1)).result, 'ok');
  assert.equal((await verifyCode(e.text, state, exp)).result, 'code_expired');
  const skew = state.clockSkew;
  assert.ok(skew > 0);
  assert.equal((await verifyCode(e.text, state, iss - skew)).result, 'ok', 'within the clock skew');
  assert.equal((await verifyCode(e.text, state, iss - skew - 1)).result, 'not_yet_valid');
  // a stale list is shown as stale, but still used
  const late = await verifyCode(e.text, state, state.list.nextUpdate + 1);
  assert.equal(late.list_stale, true);
});

test('a changed byte, a key never published, a forged signature and garbage are refused', async () => {
  const state = await sync(fetchJson, memoryStore());
  const e = (await call('GET', '/api/v1/me/ecard', { session: h.session })).json;
  // card number byte, categories byte, expiry byte, signature byte
  for (const off of [19, 9, 17, 19 + h.number.length + 5]) {
    assert.equal((await verifyCode(tamper(e.text, off), state)).result, 'bad_signature', `byte ${off}`);
  }
  const t = now();
  const unknown = await forge({ keyId: '00c0ffee', card: h.number, issued: t, expires: t + 300 });
  assert.equal((await verifyCode(unknown, state)).result, 'unknown_key');
  const forged = await forge({ keyId: e.key_id, card: h.number, issued: t, expires: t + 300 });
  assert.equal((await verifyCode(forged, state)).result, 'bad_signature');
  assert.equal((await verifyCode('hello', state)).result, 'bad_format');
  assert.equal((await verifyCode('SY1:', state)).result, 'bad_format');
  assert.equal((await verifyCode(`${e.text}A`, state)).result, 'bad_format');
  assert.equal((await verifyCode(e.text.replace('SY1:', 'SY2:'), state)).result, 'bad_format');
  assert.equal(decodeCode(e.text).cardNumber, h.number);
  assert.equal((await verifyCode(e.text, null)).result, 'not_synced');
});

test('a card lost after its code was shown is refused offline once the list syncs again', async () => {
  const lost = await holder('received');
  const store = memoryStore();
  await sync(fetchJson, store);
  const code = (await call('GET', '/api/v1/me/ecard', { session: lost.session })).json.text;
  assert.equal((await verifyCode(code, await loadState(store))).result, 'ok');
  await steps(lost.admin, lost.cardId, 'report-loss');
  const state = await sync(fetchJson, store);
  const r = await verifyCode(code, state);
  assert.equal(r.result, 'lost');
  assert.equal(r.valid, false);
  assert.match(r.zh, /挂失/);
  // and revoked
  const rev = await holder('received');
  const code2 = (await call('GET', '/api/v1/me/ecard', { session: rev.session })).json.text;
  await steps(rev.admin, rev.cardId, 'revoke');
  assert.equal((await verifyCode(code2, await sync(fetchJson, store))).result, 'revoked');
});

test('a forged, re-contexted, unknown-key or older list is refused and the list held is kept', async () => {
  const store = memoryStore();
  await sync(fetchJson, store);
  const held = store.getItem(STORE_KEY);
  const real = await fetchJson('/api/v1/cards/revocations');
  const withList = (doc) => async (path) => (path === '/api/v1/cards/revocations' ? doc : fetchJson(path));
  // a line removed (a lost card brought back), count fixed: the signature no longer matches
  const lines = real.body.split('\n');
  const cut = lines.slice(0, 6).concat(lines.slice(7));
  cut[5] = `count ${Number(lines[5].split(' ')[1]) - 1}`;
  const forged = [
    { ...real, body: cut.join('\n') },
    { ...real, context: 'SY-ECARD' },
    { ...real, key_id: '00c0ffee', body: real.body.replace(/key_id \S+/, 'key_id 00c0ffee') },
    { ...real, signature: real.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) },
  ];
  for (const doc of forged) {
    await assert.rejects(sync(withList(doc), store), (e) => e.code === 'bad_list');
    assert.equal(store.getItem(STORE_KEY), held, 'the list held is kept');
  }
  // replaying the list held after a newer one was synced: refused as older
  const old = JSON.parse(held).revocations;
  await steps(h.admin, (await holder('received')).cardId, 'suspend'); // a change: a newer generation
  await new Promise((r) => setTimeout(r, 1100)); // a later issued_at
  await sync(fetchJson, store);
  const newer = store.getItem(STORE_KEY);
  await assert.rejects(sync(withList(old), store), (e) => e.code === 'old_list');
  assert.equal(store.getItem(STORE_KEY), newer);
  // what is stored is checked again when loaded: a changed byte in storage loads nothing
  const tampered = JSON.parse(newer);
  tampered.revocations.body = tampered.revocations.body.replace(/ suspended\n/, ' suspendeD\n');
  store.setItem(STORE_KEY, JSON.stringify(tampered));
  assert.equal(await loadState(store), null);
});

test('a revoked (compromised) key: its codes are refused offline after the next sync; the current key cannot be revoked', async () => {
  const store = memoryStore();
  const code = (await call('GET', '/api/v1/me/ecard', { session: h.session })).json.text;
  const oldKid = decodeCode(code).keyId;
  const fresh = rotateKey(BIN);
  assert.equal((await verifyCode(code, await sync(fetchJson, store))).result, 'ok', 'a rotated-out key still verifies');
  // the current key: refused, rotate first
  assert.throws(() => execFileSync(BIN, ['key', 'revoke', fresh, '--db', DB], { encoding: 'utf8', stdio: 'pipe' }),
    (e) => e.status === 1 && /key_is_current/.test(e.stderr));
  const out = execFileSync(BIN, ['key', 'revoke', oldKid, '--db', DB], { encoding: 'utf8' });
  assert.match(out, new RegExp(`revoked key ${oldKid}`));
  const keys = (await call('GET', '/api/v1/keys')).json.items.map((k) => k.key_id);
  assert.ok(!keys.includes(oldKid), 'no longer published');
  assert.equal((await verifyCode(code, await sync(fetchJson, store))).result, 'unknown_key');
  assert.ok(Number(sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'key.revoke' AND object_id = '${oldKid}'`)) === 1);
  // codes signed now, by the current key, are fine
  const now2 = (await call('GET', '/api/v1/me/ecard', { session: h.session })).json.text;
  assert.equal((await verifyCode(now2, await loadState(store))).result, 'ok');
});
