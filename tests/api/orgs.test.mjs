// Organisations over HTTP: create, change (absent = unchanged, null =
// cleared), contacts, association members; every bad input's answer (in
// Chinese and English, naming the field, changing nothing); scope between
// regions and for organisation roles; audit rows.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, call, login, uniq } from './lib.mjs';

let admin, officer, renqiu, auditor, merchant, clinic, person;
let renqiuShop; // an organisation of 任丘市, made for this file
let xinhuaAssoc; // an association of 新华区, made for this file

async function loginAs(username, password) {
  const res = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  assert.equal(res.status, 200, `login ${username}`);
  const j = await res.json();
  return { cookie: res.headers.get('set-cookie').split(';')[0], csrf: j.csrf_token, user: j.user };
}

const create = (session, body) => call('POST', '/api/v1/orgs', { session, body });

before(async () => {
  [admin, officer, auditor, merchant, clinic, person] = await Promise.all(
    ['admin', 'officer', 'auditor', 'merchant', 'clinic', 'person'].map((r) => login(r)));
  renqiu = await loginAs('officer.renqiu', 'officer-demo-2026');
  const r = await create(admin, { name: `任丘拥军超市${uniq()}`, type: 'merchant', region_code: '130982', address: '任丘市会战道1号' });
  assert.equal(r.status, 201, r.text);
  renqiuShop = r.json;
  const a = await create(admin, { name: `新华区拥军协会${uniq()}`, type: 'association', region_code: '130902' });
  assert.equal(a.status, 201, a.text);
  xinhuaAssoc = a.json;
});

test('an officer registers an organisation of their region, changes it and clears a field', async () => {
  const name = `新华拥军饭庄${uniq()}`;
  const res = await create(officer, {
    name, type: 'merchant', region_code: '130902', address: '新华区新华路8号', lat: 38.31, lon: 116.86,
    phone: '0317-3012345', contact_name: '赵明', contact_phone: '13812345678', note: '军人就餐九折',
  });
  assert.equal(res.status, 201, res.text);
  const o = res.json;
  assert.equal(o.name, name);
  assert.equal(o.type, 'merchant');
  assert.equal(o.region_name, '新华区');
  assert.equal(o.lat, 38.31);
  assert.equal(o.contact_phone, '13812345678');
  assert.equal(o.may_edit, true);
  assert.deepEqual([o.contacts, o.members, o.associations], [[], [], []]);
  // absent fields stay; a value changes; null clears
  const p = await call('PATCH', `/api/v1/orgs/${o.id}`, { session: officer, body: { address: '新华区新华路10号', phone: null, lat: null, lon: null } });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.json.address, '新华区新华路10号');
  assert.equal(p.json.phone, null);
  assert.equal(p.json.lat, null);
  assert.equal(p.json.lon, null);
  assert.equal(p.json.note, '军人就餐九折');
  assert.equal(p.json.contact_name, '赵明');
  assert.equal(p.json.name, name);
  // "" clears too (a form's emptied field)
  const q = await call('PATCH', `/api/v1/orgs/${o.id}`, { session: officer, body: { note: '', type: 'employer' } });
  assert.equal(q.status, 200, q.text);
  assert.equal(q.json.note, null);
  assert.equal(q.json.type, 'employer');
  // a name of exactly 100 characters is accepted
  const hundred = (name + '拥'.repeat(100)).slice(0, 100);
  const long = await call('PATCH', `/api/v1/orgs/${o.id}`, { session: officer, body: { name: hundred } });
  assert.equal(long.status, 200, long.text);
  assert.equal(long.json.name, hundred);
  // and the officer finds it in the list
  const list = await call('GET', `/api/v1/orgs?q=${encodeURIComponent(name)}`, { session: officer });
  assert.deepEqual(list.json.items.map((x) => x.id), [o.id]);
});

