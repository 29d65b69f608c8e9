// The e-card routes over a socket: the category bits are public; a holder gets
// their card and a rotating code (JSON with the picture, or a PNG) only while
// the card is valid (409 naming the state otherwise, 409 not_eligible when the
// registry bars them, 404 with no card, 503 with no signing key here); staff
// print a card's static code (audited, scoped, only for a card that stands);
// merchants and clinics get the signed revocation list, which verifies with
// the published key and names no one.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, call, login, sql } from './lib.mjs';
import { holder, keyDir, rotateKey, steps } from './holder.mjs';
import { base64urlDecode, decodeCode, documentMessage } from '../../web/js/offline.js';

let h; // a holder with a valid card
let admin;

before(async () => {
  h = await holder('received');
  admin = h.admin;
});

test('the category bits are published without a login, with Chinese and English names', async () => {
  const res = await call('GET', '/api/v1/ecard/categories');
  assert.equal(res.status, 200);
  const byCode = Object.fromEntries(res.json.items.map((c) => [c.code, c]));
  assert.deepEqual([byCode.veteran.bit, byCode.veteran.mask, byCode.veteran.zh], [0, 1, '退役军人']);
  assert.equal(byCode.martyr_family.zh, '烈士遗属');
  assert.equal(byCode.martyr_family.en, "martyr's family");
  const bits = res.json.items.map((c) => c.bit);
  assert.equal(new Set(bits).size, bits.length, 'one bit per category');
});

test('a holder reads their own card and gets a rotating code signed with the current key', async () => {
  const card = await call('GET', '/api/v1/me/card', { session: h.session });
  assert.equal(card.status, 200, card.text);
  assert.equal(card.json.number, h.number);
  assert.equal(card.json.kind, 'veteran');
  assert.equal(card.json.state, 'received');
  assert.equal(card.json.valid, true);
  assert.deepEqual(card.json.categories.map((c) => c.code), ['veteran']);
  assert.equal(card.json.category_bits, 1);

  const keys = (await call('GET', '/api/v1/keys')).json;
  const res = await call('GET', '/api/v1/me/ecard', { session: h.session });
  assert.equal(res.status, 200, res.text);
  const e = res.json;
  assert.match(e.text, /^SY1:[0-9A-Z $%*+\-./:]+$/);
  assert.equal(e.card_number, h.number);
  assert.equal(e.key_id, keys.items[0].key_id);
  assert.equal(e.is_static, false);
  const issued = Date.parse(e.issued_at);
  const expires = Date.parse(e.expires_at);
  const refresh = Date.parse(e.refresh_at);
  assert.equal((expires - issued) / 1000, keys.code_ttl);
  assert.equal(e.ttl, keys.code_ttl);
  assert.ok(refresh > issued && refresh < expires, 'refresh before it expires');
  assert.ok(Math.abs(issued - Date.now()) < 60_000);
  assert.match(e.svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  // the payload says what the summary says
  const p = decodeCode(e.text);
  assert.equal(p.cardNumber, h.number);
  assert.equal(p.categories, 1);
  assert.equal(p.keyId, e.key_id);
  assert.equal(p.isStatic, false);

  const png = await fetch(`${process.env.SY_BASE_URL || 'http://127.0.0.1:8080'}/api/v1/me/ecard?format=png`, { headers: { Cookie: h.session.cookie } });
  assert.equal(png.status, 200);
  assert.equal(png.headers.get('content-type'), 'image/png');
  assert.equal(png.headers.get('cache-control'), 'no-store');
  const bytes = new Uint8Array(await png.arrayBuffer());
  assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const bad = await call('GET', '/api/v1/me/ecard?format=gif', { session: h.session });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.code, 'invalid_format');
  assert.equal(bad.json.error.field, 'format');
  // not audited: a phone asks every few minutes
  assert.equal(sql(`SELECT COUNT(*) FROM audit_log WHERE object_id = '${h.cardId}' AND action LIKE 'card.print%'`), '0');
});

