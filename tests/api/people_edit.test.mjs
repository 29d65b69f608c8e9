// Editing a person's record: null clears an optional field, required ones
// refuse it; family links, service records and categories entered by
// mistake are removed (and a service record edited) with the same checks,
// scope and audit as the other person writes. And the demo data's families.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { call, login, makeIdNumber, uniq } from './lib.mjs';

let admin, officer, renqiu;

async function loginAs(username, password) {
  const res = await call('POST', '/api/v1/auth/login', { body: { username, password } });
  assert.equal(res.status, 200, res.text);
  return { cookie: res.headers.get('set-cookie').split(';')[0], csrf: res.json.csrf_token, user: res.json.user };
}

before(async () => {
  admin = await login('admin');
  officer = await login('officer'); // 新华区 130902
  renqiu = await loginAs('officer.renqiu', 'officer-demo-2026'); // 任丘市 130982
});

const tag = () => uniq().slice(-3);

async function mk(name, { region = '130902', birth, ...rest } = {}) {
  const res = await call('POST', '/api/v1/people', {
    session: admin, body: { id_number: makeIdNumber(region, birth), name, region_code: region, ...rest },
  });
  assert.equal(res.status, 201, res.text);
  return res.json;
}

const page = async (id) => (await call('GET', `/api/v1/people/${id}`, { session: admin })).json;

// The newest audit row of an action about a person.
async function auditRow(action, personId) {
  const res = await call('GET', `/api/v1/audit?action=${action}&object_type=person&limit=50`, { session: admin });
  assert.equal(res.status, 200, res.text);
  return res.json.items.find((r) => r.object_id === String(personId));
}

function assertError(res, status, code, field) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json.error.code, code, res.text);
  if (field !== undefined) assert.equal(res.json.error.field, field, res.text);
  assert.ok(res.json.error.message, 'has a message');
}

test('null clears an optional field; a field left out stays as it was', async () => {
  const p = await mk(`清空${tag()}`, {
    phone: '13912340000', address: '新华区建设北大街1号', household_region_code: '130903',
    household_address: '运河区解放西路2号', lat: 38.3, lon: 116.85,
  });
  const res = await call('PATCH', `/api/v1/people/${p.id}`, { session: officer, body: { phone: null, address: null } });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.address, null);
  assert.ok(!res.json.phone, `phone shown as ${res.json.phone}`);
  assert.equal(res.json.household_address, '运河区解放西路2号');
  assert.equal(res.json.household_region_code, '130903');
  assert.equal(res.json.lat, 38.3);
  assert.equal(res.json.name, p.name);
  const full = await call('POST', `/api/v1/people/${p.id}/unmask`, { session: admin, body: { reason: '核对清空' } });
  assert.equal(full.json.phone, null);

  const row = await auditRow('person.update', p.id);
  assert.ok(row, 'update audited');
  assert.deepEqual(row.detail.cleared, ['phone', 'address']);

  // household region and address, and the coordinates together
  const more = await call('PATCH', `/api/v1/people/${p.id}`, {
    session: officer, body: { household_region_code: null, household_address: null, lat: null, lon: null },
  });
  assert.equal(more.status, 200, more.text);
  for (const k of ['household_region_code', 'household_region_name', 'household_address', 'lat', 'lon']) {
    assert.equal(more.json[k], null, k);
  }
  // one coordinate null beside a number is refused, nothing changes
  await call('PATCH', `/api/v1/people/${p.id}`, { session: officer, body: { lat: 38.31, lon: 116.86 } });
  const half = await call('PATCH', `/api/v1/people/${p.id}`, { session: officer, body: { lat: null, lon: 116.9 } });
  assertError(half, 400, 'invalid_coordinates', 'lat');
  const after = await page(p.id);
  assert.equal(after.lat, 38.31);
  assert.equal(after.lon, 116.86);
  const both = await call('PATCH', `/api/v1/people/${p.id}`, { session: officer, body: { lat: null } });
  assert.equal(both.status, 200, both.text);
  assert.equal(both.json.lat, null);
  assert.equal(both.json.lon, null);
});