test('contacts are added and removed', async () => {
  const o = (await create(officer, { name: `新华联络测试${uniq()}`, type: 'school', region_code: '130902' })).json;
  const c1 = await call('POST', `/api/v1/orgs/${o.id}/contacts`, { session: officer, body: { name: '钱进', title: '双拥联络员', phone: '13911112222' } });
  assert.equal(c1.status, 201, c1.text);
  const c2 = await call('POST', `/api/v1/orgs/${o.id}/contacts`, { session: officer, body: { name: '孙丽', phone: '0317-2020202' } });
  assert.equal(c2.status, 201, c2.text);
  assert.deepEqual(c2.json.contacts.map((c) => [c.name, c.title, c.phone]),
    [['钱进', '双拥联络员', '13911112222'], ['孙丽', null, '0317-2020202']]);
  const gone = await call('DELETE', `/api/v1/orgs/${o.id}/contacts/${c2.json.contacts[0].id}`, { session: officer });
  assert.equal(gone.status, 200, gone.text);
  assert.deepEqual(gone.json.contacts.map((c) => c.name), ['孙丽']);
  // another organisation's contact is not this one's
  const other = (await create(officer, { name: `新华联络测试${uniq()}`, type: 'school', region_code: '130902' })).json;
  const wrong = await call('DELETE', `/api/v1/orgs/${other.id}/contacts/${gone.json.contacts[0].id}`, { session: officer });
  assert.equal(wrong.status, 404);
  assert.equal(wrong.json.error.code, 'contact_not_found');
});

test('an association gains and loses member units; a member lists its associations', async () => {
  const shop = (await create(officer, { name: `新华会员商户${uniq()}`, type: 'merchant', region_code: '130902' })).json;
  const add = await call('POST', `/api/v1/orgs/${xinhuaAssoc.id}/members`, { session: officer, body: { member_id: shop.id } });
  assert.equal(add.status, 201, add.text);
  assert.ok(add.json.members.some((m) => m.id === shop.id && m.in_scope === true && m.joined_at));
  assert.ok(add.json.members_total >= 1);
  const page = (await call('GET', `/api/v1/orgs/${shop.id}`, { session: officer })).json;
  assert.deepEqual(page.associations.map((a) => a.id), [xinhuaAssoc.id]);
  const dup = await call('POST', `/api/v1/orgs/${xinhuaAssoc.id}/members`, { session: officer, body: { member_id: shop.id } });
  assert.equal(dup.status, 409);
  assert.equal(dup.json.error.code, 'already_member');
  assert.equal(dup.json.error.field, 'member_id');
  const del = await call('DELETE', `/api/v1/orgs/${xinhuaAssoc.id}/members/${shop.id}`, { session: officer });
  assert.equal(del.status, 200, del.text);
  assert.ok(!del.json.members.some((m) => m.id === shop.id));
  const again = await call('DELETE', `/api/v1/orgs/${xinhuaAssoc.id}/members/${shop.id}`, { session: officer });
  assert.equal(again.status, 404);
  assert.equal(again.json.error.code, 'member_not_found');
  // the demo's associations have member units
  const cities = (await call('GET', '/api/v1/orgs?type=association&region=130900', { session: admin })).json.items;
  for (const a of cities.filter((x) => x.region_code === '130900')) {
    const pa = (await call('GET', `/api/v1/orgs/${a.id}`, { session: admin })).json;
    assert.ok(pa.members_total > 0, `${a.name} has members`);
    assert.ok(pa.contacts.length > 0, `${a.name} has contacts`);
  }
});

