// The service ledger: recording after a verification (the card checked
// again, the offer's usage rule enforced), every bad input answered with its
// status and code and nothing written, rows that no statement can change or
// remove, the list in scope with export, and the statistics.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { call, login, sql } from './lib.mjs';
import { cardIn, signCode, step } from './cardlib.mjs';

let admin, merchant, clinic, officer, auditor, card;

before(async () => {
  admin = await login('admin');
  merchant = await login('merchant');
  clinic = await login('clinic');
  officer = await login('officer');
  auditor = await login('auditor');
  card = await cardIn(admin);
});

async function offer(body = {}) {
  const o = await call('POST', '/api/v1/offers', {
    session: merchant,
    body: { title: '账本测试优惠', benefit_kind: 'discount', benefit_value: 0.9, categories: [], usage_rule: 'unlimited', ...body },
  });
  assert.equal(o.status, 201, o.text);
  return o.json.id;
}
const record = (body, session = merchant) => call('POST', '/api/v1/services', { session, body });
const counts = () => sql("SELECT (SELECT COUNT(*) FROM ledger) || '/' || (SELECT COUNT(*) FROM audit_log)");

function assertError(res, status, code, field) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json.error.code, code, res.text);
  if (field !== undefined) assert.equal(res.json.error.field, field, res.text);
  assert.ok(res.json.error.message);
}