test('null on a required field is refused with its error and changes nothing', async () => {
  const p = await mk(`必填${tag()}`, { address: '新华区永济东路3号' });
  const name = await call('PATCH', `/api/v1/people/${p.id}`, { session: officer, body: { name: null, address: null } });
  assertError(name, 400, 'required', 'name');
  assert.match(name.json.error.message, /姓名/);
  const en = await call('PATCH', `/api/v1/people/${p.id}`, {
    session: officer, body: { region_code: null }, headers: { 'Accept-Language': 'en' },
  });
  assertError(en, 400, 'required', 'region_code');
  assert.match(en.json.error.message, /region_code is required/);
  const empty = await call('PATCH', `/api/v1/people/${p.id}`, { session: officer, body: { name: '' } });
  assertError(empty, 400, 'required', 'name');
  // the 身份证号 never changes here, not even to null
  for (const idn of [null, makeIdNumber('130902', '19800101')]) {
    const res = await call('PATCH', `/api/v1/people/${p.id}`, { session: officer, body: { id_number: idn } });
    assertError(res, 400, 'id_number_immutable', 'id_number');
  }
  const still = await page(p.id);
  assert.equal(still.name, p.name);
  assert.equal(still.region_code, '130902');
  assert.equal(still.address, '新华区永济东路3号');
  assert.equal(still.id_number, p.id_number);
  assert.equal(still.updated_at, p.updated_at);
});

test('removing a family link removes the 烈士遗属 derived from it, and is audited', async () => {
  const martyr = await mk(`英烈${tag()}`, { birth: '19600101' });
  const child = await mk(`遗孤${tag()}`, { birth: '19850101' });
  const dead = await call('POST', `/api/v1/people/${martyr.id}/status`, {
    session: officer, body: { status: 'deceased', since: '1998-08-10', death_kind: 'martyr', reason: '抗洪牺牲' },
  });
  assert.equal(dead.status, 200, dead.text);
  const link = await call('POST', `/api/v1/people/${martyr.id}/family`, {
    session: officer, body: { relative_id: child.id, relation: 'child' },
  });
  assert.equal(link.status, 201, link.text);
  const lid = link.json.family[0].link_id;
  const before = await page(child.id);
  assert.ok(before.categories.some((c) => c.category === 'martyr_family' && c.derived));
  const byCat = `/api/v1/people?category=martyr_family&q=${encodeURIComponent(child.name)}`;
  assert.equal((await call('GET', byCat, { session: admin })).json.items.length, 1);

  // a link that is not this person's is not found, whoever's it is
  const stranger = await mk(`路人${tag()}`);
  assertError(await call('DELETE', `/api/v1/people/${stranger.id}/family/${lid}`, { session: officer }), 404, 'link_not_found');

  // removed from the child's side (the link was made from the martyr's)
  const res = await call('DELETE', `/api/v1/people/${child.id}/family/${lid}`, { session: officer, body: { reason: '关系登记错误' } });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json.family, []);
  assert.equal(res.json.categories.filter((c) => c.category === 'martyr_family').length, 0);
  assert.deepEqual((await page(martyr.id)).family, []);
  assert.equal((await call('GET', byCat, { session: admin })).json.items.length, 0);
  const row = await auditRow('person.family_unlink', child.id);
  assert.ok(row, 'unlink audited');
  assert.equal(row.detail.link_id, lid);
  assert.equal(row.detail.relative_id, child.id);
  assert.equal(row.detail.reason, '关系登记错误');
  assertError(await call('DELETE', `/api/v1/people/${child.id}/family/${lid}`, { session: officer }), 404, 'link_not_found');
});

test('an officer cannot remove a link to someone outside their region', async () => {
  const here = await mk(`本区${tag()}`);
  const there = await mk(`外区${tag()}`, { region: '130903' });
  const link = await call('POST', `/api/v1/people/${here.id}/family`, { session: admin, body: { relative_id: there.id, relation: 'spouse' } });
  assert.equal(link.status, 201, link.text);
  const lid = link.json.family[0].link_id;
  assertError(await call('DELETE', `/api/v1/people/${here.id}/family/${lid}`, { session: officer }), 403, 'region_out_of_scope');
  assert.equal((await page(here.id)).family.length, 1);
});