test('a card that is not valid gets 409 naming its state; resumed, it shows again', async () => {
  await steps(admin, h.cardId, 'suspend');
  const card = await call('GET', '/api/v1/me/card', { session: h.session });
  assert.equal(card.status, 200);
  assert.equal(card.json.state, 'suspended');
  assert.equal(card.json.valid, false);
  const res = await call('GET', '/api/v1/me/ecard', { session: h.session });
  assert.equal(res.status, 409);
  assert.equal(res.json.error.code, 'card_is_suspended');
  assert.match(res.json.error.message, /已暂停使用/);
  const en = await call('GET', '/api/v1/me/ecard', { session: h.session, headers: { 'Accept-Language': 'en' } });
  assert.match(en.json.error.message, /suspended/);
  await steps(admin, h.cardId, 'resume');
  assert.equal((await call('GET', '/api/v1/me/ecard', { session: h.session })).status, 200);
});

test('a card not yet received, no card at all, and a barred holder', async () => {
  const applied = await holder('applied');
  const a = await call('GET', '/api/v1/me/ecard', { session: applied.session });
  assert.equal(a.status, 409);
  assert.equal(a.json.error.code, 'card_is_applied');
  const none = await holder(null);
  for (const p of ['/api/v1/me/card', '/api/v1/me/ecard']) {
    const r = await call('GET', p, { session: none.session });
    assert.equal(r.status, 404, p);
    assert.equal(r.json.error.code, 'no_card');
  }
  // the registry now bars the holder: no code, and the card is on the revocation list
  const barred = await holder('received');
  const s = await call('POST', `/api/v1/people/${barred.personId}/status`, {
    session: admin, body: { status: 'in_custody', since: '2026-01-02', reason: '测试' },
  });
  assert.equal(s.status, 200, s.text);
  const b = await call('GET', '/api/v1/me/ecard', { session: barred.session });
  assert.equal(b.status, 409);
  assert.equal(b.json.error.code, 'not_eligible');
  const card = (await call('GET', '/api/v1/me/card', { session: barred.session })).json;
  assert.equal(card.holder_eligible, false);
  assert.equal(card.valid, false);
  const list = (await call('GET', '/api/v1/cards/revocations', { session: await login('merchant') })).json;
  assert.ok(list.body.includes(`\n${barred.number} not_eligible\n`));
  assert.ok(!list.body.includes('in_custody'), 'the barring reason is not disclosed');
});

