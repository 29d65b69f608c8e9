// 优待证: the whole flow from application to receipt; refusal naming the rule
// for every barring status; one card per person; steps refused from the wrong
// state naming it; reissue stopping the old card at once; region scope; the
// holder's own read-only view; bad input answered with code, message and
// field and changing nothing; every step audited with its event row.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { call, login, makeIdNumber, sql } from './lib.mjs';

let admin, officer, renqiu, person, auditor;

async function loginAs(username, password) {
  const res = await call('POST', '/api/v1/auth/login', { body: { username, password } });
  assert.equal(res.status, 200, res.text);
  return { cookie: res.headers.get('set-cookie').split(';')[0], csrf: res.json.csrf_token, user: res.json.user };
}

before(async () => {
  admin = await login('admin');
  officer = await login('officer'); // 新华区 130902
  auditor = await login('auditor'); // 新华区
  person = await login('person');
  renqiu = await loginAs('officer.renqiu', 'officer-demo-2026'); // 任丘市 130982
});

function assertError(res, status, code, field) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json.error.code, code, res.text);
  if (field !== undefined) assert.equal(res.json.error.field, field, res.text);
  assert.ok(res.json.error.message, 'has a message');
}

let seq = 0;
async function mkPerson({ region = '130902', category = 'veteran', ...rest } = {}) {
  const birth = `19${60 + (seq % 30)}0${1 + (seq++ % 9)}1${seq % 10}`;
  const res = await call('POST', '/api/v1/people', {
    session: admin, body: { id_number: makeIdNumber(region, birth), name: `持证${seq}`, region_code: region, ...rest },
  });
  assert.equal(res.status, 201, res.text);
  if (category) {
    const c = await call('POST', `/api/v1/people/${res.json.id}/categories`, { session: admin, body: { category } });
    assert.equal(c.status, 201, c.text);
  }
  return res.json.id;
}

const apply = (session, personId, extra = {}) =>
  call('POST', '/api/v1/cards', { session, body: { person_id: personId, ...extra } });
const step = (session, id, action, body = {}) => call('POST', `/api/v1/cards/${id}/${action}`, { session, body });
const card = async (id, session = admin) => (await call('GET', `/api/v1/cards/${id}`, { session })).json;

// A card driven to `state` by the people whose step it is.
async function cardIn(state, personId) {
  const pid = personId || await mkPerson();
  const a = await apply(officer, pid);
  assert.equal(a.status, 201, a.text);
  const id = a.json.id;
  const path = [['reviewed', officer, 'review'], ['approved', admin, 'approve'], ['made', admin, 'make'],
    ['handed_out', officer, 'hand-out'], ['received', officer, 'receive']];
  for (const [to, who, action] of path) {
    if ((await card(id)).state === state) break;
    const r = await step(who, id, action);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.state, to);
  }
  assert.equal((await card(id)).state, state);
  return id;
}

const validNumber = no => {
  if (!/^\d{13}[\dX]$/.test(no)) return false;
  let p = 0;
  for (const ch of no.slice(0, 13)) p = ((p + Number(ch)) * 2) % 11;
  const c = (12 - p) % 11;
  return no[13] === (c === 10 ? 'X' : String(c));
};