test('a service record is edited with the checks of a new one; a bad change changes nothing', async () => {
  const p = await mk(`服役${tag()}`, { birth: '19850101' });
  const add = await call('POST', `/api/v1/people/${p.id}/service`, {
    session: officer,
    body: { branch: 'army', enlist_date: '2005-12-01', discharge_date: '2017-12-01', rank: '上士', exit_mode: 'placed',
      awards: [{ level: 'merit_2', wartime: false, date: '2012-08-01' }], periods: [{ kind: 'island', start_date: '2008-01-01', end_date: '2011-01-01' }] },
  });
  assert.equal(add.status, 201, add.text);
  const original = add.json.service[0];
  const sid = original.id;
  const url = `/api/v1/people/${p.id}/service/${sid}`;
  const bad = [
    [{ discharge_date: '2001-01-01' }, 'discharge_before_enlistment', 'discharge_date'],
    [{ enlist_date: '2018-03-01' }, 'discharge_before_enlistment', 'discharge_date'],
    [{ discharge_date: '2999-01-01' }, 'date_in_future', 'discharge_date'],
    [{ enlist_date: '2999-01-01' }, 'date_in_future', 'enlist_date'],
    [{ awards: [{ level: 'medal_of_cake' }] }, 'invalid_award_level', 'awards'],
    [{ rank: '中士', awards: [{ level: 'merit_3', date: '2999-01-01' }] }, 'date_in_future', 'awards'],
    [{ branch: 'cavalry' }, 'invalid_branch', 'branch'],
    [{ branch: null }, 'required', 'branch'],
    [{ enlist_date: null }, 'required', 'enlist_date'],
    [{ discharge_date: null }, 'required', 'discharge_date'], // the exit mode needs it
    [{ disability_grade: 5 }, 'invalid_disability_cause', 'disability_cause'],
  ];
  for (const [body, code, field] of bad) {
    const res = await call('PATCH', url, { session: officer, body });
    assertError(res, 400, code, field);
    assert.deepEqual((await page(p.id)).service[0], original, JSON.stringify(body));
  }

  const ok = await call('PATCH', url, {
    session: officer, body: { rank: '四级军士长', awards: [{ level: 'merit_3', wartime: true, date: '2010-08-01' }] },
  });
  assert.equal(ok.status, 200, ok.text);
  const svc = ok.json.service[0];
  assert.equal(svc.rank, '四级军士长');
  assert.deepEqual(svc.awards, [{ level: 'merit_3', wartime: true, date: '2010-08-01' }]);
  assert.deepEqual(svc.periods, original.periods); // not named: kept
  assert.equal(svc.discharge_date, '2017-12-01');
  const row = await auditRow('person.service_update', p.id);
  assert.ok(row, 'update audited');
  assert.equal(row.detail.service_id, sid);
  assert.deepEqual(row.detail.changed, ['rank', 'awards']);

  // back to serving: the exit mode and discharge date cleared together, the lists emptied
  const serving = await call('PATCH', url, { session: officer, body: { exit_mode: null, discharge_date: null, awards: null, periods: [] } });
  assert.equal(serving.status, 200, serving.text);
  const s2 = serving.json.service[0];
  assert.equal(s2.discharge_date, null);
  assert.equal(s2.exit_mode, null);
  assert.deepEqual(s2.awards, []);
  assert.deepEqual(s2.periods, []);

  // a record of someone else is not found through this person
  const other = await mk(`他人${tag()}`);
  assertError(await call('PATCH', `/api/v1/people/${other.id}/service/${sid}`, { session: officer, body: { rank: '中士' } }),
    404, 'service_not_found');
});

test('a service record and a category entered by mistake are deleted, and audited', async () => {
  const p = await mk(`误录${tag()}`, { birth: '19700101' });
  const add = await call('POST', `/api/v1/people/${p.id}/service`, {
    session: officer, body: { branch: 'navy', enlist_date: '1990-03-01', discharge_date: '2002-12-01', awards: [{ level: 'jiajiang' }] },
  });
  assert.equal(add.status, 201, add.text);
  const sid = add.json.service[0].id;
  const del = await call('DELETE', `/api/v1/people/${p.id}/service/${sid}`, { session: officer, body: { reason: '重复录入' } });
  assert.equal(del.status, 200, del.text);
  assert.deepEqual(del.json.service, []);
  const srow = await auditRow('person.service_delete', p.id);
  assert.ok(srow, 'service delete audited');
  assert.equal(srow.detail.service_id, sid);
  assert.equal(srow.detail.branch, 'navy');
  assert.equal(srow.detail.reason, '重复录入');
  assertError(await call('DELETE', `/api/v1/people/${p.id}/service/${sid}`, { session: officer }), 404, 'service_not_found');

  // a category: deleting it is not ending it
  const c1 = await call('POST', `/api/v1/people/${p.id}/categories`, { session: officer, body: { category: 'veteran', start_date: '2002-12-01' } });
  const c2 = await call('POST', `/api/v1/people/${p.id}/categories`, { session: officer, body: { category: 'active_duty', start_date: '1990-03-01' } });
  assert.equal(c2.status, 201, c2.text);
  const [veteran, active] = c2.json.categories.filter((c) => c.id);
  assert.equal(c1.status, 201);
  const end = await call('POST', `/api/v1/people/${p.id}/categories/${active.id}/end`, { session: officer, body: { end_date: '2002-12-01' } });
  assert.equal(end.json.categories.find((c) => c.id === active.id).end_date, '2002-12-01');
  const gone = await call('DELETE', `/api/v1/people/${p.id}/categories/${veteran.id}`, { session: officer });
  assert.equal(gone.status, 200, gone.text);
  assert.deepEqual(gone.json.categories.map((c) => c.id), [active.id]);
  const crow = await auditRow('person.category_delete', p.id);
  assert.ok(crow, 'category delete audited');
  assert.equal(crow.detail.category_id, veteran.id);
  assert.equal(crow.detail.category, 'veteran');
  assertError(await call('DELETE', `/api/v1/people/${p.id}/categories/${veteran.id}`, { session: officer }), 404, 'category_not_found');
  // a reason that is too long is refused before anything is removed
  const long = await call('DELETE', `/api/v1/people/${p.id}/categories/${active.id}`, { session: officer, body: { reason: '很'.repeat(201) } });
  assert.equal(long.status, 400, long.text);
  assert.equal((await page(p.id)).categories.length, 1);
});