test('staff print a card\'s static code: scoped, only for a standing card, audited', async () => {
  const officer = await login('officer');
  const before = Number(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'card.print_code'"));
  const svg = await call('GET', `/api/v1/cards/${h.cardId}/printed-code`, { session: officer });
  assert.equal(svg.status, 200, svg.text);
  assert.equal(svg.headers.get('content-type'), 'image/svg+xml');
  assert.match(svg.text, /^<svg/);
  const png = await fetch(`${process.env.SY_BASE_URL || 'http://127.0.0.1:8080'}/api/v1/cards/${h.cardId}/printed-code?format=png&scale=4`, { headers: { Cookie: officer.cookie } });
  assert.equal(png.status, 200);
  assert.equal(png.headers.get('content-type'), 'image/png');
  const json = await call('GET', `/api/v1/cards/${h.cardId}/printed-code?format=json`, { session: officer });
  assert.equal(json.status, 200);
  assert.equal(json.json.is_static, true);
  assert.equal(json.json.refresh_at, null);
  const p = decodeCode(json.json.text);
  assert.equal(p.isStatic, true);
  assert.equal(p.cardNumber, h.number);
  assert.ok(p.expiresAt - p.issuedAt > 86400 * 30, 'a printed code lives for years, not minutes');
  const after = Number(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'card.print_code'"));
  assert.equal(after, before + 3);
  const row = sql(`SELECT actor, object_id FROM audit_log WHERE action = 'card.print_code' ORDER BY id DESC LIMIT 1`);
  assert.equal(row, `officer.xinhua|${h.cardId}`);

  for (const [q, field] of [['format=gif', 'format'], ['format=png&scale=99', 'scale']]) {
    const r = await call('GET', `/api/v1/cards/${h.cardId}/printed-code?${q}`, { session: officer });
    assert.equal(r.status, 400, q);
    assert.equal(r.json.error.field, field);
  }
  // a card still being applied for has no number to print
  const applied = await holder('applied');
  const a = await call('GET', `/api/v1/cards/${applied.cardId}/printed-code`, { session: officer });
  assert.equal(a.status, 409);
  assert.equal(a.json.error.code, 'card_is_applied');
  // a card outside the officer's region is as if absent
  const other = sql("SELECT c.id FROM cards c JOIN people p ON p.id = c.person_id WHERE c.region_code NOT LIKE '130902%' AND p.region_code NOT LIKE '130902%' AND c.number IS NOT NULL LIMIT 1");
  const o = await call('GET', `/api/v1/cards/${other}/printed-code`, { session: officer });
  assert.equal(o.status, 404);
  assert.equal(o.json.error.code, 'card_not_found');
  const none = await call('GET', '/api/v1/cards/99999999/printed-code', { session: admin });
  assert.equal(none.status, 404);
  assert.equal(Number(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'card.print_code'")), after, 'refusals print nothing');
  // the holder's person role may not print
  assert.equal((await call('GET', `/api/v1/cards/${h.cardId}/printed-code`, { session: h.session })).status, 403);
});

test('the revocation list: signed under SY-REVOKE with the published key, lost cards on it, no names', async () => {
  const lost = await holder('received');
  await steps(admin, lost.cardId, 'report-loss');
  const merchant = await login('merchant');
  const res = await call('GET', '/api/v1/cards/revocations', { session: merchant });
  assert.equal(res.status, 200, res.text);
  const { context, key_id: kid, signature, body } = res.json;
  assert.equal(context, 'SY-REVOKE');
  const lines = body.split('\n');
  assert.equal(lines[0], 'SY-REVOKE 1');
  assert.equal(lines[1], `key_id ${kid}`);
  assert.match(lines[2], /^generation \d+$/);
  assert.match(lines[3], /^issued_at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.match(lines[4], /^next_update \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  const count = Number(lines[5].split(' ')[1]);
  const entries = lines.slice(6, -1);
  assert.equal(entries.length, count);
  assert.deepEqual(entries, [...entries].sort(), 'sorted by number');
  for (const e of entries) assert.match(e, /^\S+ (lost|suspended|revoked|replaced|returned|not_eligible)$/);
  assert.ok(entries.includes(`${lost.number} lost`));
  assert.ok(!entries.some((e) => e.startsWith(`${h.number} `)), 'a valid card is not listed');
  assert.ok(!body.includes('电子证测试'), 'no holder names');

  // verifiable with nothing but the published keys
  const keys = (await call('GET', '/api/v1/keys')).json.items;
  const k = keys.find((x) => x.key_id === kid);
  assert.ok(k, 'signed by a published key');
  const pub = await crypto.subtle.importKey('raw', base64urlDecode(k.public_key), { name: 'Ed25519' }, false, ['verify']);
  const sig = base64urlDecode(signature);
  assert.equal(await crypto.subtle.verify({ name: 'Ed25519' }, pub, sig, documentMessage('SY-REVOKE', body)), true);
  assert.equal(await crypto.subtle.verify({ name: 'Ed25519' }, pub, sig, documentMessage('SY-ECARD', body)), false);
  assert.equal(await crypto.subtle.verify({ name: 'Ed25519' }, pub, sig, documentMessage('SY-REVOKE', body.replace(' lost\n', ' lust\n'))), false);

  // a clinic reads it too; a holder, an officer and no login do not
  assert.equal((await call('GET', '/api/v1/cards/revocations', { session: await login('clinic') })).status, 200);
  assert.equal((await call('GET', '/api/v1/cards/revocations', { session: h.session })).status, 403);
  assert.equal((await call('GET', '/api/v1/cards/revocations', { session: await login('officer') })).status, 403);
  assert.equal((await call('GET', '/api/v1/cards/revocations')).status, 401);
});

test('without the current key\'s file on this server: 503 no_signing_key, then fine once it is back', async () => {
  const kid = rotateKey(BIN);
  const file = path.join(keyDir(), `${kid}.key`);
  const aside = `${file}.aside`;
  fs.renameSync(file, aside);
  try {
    const merchant = await login('merchant');
    for (const [p, s] of [['/api/v1/me/ecard', h.session], ['/api/v1/cards/revocations', merchant], [`/api/v1/cards/${h.cardId}/printed-code`, admin]]) {
      const r = await call('GET', p, { session: s });
      assert.equal(r.status, 503, `${p}: ${r.text}`);
      assert.equal(r.json.error.code, 'no_signing_key');
    }
  } finally {
    fs.renameSync(aside, file);
  }
  const ok = await call('GET', '/api/v1/me/ecard', { session: h.session });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.key_id, kid);
});