// Each bad input: [what, method, path, body, status, code, field]. Paths are functions: ids come from before().
const BAD = [
  ['wrong type', 'POST', () => '/api/v1/orgs', { name: '坏类型', type: 'cafe', region_code: '130902' }, 400, 'invalid_org_type', 'type'],
  ['no type', 'POST', () => '/api/v1/orgs', { name: '无类型', region_code: '130902' }, 400, 'required', 'type'],
  ['empty name', 'POST', () => '/api/v1/orgs', { name: '', type: 'merchant', region_code: '130902' }, 400, 'required', 'name'],
  ['blank name', 'POST', () => '/api/v1/orgs', { name: '   ', type: 'merchant', region_code: '130902' }, 400, 'required', 'name'],
  ['no name', 'POST', () => '/api/v1/orgs', { type: 'merchant', region_code: '130902' }, 400, 'required', 'name'],
  ['name of 101 characters', 'POST', () => '/api/v1/orgs', { name: '拥'.repeat(101), type: 'merchant', region_code: '130902' }, 400, 'too_long', 'name'],
  ['name not a string', 'POST', () => '/api/v1/orgs', { name: 12, type: 'merchant', region_code: '130902' }, 400, 'invalid_type', 'name'],
  ['name with a control character', 'POST', () => '/api/v1/orgs', { name: '坏\u0007名', type: 'merchant', region_code: '130902' }, 400, 'invalid_text', 'name'],
  ['unknown region', 'POST', () => '/api/v1/orgs', { name: '无地区', type: 'merchant', region_code: '999999' }, 400, 'invalid_region', 'region_code'],
  ['no region', 'POST', () => '/api/v1/orgs', { name: '无地区', type: 'merchant' }, 400, 'required', 'region_code'],
  ['region outside the officer', 'POST', () => '/api/v1/orgs', { name: '越权机构', type: 'merchant', region_code: '130982' }, 403, 'region_out_of_scope', 'region_code'],
  ['half coordinates', 'POST', () => '/api/v1/orgs', { name: '半坐标', type: 'merchant', region_code: '130902', lat: 38.3 }, 400, 'invalid_coordinates', 'lon'],
  ['coordinate not a number', 'POST', () => '/api/v1/orgs', { name: '坐标', type: 'merchant', region_code: '130902', lat: '38.3', lon: 116.8 }, 400, 'invalid_type', 'lat'],
  ['coordinates outside China', 'POST', () => '/api/v1/orgs', { name: '坐标', type: 'merchant', region_code: '130902', lat: 38.3, lon: 16.8 }, 400, 'invalid_coordinates', 'lon'],
  ['bad phone', 'POST', () => '/api/v1/orgs', { name: '坏电话', type: 'merchant', region_code: '130902', phone: '12345' }, 400, 'invalid_phone', 'phone'],
  ['bad contact phone', 'POST', () => '/api/v1/orgs', { name: '坏电话', type: 'merchant', region_code: '130902', contact_phone: '1381234567x' }, 400, 'invalid_phone', 'contact_phone'],
  ['name taken in the region', 'POST', () => '/api/v1/orgs', () => ({ name: xinhuaAssoc.name, type: 'merchant', region_code: '130902' }), 409, 'org_exists', 'name'],
  ['clear the name', 'PATCH', () => `/api/v1/orgs/${xinhuaAssoc.id}`, { name: null }, 400, 'required', 'name'],
  ['clear the type', 'PATCH', () => `/api/v1/orgs/${xinhuaAssoc.id}`, { type: null }, 400, 'required', 'type'],
  ['clear the region', 'PATCH', () => `/api/v1/orgs/${xinhuaAssoc.id}`, { region_code: null }, 400, 'required', 'region_code'],
  ['clear half the coordinates', 'PATCH', () => `/api/v1/orgs/${xinhuaAssoc.id}`, { lat: null, lon: 116.8 }, 400, 'invalid_coordinates', 'lat'],
  ['wrong type in a change', 'PATCH', () => `/api/v1/orgs/${xinhuaAssoc.id}`, { type: 'club' }, 400, 'invalid_org_type', 'type'],
  ['bad phone in a change', 'PATCH', () => `/api/v1/orgs/${xinhuaAssoc.id}`, { phone: '0317' }, 400, 'invalid_phone', 'phone'],
  ['move out of the officer\'s region', 'PATCH', () => `/api/v1/orgs/${xinhuaAssoc.id}`, { region_code: '130982' }, 403, 'region_out_of_scope', 'region_code'],
  ['not an id', 'PATCH', () => '/api/v1/orgs/abc', { note: 'x' }, 400, 'invalid_id', 'id'],
  ['contact without a name', 'POST', () => `/api/v1/orgs/${xinhuaAssoc.id}/contacts`, { phone: '13900001111' }, 400, 'required', 'name'],
  ['contact with a bad phone', 'POST', () => `/api/v1/orgs/${xinhuaAssoc.id}/contacts`, { name: '周', phone: '999' }, 400, 'invalid_phone', 'phone'],
  ['contact title too long', 'POST', () => `/api/v1/orgs/${xinhuaAssoc.id}/contacts`, { name: '周', title: '长'.repeat(51) }, 400, 'too_long', 'title'],
  ['member is not an organisation', 'POST', () => `/api/v1/orgs/${xinhuaAssoc.id}/members`, { member_id: 987654321 }, 404, 'org_not_found', 'member_id'],
  ['member id not a number', 'POST', () => `/api/v1/orgs/${xinhuaAssoc.id}/members`, { member_id: 'x' }, 400, 'invalid_type', 'member_id'],
  ['no member id', 'POST', () => `/api/v1/orgs/${xinhuaAssoc.id}/members`, {}, 400, 'required', 'member_id'],
  ['association is itself', 'POST', () => `/api/v1/orgs/${xinhuaAssoc.id}/members`, () => ({ member_id: xinhuaAssoc.id }), 400, 'self_member', 'member_id'],
  ['"association" is not an association', 'POST', () => `/api/v1/orgs/${merchant.user.org_id}/members`, () => ({ member_id: xinhuaAssoc.id }), 400, 'not_an_association', 'id'],
  ['member outside the officer\'s region', 'POST', () => `/api/v1/orgs/${xinhuaAssoc.id}/members`, () => ({ member_id: renqiuShop.id }), 404, 'org_not_found', 'member_id'],
];