test('an officer of another region gets 404 on each new route, and nothing changes', async () => {
  const p = await mk(`越权${tag()}`, { phone: '13811112222', birth: '19750101' });
  const rel = await mk(`亲属${tag()}`, { birth: '19760101' });
  await call('POST', `/api/v1/people/${p.id}/family`, { session: admin, body: { relative_id: rel.id, relation: 'spouse' } });
  await call('POST', `/api/v1/people/${p.id}/categories`, { session: admin, body: { category: 'veteran' } });
  const full = await call('POST', `/api/v1/people/${p.id}/service`, {
    session: admin, body: { branch: 'army', enlist_date: '1993-12-01', discharge_date: '2005-12-01' },
  });
  assert.equal(full.status, 201, full.text);
  const before = full.json;
  const lid = before.family[0].link_id;
  const cid = before.categories.find((c) => c.id).id;
  const sid = before.service[0].id;
  const calls = [
    ['PATCH', `/api/v1/people/${p.id}`, { phone: null }],
    ['DELETE', `/api/v1/people/${p.id}/family/${lid}`],
    ['DELETE', `/api/v1/people/${rel.id}/family/${lid}`],
    ['PATCH', `/api/v1/people/${p.id}/service/${sid}`, { rank: '中士' }],
    ['DELETE', `/api/v1/people/${p.id}/service/${sid}`],
    ['DELETE', `/api/v1/people/${p.id}/categories/${cid}`],
  ];
  for (const [method, path, body] of calls) {
    const res = await call(method, path, { session: renqiu, body });
    assertError(res, 404, 'person_not_found');
  }
  const after = await page(p.id);
  assert.deepEqual(after, before);
  // and the roles that may not write at all are refused before any lookup
  const auditor = await login('auditor');
  assertError(await call('DELETE', `/api/v1/people/${p.id}/categories/${cid}`, { session: auditor }), 403, 'forbidden');
});

test('the demo data has 烈士遗属 and 军属 through family links, not entered twice', async () => {
  const links = await call('GET', '/api/v1/audit?action=person.family_link&actor=demo&limit=500', { session: admin });
  assert.equal(links.status, 200, links.text);
  assert.ok(links.json.items.length > 0, 'the demo links families');
  const ids = new Set();
  for (const row of links.json.items) {
    ids.add(Number(row.object_id));
    ids.add(row.detail.relative_id);
  }
  const found = {};
  for (const id of ids) {
    const p = await page(id);
    for (const c of p.categories) {
      if (!c.derived) continue;
      found[c.category] = found[c.category] || [];
      found[c.category].push({ person: p, via: c.via });
      // a category derived from a link is never entered again beside it
      assert.ok(!p.categories.some((e) => !e.derived && e.category === c.category), `${p.id} holds ${c.category} twice`);
    }
  }
  assert.ok(found.martyr_family, 'a 烈士遗属 in the demo data');
  assert.ok(found.military_family, 'a 军属 in the demo data');
  for (const { via } of found.martyr_family) {
    const martyr = await page(via.person_id);
    assert.equal(martyr.status, 'deceased');
    assert.equal(martyr.death_kind, 'martyr');
  }
});