test('a service is one row with who, which card, person, org, offer, kind, when, amount; audited', async () => {
  const id = await offer();
  const before = Number(sql('SELECT COUNT(*) FROM ledger'));
  const res = await record({ card_number: card.number, offer_id: id, amount_saved: 12.5, companion: false });
  assert.equal(res.status, 201, res.text);
  const r = res.json;
  assert.equal(r.card_number, card.number);
  assert.equal(r.offer_id, id);
  assert.equal(r.org_id, merchant.user.org_id);
  assert.equal(r.kind, 'discount');
  assert.equal(r.amount_saved, 12.5);
  assert.equal(r.recorded_by, 'merchant');
  assert.equal(r.name[0], card.name[0]);
  assert.notEqual(r.name, card.name);
  assert.equal(Number(sql('SELECT COUNT(*) FROM ledger')), before + 1);
  assert.equal(sql(`SELECT person_id || '/' || amount_saved_fen || '/' || via FROM ledger WHERE id = ${r.id}`), `${card.personId}/1250/number`);
  assert.equal(sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'service.record' AND object_id = '${r.id}'`), '1');
  // by scanned code too
  const c = await record({ code: signCode(card.number), offer_id: id });
  assert.equal(c.status, 201, c.text);
  assert.equal(c.json.via, 'code');
});

test('once_per_day: a second use the same day is refused with the time of the first, nothing written', async () => {
  const id = await offer({ usage_rule: 'once_per_day' });
  const first = await record({ card_number: card.number, offer_id: id });
  assert.equal(first.status, 201, first.text);
  const n = counts();
  const again = await record({ card_number: card.number, offer_id: id });
  assertError(again, 409, 'used_today', 'offer_id');
  assert.ok(again.json.error.message.includes(first.json.at), again.text);
  assert.match(again.json.error.message, /\d\d:\d\d/);
  // by code as well, and in English
  const en = await call('POST', '/api/v1/services', {
    session: merchant, headers: { 'Accept-Language': 'en' }, body: { code: signCode(card.number), offer_id: id },
  });
  assertError(en, 409, 'used_today');
  assert.match(en.json.error.message, /once a day/);
  assert.equal(counts(), n);
  // another holder may still use it
  const other = await cardIn(admin);
  assert.equal((await record({ card_number: other.number, offer_id: id })).status, 201);
});

test('once_per_visit: a second use within the visit length is refused; unset length refuses the offer', async () => {
  const id = await offer({ usage_rule: 'once_per_visit' });
  const set = await call('PATCH', '/api/v1/ledger-settings', { session: admin, body: { visit_minutes: 120 } });
  assert.equal(set.status, 200, set.text);
  assert.equal((await record({ card_number: card.number, offer_id: id })).status, 201);
  const n = counts();
  assertError(await record({ card_number: card.number, offer_id: id }), 409, 'used_this_visit', 'offer_id');
  assert.equal(counts(), n);
  sql('UPDATE ledger_settings SET visit_minutes = NULL WHERE id = 1');
  try {
    const other = await cardIn(admin);
    assertError(await record({ card_number: other.number, offer_id: id }), 409, 'setting_unset', 'visit_minutes');
  } finally {
    await call('PATCH', '/api/v1/ledger-settings', { session: admin, body: { visit_minutes: 120 } });
  }
  assertError(await call('PATCH', '/api/v1/ledger-settings', { session: admin, body: { visit_minutes: 0 } }), 400, 'out_of_range');
});

test('unlimited: used again and again', async () => {
  const id = await offer({ usage_rule: 'unlimited' });
  for (let i = 0; i < 3; i++) assert.equal((await record({ card_number: card.number, offer_id: id })).status, 201);
});

test('the card is verified again: every refusal is its reason, and nothing is written', async () => {
  const id = await offer();
  const vets = await offer({ categories: ['martyr_family'] });
  const revoked = await cardIn(admin);
  assert.equal((await step(admin, revoked.id, 'revoke', { reason: '注销' })).status, 200);
  const typo = card.number.slice(0, 13) + (card.number[13] === '0' ? '1' : '0');
  const n = counts();
  assertError(await record({ card_number: revoked.number, offer_id: id }), 409, 'revoked', 'card_number');
  assertError(await record({ card_number: typo, offer_id: id }), 400, 'bad_check_character', 'card_number');
  assertError(await record({ card_number: card.number, offer_id: vets }), 409, 'not_eligible');
  assertError(await record({ code: signCode(card.number, { age: 3600 }), offer_id: id }), 409, 'code_expired', 'code');
  assertError(await record({ code: signCode(card.number, { tamper: true }), offer_id: id }), 409, 'bad_signature', 'code');
  assert.equal(counts(), n);
});

test('bad input: each its status, code and field, and nothing written', async () => {
  const id = await offer();
  const solo = await offer({ companion_allowed: false });
  const off = await offer();
  assert.equal((await call('PATCH', `/api/v1/offers/${off}`, { session: merchant, body: { active: false } })).status, 200);
  const n = counts();
  const cases = [
    [{ offer_id: id }, 400, 'card_required', 'card_number'],
    [{ card_number: card.number, code: signCode(card.number), offer_id: id }, 400, 'card_required'],
    [{ card_number: '123', offer_id: id }, 400, 'invalid_card_number'],
    [{ card_number: card.number, offer_id: id, kind: 'bribe' }, 400, 'invalid_kind', 'kind'],
    [{ card_number: card.number, offer_id: id, amount_saved: -1 }, 400, 'invalid_amount', 'amount_saved'],
    [{ card_number: card.number, offer_id: id, amount_saved: 'lots' }, 400, 'invalid_amount', 'amount_saved'],
    [{ card_number: card.number, offer_id: 'x' }, 400, 'invalid_type', 'offer_id'],
    [{ card_number: card.number, offer_id: 99999999 }, 404, 'offer_not_found', 'offer_id'],
    [{ card_number: card.number, offer_id: solo, companion: true }, 409, 'companion_not_allowed', 'companion'],
    [{ card_number: card.number, offer_id: off }, 409, 'offer_inactive', 'offer_id'],
    [{ card_number: card.number }, 400, 'kind_required', 'kind'],
  ];
  for (const [body, status, code, field] of cases) assertError(await record(body), status, code, field);
  // the admin has no organisation: an offer says who gives the service
  assertError(await record({ card_number: card.number, kind: 'visit' }, admin), 400, 'offer_required', 'offer_id');
  // another organisation's offer is not the clinic's to use
  assertError(await record({ card_number: card.number, offer_id: id }, clinic), 404, 'offer_not_found');
  assert.equal(counts(), n);
  // the clinic records its own service with a kind and no offer
  const visit = await record({ card_number: card.number, kind: 'medical' }, clinic);
  assert.equal(visit.status, 201, visit.text);
  assert.equal(visit.json.org_id, clinic.user.org_id);
  assert.equal(visit.json.offer_id, null);
  // officers and auditors read but do not record
  assert.equal((await record({ card_number: card.number, offer_id: id }, officer)).status, 403);
});

test('the ledger is append-only: the database refuses UPDATE and DELETE', () => {
  const n = sql('SELECT COUNT(*) FROM ledger');
  const sum = sql('SELECT SUM(id) || kind FROM ledger GROUP BY kind ORDER BY kind LIMIT 1');
  assert.throws(() => sql("UPDATE ledger SET kind = 'free'"), /append-only/);
  assert.throws(() => sql('DELETE FROM ledger'), /append-only/);
  assert.equal(sql('SELECT COUNT(*) FROM ledger'), n);
  assert.equal(sql('SELECT SUM(id) || kind FROM ledger GROUP BY kind ORDER BY kind LIMIT 1'), sum);
});

test('the list: a merchant its own rows, an officer its region; filters; CSV export', async () => {
  const mine = await call('GET', '/api/v1/ledger?limit=500', { session: merchant });
  assert.equal(mine.status, 200, mine.text);
  assert.ok(mine.json.items.length > 0);
  for (const r of mine.json.items) assert.equal(r.org_id, merchant.user.org_id);
  const off = await call('GET', '/api/v1/ledger?limit=500', { session: officer });
  for (const r of off.json.items) assert.ok(r.region_code.startsWith('130902'), r.region_code);
  assert.equal((await call('GET', '/api/v1/ledger?region=130982', { session: officer })).status, 403);
  const byCard = await call('GET', `/api/v1/ledger?card=${card.number}&limit=500`, { session: admin });
  assert.ok(byCard.json.items.length >= 5);
  for (const r of byCard.json.items) assert.equal(r.card_number, card.number);
  const page = await call('GET', '/api/v1/ledger?limit=2', { session: admin });
  assert.equal(page.json.items.length, 2);
  const next = await call('GET', `/api/v1/ledger?limit=2&cursor=${page.json.next}`, { session: admin });
  assert.ok(next.json.items[0].id < page.json.items[1].id + 1 && next.json.items[0].id !== page.json.items[1].id);
  const csv = await call('GET', `/api/v1/ledger?format=csv&card=${card.number}`, { session: admin });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /csv/);
  assert.ok(csv.text.includes('优待证号') && csv.text.includes(card.number));
  assertError(await call('GET', '/api/v1/ledger?from=2026-13-01', { session: admin }), 400, 'invalid_date', 'from');
  assertError(await call('GET', '/api/v1/ledger?kind=x', { session: admin }), 400, 'invalid_kind', 'kind');
  assertError(await call('GET', `/api/v1/ledger?org=${clinic.user.org_id}`, { session: merchant }), 404, 'org_not_found');
});

test('statistics: person-times and distinct persons by every grouping, consistent with the total', async () => {
  for (const by of ['kind', 'region', 'org', 'association', 'month']) {
    const res = await call('GET', `/api/v1/ledger/stats?by=${by}`, { session: admin });
    assert.equal(res.status, 200, res.text);
    const { total, items } = res.json;
    assert.ok(total.person_times >= total.persons && total.persons > 0, JSON.stringify(total));
    for (const it of items) {
      assert.ok(it.label, JSON.stringify(it));
      assert.ok(it.person_times >= it.persons && it.persons > 0);
    }
    if (by !== 'association') {
      assert.equal(items.reduce((s, x) => s + x.person_times, 0), total.person_times, by);
    }
  }
  const all = (await call('GET', '/api/v1/ledger/stats?by=month', { session: admin })).json;
  assert.ok(all.items.length >= 10, 'demo services spread over the year');
  assert.equal(String(all.total.person_times), sql('SELECT COUNT(*) FROM ledger'));
  assert.equal(String(all.total.persons), sql('SELECT COUNT(DISTINCT person_id) FROM ledger'));
  // a merchant counts its own services only; dates bound the count
  const m = (await call('GET', '/api/v1/ledger/stats?by=kind', { session: merchant })).json;
  assert.equal(String(m.total.person_times), sql(`SELECT COUNT(*) FROM ledger WHERE org_id = ${merchant.user.org_id}`));
  const month = all.items[0].key;
  const last = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).getUTCDate();
  const one = (await call('GET', `/api/v1/ledger/stats?by=month&from=${month}-01&to=${month}-${last}`, { session: admin })).json;
  assert.equal(one.items.length, 1);
  assert.equal(one.total.person_times, all.items[0].person_times);
  assertError(await call('GET', '/api/v1/ledger/stats?by=colour', { session: admin }), 400, 'invalid_by', 'by');
  assert.equal((await call('GET', '/api/v1/ledger/stats', { session: auditor })).status, 200);
});

test('statistics for the whole city come from counters kept with each service; a county or a merchant reads its rows', async () => {
  const stats = async (by, session = admin) => {
    const res = await call('GET', `/api/v1/ledger/stats?by=${by}`, { session });
    assert.equal(res.status, 200, res.text);
    return res.json;
  };
  const before = await stats('org');
  assert.equal(before.source, 'counters');
  const mine = (s) => s.items.find((x) => x.key === String(merchant.user.org_id))?.person_times ?? 0;
  const id = await offer({ usage_rule: 'unlimited' });
  assert.equal((await record({ card_number: card.number, offer_id: id })).status, 201);
  const after = await stats('org');
  assert.equal(after.source, 'counters');
  assert.equal(after.total.person_times, before.total.person_times + 1);
  assert.equal(mine(after), mine(before) + 1);
  assert.equal(String(after.total.persons), sql('SELECT COUNT(DISTINCT person_id) FROM ledger'));
  // today's month, from the counters, agrees with the rows
  const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
  const month = (await stats(`month&from=${today.slice(0, 8)}01&to=${today}`)).items.at(-1);
  assert.equal(month.key, today.slice(0, 7));
  assert.equal(String(month.person_times), sql(`SELECT COUNT(*) FROM ledger WHERE day_cn BETWEEN '${today.slice(0, 8)}01' AND '${today}'`));
  assert.equal(String(month.persons), sql(`SELECT COUNT(DISTINCT person_id) FROM ledger WHERE day_cn BETWEEN '${today.slice(0, 8)}01' AND '${today}'`));
  assert.equal((await stats('kind', officer)).source, 'ledger');
  assert.equal((await stats('kind', merchant)).source, 'ledger');
});