test('the whole flow: application at the station to receipt by the holder, dated and audited', async () => {
  const pid = await mkPerson();
  const a = await apply(officer, pid, { reason: '本人到服务站申请' });
  assert.equal(a.status, 201, a.text);
  assert.equal(a.json.state, 'applied');
  assert.equal(a.json.kind, 'veteran');
  assert.deepEqual(a.json.categories, ['veteran']);
  assert.equal(a.json.number, null, 'no number before the card is made');
  assert.equal(a.json.valid, false);
  assert.equal(a.json.applied_via, 'residence');
  assert.match(a.json.id_number, /^\d{6}\*{8}\d{3}[\dX]$/, 'masked');
  assert.deepEqual(a.json.actions.map(x => x.action), ['review', 'refuse', 'revoke']);
  const id = a.json.id;

  assert.equal((await step(officer, id, 'review')).json.state, 'reviewed');
  // the city approves: a county officer may not
  assertError(await step(officer, id, 'approve'), 403, 'city_step');
  assert.equal((await step(admin, id, 'approve')).json.state, 'approved');
  const made = await step(admin, id, 'make', { national_number: `GJ-${Date.now()}` });
  assert.equal(made.status, 200, made.text);
  assert.equal(made.json.state, 'made');
  assert.ok(made.json.issued_at);
  assert.ok(made.json.number.startsWith('130902'), made.json.number);
  assert.equal(made.json.number.length, 14);
  assert.ok(validNumber(made.json.number), `check character of ${made.json.number}`);
  assert.ok(made.json.national_number.startsWith('GJ-'));
  const out = await step(officer, id, 'hand-out');
  assert.equal(out.json.state, 'handed_out');
  assert.ok(out.json.handed_out_at);
  assert.ok(out.json.return_after, 'says when it may be returned unclaimed');
  const got = await step(officer, id, 'receive');
  assert.equal(got.json.state, 'received');
  assert.equal(got.json.valid, true);
  assert.ok(got.json.received_at);

  const events = got.json.events;
  assert.deepEqual(events.map(e => e.action), ['apply', 'review', 'approve', 'make', 'hand-out', 'receive']);
  assert.deepEqual(events.map(e => e.to_state), ['applied', 'reviewed', 'approved', 'made', 'handed_out', 'received']);
  assert.equal(events[0].reason, '本人到服务站申请');
  assert.equal(events[1].actor, 'officer.xinhua');
  assert.equal(events[2].actor, 'admin');
  for (const e of events) assert.ok(e.at);

  // one audit row per step, on the card, in the card's region
  for (const action of ['apply', 'review', 'approve', 'make', 'hand-out', 'receive']) {
    const res = await call('GET', `/api/v1/audit?action=card.${action}&object_type=card&limit=50`, { session: admin });
    const row = res.json.items.find(r => r.object_id === String(id));
    assert.ok(row, `card.${action} audited`);
    assert.equal(row.region_code, '130902');
  }
  // the number finds it; the list shows it
  const byNo = await call('GET', `/api/v1/cards?q=${made.json.number}`, { session: officer });
  assert.equal(byNo.status, 200, byNo.text);
  assert.deepEqual(byNo.json.items.map(c => c.id), [id]);
  const listed = await call('GET', `/api/v1/cards?person=${pid}`, { session: auditor });
  assert.equal(listed.json.items[0].state, 'received');
});

test('refused naming the rule for every barring status, and for no qualifying category', async () => {
  for (const status of ['expelled', 'deprived_rights', 'serving_sentence', 'in_custody', 'wanted']) {
    const pid = await mkPerson();
    const s = await call('POST', `/api/v1/people/${pid}/status`, { session: admin, body: { status, since: '2024-01-01' } });
    assert.equal(s.status, 200, s.text);
    assertError(await apply(officer, pid), 409, `barred_${status}`);
    assert.equal((await call('GET', `/api/v1/cards?person=${pid}`, { session: admin })).json.items.length, 0);
  }
  const dead = await mkPerson();
  await call('POST', `/api/v1/people/${dead}/status`, { session: admin, body: { status: 'deceased', since: '2024-01-01' } });
  assertError(await apply(officer, dead), 409, 'person_deceased');
  assertError(await apply(officer, await mkPerson({ category: null })), 409, 'not_eligible');
  assertError(await apply(officer, await mkPerson({ category: 'active_duty' })), 409, 'not_eligible');

  // a card applied for while the person was in good standing stops at the next review
  const pid = await mkPerson();
  const a = await apply(officer, pid);
  await call('POST', `/api/v1/people/${pid}/status`, { session: admin, body: { status: 'in_custody', since: '2024-02-01' } });
  assertError(await step(officer, a.json.id, 'review'), 409, 'barred_in_custody');
  assert.equal((await card(a.json.id)).state, 'applied');
});

