// Online verification at the counter: a typed number (its check character
// first) or a scanned code (its signature and times first), then the card
// and its holder read now. Every reason a card is refused; the answer shows
// a masked name and never the 身份证号 or the address; the roles that may ask.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { call, login, sql } from './lib.mjs';
import { cardIn, signCode, step, withCheck } from './cardlib.mjs';

let admin, merchant, clinic, officer, person, good;

before(async () => {
  admin = await login('admin');
  merchant = await login('merchant');
  clinic = await login('clinic');
  officer = await login('officer');
  person = await login('person');
  good = await cardIn(admin);
});

const verify = (no, session = merchant, q = '') => call('GET', `/api/v1/cards/${no}/verify${q}`, { session });
const scan = (code, session = merchant, extra = {}) =>
  call('POST', '/api/v1/cards/verify', { session, body: { code, ...extra } });

function refused(res, reason) {
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.valid, false, res.text);
  assert.equal(res.json.reason, reason, res.text);
  assert.ok(res.json.message, 'says why');
}

test('a received card is valid; the answer shows the kind and a masked name, nothing more', async () => {
  const res = await verify(good.number);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.valid, true);
  assert.equal(res.json.reason, null);
  assert.equal(res.json.kind, 'veteran');
  assert.equal(res.json.card_number, good.number);
  const full = good.name;
  assert.notEqual(res.json.name, full);
  assert.equal(res.json.name[0], full[0]);
  assert.match(res.json.name, /\*/);
  for (const k of ['id_number', 'address', 'phone', 'person_id', 'birth_date']) assert.ok(!(k in res.json), k);
  assert.ok(!res.text.includes(full), 'the full name is not in the answer');
  // the clinic and the admin may ask too
  assert.equal((await verify(good.number, clinic)).json.valid, true);
  assert.equal((await verify(good.number, admin)).json.valid, true);
});

test('a typo in the number is caught by its check character before any lookup', async () => {
  const wrong = good.number.slice(0, 13) + (good.number[13] === '0' ? '1' : '0');
  const res = await verify(wrong);
  refused(res, 'bad_check_character');
  assert.ok(!('name' in res.json), 'nothing read about any card');
  // a swap of two neighbouring digits too
  const d = good.number.split('');
  const i = d.findIndex((c, k) => k < 12 && c !== d[k + 1]);
  [d[i], d[i + 1]] = [d[i + 1], d[i]];
  refused(await verify(d.join('')), 'bad_check_character');
});

test('something that is not a card number at all is 400 naming the field', async () => {
  for (const bad of ['12345', '1309020000001A', '130902000000%20']) {
    const res = await verify(bad);
    assert.equal(res.status, 400, `${bad}: ${res.text}`);
    assert.equal(res.json.error.code, 'invalid_card_number');
    assert.equal(res.json.error.field, 'number');
  }
});

test('a well-formed number no card has is unknown_card', async () => {
  refused(await verify(withCheck('1309029999998')), 'unknown_card');
});

test('each state of a card but received is refused with its reason', async () => {
  const made = await cardIn(admin, 'made');
  refused(await verify(made.number), 'not_issued');
  const at = await cardIn(admin, 'handed_out');
  refused(await verify(at.number), 'not_issued');

  const s = await cardIn(admin);
  assert.equal((await step(admin, s.id, 'suspend', { reason: '核查中' })).status, 200);
  refused(await verify(s.number), 'suspended');
  assert.equal((await step(admin, s.id, 'resume')).status, 200);
  assert.equal((await verify(s.number)).json.valid, true, 'valid again once resumed');

  const l = await cardIn(admin);
  assert.equal((await step(admin, l.id, 'report-loss')).status, 200);
  refused(await verify(l.number), 'lost');

  const r = await cardIn(admin);
  assert.equal((await step(admin, r.id, 'revoke', { reason: '本人申请注销' })).status, 200);
  refused(await verify(r.number), 'revoked');

  const old = await cardIn(admin);
  const re = await step(admin, old.id, 'reissue', { reason: '证件损坏' });
  assert.equal(re.status, 201, re.text);
  refused(await verify(old.number), 'replaced');
});

test('a barring status recorded after the card was issued makes it invalid at once', async () => {
  const c = await cardIn(admin);
  assert.equal((await verify(c.number)).json.valid, true);
  const st = await call('POST', `/api/v1/people/${c.personId}/status`, {
    session: admin, body: { status: 'serving_sentence', since: '2026-01-01', reason: '判决生效' },
  });
  assert.equal(st.status, 200, st.text);
  refused(await verify(c.number), 'holder_barred');
});