test('each bad input gets its status, code, field and a message in Chinese and English, and changes nothing', async () => {
  const snapshot = async () => JSON.stringify([
    (await call('GET', `/api/v1/orgs/${xinhuaAssoc.id}`, { session: admin })).json,
    (await call('GET', '/api/v1/orgs?region=130902&limit=500', { session: admin })).json.items.map((o) => o.id),
    (await call('GET', '/api/v1/audit?limit=1', { session: admin })).json.items[0].id,
  ]);
  const before = await snapshot();
  for (const [what, method, path, body, status, code, field] of BAD) {
    // org_id of the demo merchant: an officer of 新华区 may write to it
    const b = typeof body === 'function' ? body() : body;
    const zh = await call(method, path(), { session: officer, body: b });
    assert.equal(zh.status, status, `${what}: ${zh.text}`);
    assert.equal(zh.json.error.code, code, what);
    assert.equal(zh.json.error.field, field, what);
    assert.match(zh.json.error.message, /[\u4e00-\u9fff]/, `${what}: Chinese message`);
    const en = await call(method, path(), { session: officer, body: b, headers: { 'Accept-Language': 'en' } });
    assert.equal(en.json.error.code, code, what);
    assert.match(en.json.error.message, /^[\x20-\x7e–]+$/, `${what}: English message ${en.json.error.message}`);
  }
  assert.equal(await snapshot(), before, 'nothing changed');
});

test('a type that accounts or members depend on cannot change', async () => {
  const shop = merchant.user.org_id; // the `merchant` login belongs to it
  const res = await call('PATCH', `/api/v1/orgs/${shop}`, { session: admin, body: { type: 'bank' } });
  assert.equal(res.status, 409);
  assert.equal(res.json.error.code, 'org_has_accounts');
  const a = (await create(admin, { name: `有会员的协会${uniq()}`, type: 'association', region_code: '130902' })).json;
  await call('POST', `/api/v1/orgs/${a.id}/members`, { session: admin, body: { member_id: shop } });
  const res2 = await call('PATCH', `/api/v1/orgs/${a.id}`, { session: admin, body: { type: 'school' } });
  assert.equal(res2.status, 409);
  assert.equal(res2.json.error.code, 'association_has_members');
  assert.equal((await call('GET', `/api/v1/orgs/${a.id}`, { session: admin })).json.type, 'association');
});

test('an officer of 新华区 cannot read or change an organisation of 任丘市; the officer of 任丘市 can', async () => {
  const id = renqiuShop.id;
  const still = JSON.stringify((await call('GET', `/api/v1/orgs/${id}`, { session: admin })).json);
  const tries = [
    ['GET', `/api/v1/orgs/${id}`, undefined],
    ['PATCH', `/api/v1/orgs/${id}`, { name: '改名' }],
    ['POST', `/api/v1/orgs/${id}/contacts`, { name: '越权' }],
    ['DELETE', `/api/v1/orgs/${id}/contacts/1`, undefined],
  ];
  for (const [method, path, body] of tries) {
    const res = await call(method, path, { session: officer, body });
    assert.equal(res.status, 404, `${method} ${path}`);
    assert.equal(res.json.error.code, 'org_not_found');
  }
  // exactly as for an organisation that does not exist
  const none = await call('GET', '/api/v1/orgs/987654321', { session: officer });
  assert.deepEqual(none.json, (await call('GET', `/api/v1/orgs/${id}`, { session: officer })).json);
  const byRegion = await call('GET', '/api/v1/orgs?region=130982', { session: officer });
  assert.equal(byRegion.status, 403);
  const search = await call('GET', `/api/v1/orgs?q=${encodeURIComponent(renqiuShop.name)}`, { session: officer });
  assert.equal(search.json.items.length, 0);
  assert.equal(JSON.stringify((await call('GET', `/api/v1/orgs/${id}`, { session: admin })).json), still);
  // the officer of 任丘市 reads and changes it, and cannot reach 新华区's association
  const mine = await call('PATCH', `/api/v1/orgs/${id}`, { session: renqiu, body: { note: '任丘市局核实' } });
  assert.equal(mine.status, 200, mine.text);
  const theirs = await call('POST', `/api/v1/orgs/${xinhuaAssoc.id}/members`, { session: renqiu, body: { member_id: id } });
  assert.equal(theirs.status, 404);
  // the auditor of 新华区 reads 新华区 only, and changes nothing
  assert.equal((await call('GET', `/api/v1/orgs/${xinhuaAssoc.id}`, { session: auditor })).status, 200);
  assert.equal((await call('GET', `/api/v1/orgs/${id}`, { session: auditor })).status, 404);
  const w = await call('PATCH', `/api/v1/orgs/${xinhuaAssoc.id}`, { session: auditor, body: { note: '审计' } });
  assert.equal(w.status, 403);
  assert.equal((await call('GET', `/api/v1/orgs/${xinhuaAssoc.id}`, { session: auditor })).json.may_edit, false);
});