test('the kind follows the categories: 三属 get the survivor card; both at once hold the veteran card with all', async () => {
  const martyr = await mkPerson({ category: 'veteran' });
  const child = await mkPerson({ category: null });
  const vetChild = await mkPerson({ category: 'veteran' });
  for (const rel of [child, vetChild]) {
    const l = await call('POST', `/api/v1/people/${martyr}/family`, { session: admin, body: { relative_id: rel, relation: 'child' } });
    assert.equal(l.status, 201, l.text);
  }
  await call('POST', `/api/v1/people/${martyr}/status`, {
    session: admin, body: { status: 'deceased', since: '2020-05-01', death_kind: 'martyr' },
  });
  const s = await apply(officer, child);
  assert.equal(s.status, 201, s.text);
  assert.equal(s.json.kind, 'survivor');
  assert.deepEqual(s.json.categories, ['martyr_family']);
  const both = await apply(officer, vetChild);
  assert.equal(both.json.kind, 'veteran');
  assert.deepEqual(both.json.categories.sort(), ['martyr_family', 'veteran']);
});

test('one card per person: a second application is refused while one stands', async () => {
  const pid = await mkPerson();
  const first = await apply(officer, pid);
  assert.equal(first.status, 201);
  assertError(await apply(officer, pid), 409, 'card_exists', 'person_id');
  assertError(await apply(admin, pid), 409, 'card_exists', 'person_id');
  // refused, it no longer stands: the person may apply again
  assertError(await step(officer, first.json.id, 'refuse'), 400, 'reason_required', 'reason');
  const r = await step(officer, first.json.id, 'refuse', { reason: '材料不全' });
  assert.equal(r.json.state, 'refused');
  assert.equal((await apply(officer, pid)).status, 201);
});

test('a step from the wrong state is 409 naming the state, and changes nothing', async () => {
  const id = await cardIn('applied');
  const before = await card(id);
  for (const action of ['receive', 'make', 'hand-out', 'suspend', 'resume', 'report-loss', 'return']) {
    const res = await step(admin, id, action, { reason: '测试' });
    assertError(res, 409, 'card_is_applied');
    assert.match(res.json.error.message, /已申请/);
  }
  const en = await call('POST', `/api/v1/cards/${id}/receive`, { session: admin, body: {}, headers: { 'Accept-Language': 'en' } });
  assert.match(en.json.error.message, /applied/);
  const after = await card(id);
  assert.equal(after.state, 'applied');
  assert.equal(after.events.length, before.events.length);
  // after the county review, refusing is the city's
  await step(officer, id, 'review');
  assertError(await step(officer, id, 'refuse', { reason: '不符合' }), 403, 'city_step');
  assert.equal((await step(admin, id, 'refuse', { reason: '不符合' })).json.state, 'refused');
  assertError(await step(admin, id, 'revoke', { reason: '测试' }), 409, 'card_is_refused');
});

test('reissue: the old card stops at once, the new one has a new number and points to the old', async () => {
  const id = await cardIn('received');
  const old = await card(id);
  assertError(await step(officer, id, 'reissue'), 400, 'reason_required', 'reason');
  assert.equal((await card(id)).state, 'received', 'a refused step changes nothing');
  const loss = await step(officer, id, 'report-loss', { reason: '本人来电挂失' });
  assert.equal(loss.json.state, 'lost');
  assert.equal(loss.json.valid, false);
  const re = await step(officer, id, 'reissue', { reason: '遗失补领' });
  assert.equal(re.status, 201, re.text);
  assert.notEqual(re.json.id, id);
  assert.equal(re.json.replaces_id, id);
  assert.equal(re.json.replaces_number, old.number);
  assert.equal(re.json.state, 'approved');
  const gone = await card(id);
  assert.equal(gone.state, 'replaced');
  assert.equal(gone.valid, false);
  assert.equal(gone.replaced_by_id, re.json.id);
  assert.ok(gone.closed_at);
  const made = await step(admin, re.json.id, 'make');
  assert.ok(validNumber(made.json.number));
  assert.notEqual(made.json.number, old.number);
  // the old card's number now finds a replaced card
  const byOld = await call('GET', `/api/v1/cards?q=${old.number}`, { session: admin });
  assert.equal(byOld.json.items[0].state, 'replaced');
  const audit = await call('GET', '/api/v1/audit?action=card.reissue&object_type=card&limit=50', { session: admin });
  const row = audit.json.items.find(r => r.object_id === String(id));
  assert.equal(row.detail.new_card_id, re.json.id);
});