test('a scanned code: valid, static (check the 身份证), expired, forged, unknown key, not a code', async () => {
  const ok = await scan(signCode(good.number));
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.valid, true, ok.text);
  assert.equal(ok.json.static_code, false);
  assert.equal(ok.json.card_number, good.number);
  assert.equal(ok.json.name[0], good.name[0]);

  const printed = await scan(signCode(good.number, { isStatic: true, ttl: 86400 * 365 }));
  assert.equal(printed.json.valid, true, printed.text);
  assert.equal(printed.json.static_code, true);
  assert.match(printed.json.check_id_card, /身份证/);

  refused(await scan(signCode(good.number, { age: 3600, ttl: 300 })), 'code_expired');
  refused(await scan(signCode(good.number, { tamper: true })), 'bad_signature');
  refused(await scan(signCode(good.number, { unpublished: true })), 'unknown_key');
  refused(await scan('SY1:NOT A CODE'), 'bad_format');

  // a well-signed code of a revoked card is still refused: the card is read now
  const r = await cardIn(admin);
  const code = signCode(r.number);
  assert.equal((await scan(code)).json.valid, true);
  assert.equal((await step(admin, r.id, 'revoke', { reason: '注销' })).status, 200);
  refused(await scan(code), 'revoked');
});

test('a missing or oversized code is 400 naming code', async () => {
  for (const body of [{}, { code: '' }, { code: 42 }, { code: 'SY1:' + 'A'.repeat(600) }]) {
    const res = await call('POST', '/api/v1/cards/verify', { session: merchant, body });
    assert.equal(res.status, 400, res.text);
    assert.equal(res.json.error.code, 'code_required');
    assert.equal(res.json.error.field, 'code');
  }
});

test('with an offer: the holder qualifies or not_eligible, and the offer must be the caller\'s', async () => {
  const mk = async (categories, usage_rule = 'unlimited') => {
    const o = await call('POST', '/api/v1/offers', {
      session: merchant, body: { title: `核验优惠${categories.join('')}`, benefit_kind: 'free', categories, usage_rule },
    });
    assert.equal(o.status, 201, o.text);
    return o.json.id;
  };
  const forVeterans = await mk(['veteran', 'disabled_veteran']);
  const forSurvivors = await mk(['martyr_family']);
  const forAll = await mk([]);
  const v = await verify(good.number, merchant, `?offer=${forVeterans}`);
  assert.equal(v.json.valid, true, v.text);
  assert.deepEqual(v.json.offer_categories, ['veteran']);
  assert.equal(v.json.usage_rule, 'unlimited');
  const all = await verify(good.number, merchant, `?offer=${forAll}`);
  assert.equal(all.json.valid, true);
  assert.deepEqual(all.json.offer_categories, []);
  const no = await verify(good.number, merchant, `?offer=${forSurvivors}`);
  refused(no, 'not_eligible');
  assert.deepEqual(no.json.offer_categories, []);
  refused(await scan(signCode(good.number), merchant, { offer_id: forSurvivors }), 'not_eligible');
  // another organisation's offer is not found for the clinic; a bad offer id is 400
  const other = await verify(good.number, clinic, `?offer=${forVeterans}`);
  assert.equal(other.status, 404, other.text);
  assert.equal(other.json.error.code, 'offer_not_found');
  const bad = await verify(good.number, merchant, '?offer=abc');
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'offer');
  // a switched-off offer cannot be verified against
  assert.equal((await call('PATCH', `/api/v1/offers/${forAll}`, { session: merchant, body: { active: false } })).status, 200);
  const off = await verify(good.number, merchant, `?offer=${forAll}`);
  assert.equal(off.status, 409);
  assert.equal(off.json.error.code, 'offer_inactive');
});

test('only merchants, clinics and admins verify', async () => {
  for (const s of [officer, person]) {
    assert.equal((await verify(good.number, s)).status, 403);
    assert.equal((await scan(signCode(good.number), s)).status, 403);
  }
});

test('verifying writes nothing', async () => {
  const before = sql('SELECT (SELECT COUNT(*) FROM ledger) || \'/\' || (SELECT COUNT(*) FROM audit_log)');
  await verify(good.number);
  await scan(signCode(good.number));
  assert.equal(sql('SELECT (SELECT COUNT(*) FROM ledger) || \'/\' || (SELECT COUNT(*) FROM audit_log)'), before);
});