test('an organisation role sees its own organisation only', async () => {
  const own = await call('GET', `/api/v1/orgs/${merchant.user.org_id}`, { session: merchant });
  assert.equal(own.status, 200, own.text);
  assert.equal(own.json.name, '沧州华北商厦');
  assert.equal(own.json.may_edit, false);
  // it belongs to the city's associations, which it may not open
  assert.ok(own.json.associations.length > 0);
  assert.ok(own.json.associations.every((a) => a.in_scope === false));
  for (const other of [clinic.user.org_id, own.json.associations[0].id, renqiuShop.id]) {
    const res = await call('GET', `/api/v1/orgs/${other}`, { session: merchant });
    assert.equal(res.status, 404, `merchant reads ${other}`);
  }
  assert.equal((await call('GET', `/api/v1/orgs/${clinic.user.org_id}`, { session: clinic })).status, 200);
  const change = await call('PATCH', `/api/v1/orgs/${merchant.user.org_id}`, { session: merchant, body: { note: '自改' } });
  assert.equal(change.status, 403);
  assert.equal((await call('GET', `/api/v1/orgs/${merchant.user.org_id}`, { session: person })).status, 403);
});

test('every change writes an audit row with the organisation\'s region', async () => {
  const o = (await create(officer, { name: `审计测试${uniq()}`, type: 'bank', region_code: '130902', contact_phone: '13700001111' })).json;
  await call('PATCH', `/api/v1/orgs/${o.id}`, { session: officer, body: { address: '新华区北京路1号', contact_phone: '13700002222' } });
  const c = (await call('POST', `/api/v1/orgs/${o.id}/contacts`, { session: officer, body: { name: '吴刚' } })).json;
  await call('DELETE', `/api/v1/orgs/${o.id}/contacts/${c.contacts[0].id}`, { session: officer });
  await call('POST', `/api/v1/orgs/${xinhuaAssoc.id}/members`, { session: officer, body: { member_id: o.id } });
  await call('DELETE', `/api/v1/orgs/${xinhuaAssoc.id}/members/${o.id}`, { session: officer });
  const rows = (await call('GET', '/api/v1/audit?object_type=org&limit=50', { session: admin })).json.items;
  const of = (action, id) => rows.find((r) => r.action === action && r.object_id === String(id));
  for (const [action, id] of [['org.create', o.id], ['org.update', o.id], ['org.contact_add', o.id], ['org.contact_remove', o.id],
    ['org.member_add', xinhuaAssoc.id], ['org.member_remove', xinhuaAssoc.id]]) {
    const row = of(action, id);
    assert.ok(row, `${action} audited`);
    assert.equal(row.region_code, '130902');
    assert.equal(row.actor, 'officer.xinhua');
  }
  const upd = of('org.update', o.id);
  assert.equal(upd.detail.address, '新华区北京路1号');
  assert.equal(upd.detail.contact_phone_changed, true);
  assert.ok(!JSON.stringify(upd.detail).includes('13700002222'), 'phones are not written into the log');
  assert.equal(of('org.member_add', xinhuaAssoc.id).detail.member_id, o.id);
  // the auditor of 新华区 sees them
  const seen = (await call('GET', '/api/v1/audit?object_type=org&limit=50', { session: auditor })).json.items;
  assert.ok(seen.some((r) => r.action === 'org.create' && r.object_id === String(o.id)));
});