test('suspension and lifting it, loss, revocation with a reason', async () => {
  const id = await cardIn('received');
  assertError(await step(officer, id, 'suspend'), 400, 'reason_required', 'reason');
  assert.equal((await step(officer, id, 'suspend', { reason: '信息待核实' })).json.state, 'suspended');
  assert.equal((await card(id)).valid, false);
  assert.equal((await step(officer, id, 'resume')).json.state, 'received');
  assertError(await step(officer, id, 'revoke', {}), 400, 'reason_required', 'reason');
  const rv = await step(officer, id, 'revoke', { reason: '本人去世' });
  assert.equal(rv.json.state, 'revoked');
  assert.equal(rv.json.events.at(-1).reason, '本人去世');
  assertError(await step(officer, id, 'resume'), 409, 'card_is_revoked');
});

test('a card left unclaimed is returned only after the set period', async () => {
  const settings = await call('GET', '/api/v1/card-settings', { session: officer });
  assert.equal(settings.status, 200);
  assert.equal(settings.json.unclaimed_months, 3);
  assertError(await call('PATCH', '/api/v1/card-settings', { session: admin, body: { unclaimed_months: 0 } }), 400,
    'out_of_range', 'unclaimed_months');
  assert.equal((await call('PATCH', '/api/v1/card-settings', { session: officer, body: { unclaimed_months: 2 } })).status, 403);

  const pid = await mkPerson();
  const id = await cardIn('handed_out', pid);
  assertError(await step(officer, id, 'return'), 409, 'not_yet_unclaimed');
  sql(`UPDATE cards SET handed_out_at = '2020-01-01T00:00:00Z' WHERE id = ${id}`);
  const ret = await step(officer, id, 'return', { reason: '逾期未领' });
  assert.equal(ret.status, 200, ret.text);
  assert.equal(ret.json.state, 'returned');
  assert.equal((await apply(officer, pid)).status, 201, 'a returned card no longer stands');
});

test('officers reach the cards of their region only; the household station may apply', async () => {
  const id = await cardIn('applied');
  assertError(await call('GET', `/api/v1/cards/${id}`, { session: renqiu }), 404, 'card_not_found');
  assertError(await step(renqiu, id, 'review'), 404, 'card_not_found');
  const list = await call('GET', '/api/v1/cards?limit=500', { session: renqiu });
  assert.equal(list.status, 200);
  assert.ok(!list.json.items.some(c => c.id === id));
  for (const c of list.json.items) assert.ok(c.region_code.startsWith('130982'), c.region_code);
  assertError(await apply(renqiu, await mkPerson()), 404, 'person_not_found', 'person_id');
  assertError(await call('GET', '/api/v1/cards?region=130982', { session: officer }), 403, 'region_out_of_scope', 'region');

  // living in 任丘, registered in 新华: 新华's station may take the application
  const pid = await mkPerson({ region: '130982', household_region_code: '130902' });
  const a = await apply(officer, pid);
  assert.equal(a.status, 201, a.text);
  assert.equal(a.json.applied_via, 'household');
  assert.equal(a.json.region_code, '130902');
  assert.equal((await call('GET', `/api/v1/cards/${a.json.id}`, { session: renqiu })).status, 200, 'the residence sees it too');
});

test('a person sees their own card, read-only', async () => {
  const mine = await call('GET', '/api/v1/cards', { session: person });
  assert.equal(mine.status, 200);
  assert.ok(mine.json.items.length >= 1, 'the demo person (a veteran) has a card');
  for (const c of mine.json.items) assert.equal(c.person_id, person.user.person_id);
  const own = await call('GET', `/api/v1/cards/${mine.json.items[0].id}`, { session: person });
  assert.equal(own.status, 200);
  assert.deepEqual(own.json.actions, []);
  const other = await cardIn('applied');
  assertError(await call('GET', `/api/v1/cards/${other}`, { session: person }), 404, 'card_not_found');
  const forced = await call('GET', `/api/v1/cards?person=${(await card(other)).person_id}`, { session: person });
  assert.equal(forced.json.items.length, 0);
  assert.equal((await step(person, mine.json.items[0].id, 'suspend', { reason: 'x' })).status, 403);
  assert.equal((await apply(person, person.user.person_id)).status, 403);
});

test('bad input: status, code, message and field, and nothing changes', async () => {
  const id = await cardIn('received');
  const c = await card(id);
  const no = c.number;
  const wrong = no.slice(0, 13) + (no[13] === '0' ? '1' : '0');
  assertError(await call('GET', `/api/v1/cards?q=${wrong}`, { session: officer }), 400, 'invalid_card_number', 'q');
  const swapped = no.slice(0, 7) + no[8] + no[7] + no.slice(9);
  if (swapped !== no) assertError(await call('GET', `/api/v1/cards?q=${swapped}`, { session: officer }), 400, 'invalid_card_number', 'q');
  assertError(await call('GET', '/api/v1/cards?q=1309021', { session: officer }), 400, 'invalid_card_number', 'q');
  assertError(await step(officer, id, 'fly'), 400, 'invalid_action', 'action');
  assertError(await step(officer, id, 'suspend', { reason: 42 }), 400, 'invalid_type', 'reason');
  assertError(await step(officer, id, 'suspend', { reason: 'x'.repeat(201) }), 400, 'too_long', 'reason');
  assertError(await step(officer, id, 'revoke', { reason: '' }), 400, 'reason_required', 'reason');
  assertError(await step(officer, id, 'review', { national_number: 'X1' }), 400, 'national_number_make_only', 'national_number');
  assertError(await step(officer, 'abc', 'review'), 400, 'invalid_id', 'id');
  assertError(await step(officer, 999999999, 'review'), 404, 'card_not_found');
  assertError(await call('POST', '/api/v1/cards', { session: officer, body: {} }), 400, 'required', 'person_id');
  assertError(await call('POST', '/api/v1/cards', { session: officer, body: { person_id: 'x' } }), 400, 'invalid_type', 'person_id');
  assertError(await apply(officer, 999999999), 404, 'person_not_found', 'person_id');
  assertError(await call('GET', '/api/v1/cards?state=nope', { session: officer }), 400, 'invalid_state', 'state');
  assertError(await call('GET', '/api/v1/cards?person=-1', { session: officer }), 400, 'invalid_id', 'person');
  const after = await card(id);
  assert.equal(after.state, 'received');
  assert.equal(after.updated_at, c.updated_at);
  assert.equal(after.events.length, c.events.length);
});

test('the list pages and exports', async () => {
  const p1 = await call('GET', '/api/v1/cards?limit=2', { session: admin });
  assert.equal(p1.status, 200);
  assert.equal(p1.json.items.length, 2);
  assert.ok(p1.json.next);
  const p2 = await call('GET', `/api/v1/cards?limit=2&cursor=${p1.json.next}`, { session: admin });
  assert.ok(p2.json.items[0].id < p1.json.items[1].id, 'newest first, no overlap');
  const st = await call('GET', '/api/v1/cards?state=received&limit=500', { session: officer });
  assert.ok(st.json.items.length > 0);
  for (const c of st.json.items) assert.equal(c.state, 'received');
  const csv = await call('GET', '/api/v1/cards?format=csv&state=received', { session: officer });
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /csv/);
  assert.match(csv.text, /优待证号/);
  assert.ok(!/\d{18}/.test(csv.text.replace(/\d{14}/g, '')), 'ID numbers masked');
});
