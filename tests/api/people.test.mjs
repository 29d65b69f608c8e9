// The people registry over HTTP: 身份证号 rules, scope between regions,
// masking and audited unmasking, derived family categories, search.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { call, login, makeIdNumber, uniq } from './lib.mjs';

let admin, yunhe, renqiuPerson;

before(async () => {
  admin = await login('admin');
  // an officer of 运河区 (130903), made for this test
  const name = `officer.yunhe.${uniq()}`;
  const u = await call('POST', '/api/v1/users', {
    session: admin, body: { username: name, display_name: '运河经办', password: 'yunhe-password-1', role: 'officer', region_code: '130903' },
  });
  assert.equal(u.status, 201, u.text);
  const res = await fetch(process.env.SY_BASE_URL + '/api/v1/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username: name, password: 'yunhe-password-1' }),
  });
  const j = await res.json();
  yunhe = { cookie: res.headers.get('set-cookie').split(';')[0], csrf: j.csrf_token };
  const p = await call('POST', '/api/v1/people', {
    session: admin, body: { id_number: makeIdNumber('130982', '19750607'), name: '任丘测试', region_code: '130982', phone: '13912345678' },
  });
  assert.equal(p.status, 201, p.text);
  renqiuPerson = p.json;
});

test('a valid 身份证号 is accepted, birth date and sex derived, shown masked', async () => {
  const idn = makeIdNumber('130903', '19681224');
  const res = await call('POST', '/api/v1/people', { session: admin, body: { id_number: idn, name: '赵建军', region_code: '130903' } });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.birth_date, '1968-12-24');
  assert.equal(res.json.sex, Number(idn[16]) % 2 ? 'M' : 'F');
  assert.equal(res.json.id_number, idn.slice(0, 6) + '********' + idn.slice(14));
});

test('each bad 身份证号 gets its documented answer and changes nothing', async () => {
  const good = makeIdNumber('130903', '19700101');
  const wrongCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
  const cases = [
    [wrongCheck, '身份证号校验位错误'],
    ['130903' + '19700230' + '123', null], // Feb 30, check char appended below
    ['990101' + '19700101' + '123', null], // no such province
    [good.slice(0, 17), '长度'],
    [good + '1', '长度'],
  ];
  for (let [idn, msg] of cases) {
    if (idn.length === 17 && !msg) {
      const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
      let s = 0; for (let i = 0; i < 17; i++) s += Number(idn[i]) * w[i];
      idn += '10X98765432'[s % 11];
    }
    const before = (await call('GET', `/api/v1/people?q=${idn.slice(-4)}&limit=500`, { session: admin })).json.items.length;
    const res = await call('POST', '/api/v1/people', { session: admin, body: { id_number: idn, name: '错误号码', region_code: '130903' } });
    assert.equal(res.status, 400, idn);
    assert.equal(res.json.error.code, 'invalid_id_number', idn);
    assert.equal(res.json.error.field, 'id_number');
    if (msg) assert.match(res.json.error.message, new RegExp(msg), idn);
    const after = (await call('GET', `/api/v1/people?q=${idn.slice(-4)}&limit=500`, { session: admin })).json.items.length;
    assert.equal(after, before);
  }
  // a lower-case x is accepted and stored upper-case
  let idx;
  do { idx = makeIdNumber('130903', '19820315'); } while (!idx.endsWith('X'));
  const res = await call('POST', '/api/v1/people', { session: admin, body: { id_number: idx.toLowerCase(), name: '小写X', region_code: '130903' } });
  assert.equal(res.status, 201, res.text);
  assert.ok(res.json.id_number.endsWith('X'));
  const dup = await call('POST', '/api/v1/people', { session: admin, body: { id_number: idx, name: '重复', region_code: '130903' } });
  assert.equal(dup.status, 409);
  assert.equal(dup.json.error.code, 'person_exists');
});

test('an officer of 运河区 cannot read, search, export or change a person of 任丘市', async () => {
  const id = renqiuPerson.id;
  const read = await call('GET', `/api/v1/people/${id}`, { session: yunhe });
  assert.equal(read.status, 404);
  const search = await call('GET', '/api/v1/people?q=任丘测试', { session: yunhe });
  assert.equal(search.status, 200);
  assert.equal(search.json.items.length, 0);
  const byRegion = await call('GET', '/api/v1/people?region=130982', { session: yunhe });
  assert.equal(byRegion.status, 403);
  assert.equal(byRegion.json.error.code, 'region_out_of_scope');
  const exp = await call('GET', '/api/v1/people?format=csv&q=任丘测试', { session: yunhe });
  assert.equal(exp.status, 200);
  assert.doesNotMatch(exp.text, /任丘测试/);
  const change = await call('PATCH', `/api/v1/people/${id}`, { session: yunhe, body: { name: '改名' } });
  assert.equal(change.status, 404);
  const unmask = await call('POST', `/api/v1/people/${id}/unmask`, { session: yunhe, body: { reason: '试图越权' } });
  assert.equal(unmask.status, 404);
  const moveIn = await call('POST', '/api/v1/people', { session: yunhe, body: { id_number: makeIdNumber('130982'), name: '越权建档', region_code: '130982' } });
  assert.equal(moveIn.status, 403);
  assert.equal(moveIn.json.error.code, 'region_out_of_scope');
  const still = await call('GET', `/api/v1/people/${id}`, { session: admin });
  assert.equal(still.json.name, '任丘测试');
});

test('unmasking needs a reason and a role that may, and is audited', async () => {
  const id = renqiuPerson.id;
  const noReason = await call('POST', `/api/v1/people/${id}/unmask`, { session: admin, body: {} });
  assert.equal(noReason.status, 400);
  const oneChar = await call('POST', `/api/v1/people/${id}/unmask`, { session: admin, body: { reason: '查' } });
  assert.equal(oneChar.status, 400);
  assert.equal(oneChar.json.error.code, 'reason_required');
  const oneCharExport = await call('GET', `/api/v1/people?format=csv&unmask=1&reason=${encodeURIComponent('查')}`, { session: admin });
  assert.equal(oneCharExport.status, 400);
  assert.equal(oneCharExport.json.error.code, 'reason_required');
  const auditor = await login('auditor');
  const denied = await call('POST', `/api/v1/people/${id}/unmask`, { session: auditor, body: { reason: '核查' } });
  assert.equal(denied.status, 403);
  const ok = await call('POST', `/api/v1/people/${id}/unmask`, { session: admin, body: { reason: '办理优待证核对身份' } });
  assert.equal(ok.status, 200);
  assert.equal(ok.json.id_number.length, 18);
  assert.equal(ok.json.phone, '13912345678');
  const audit = await call('GET', '/api/v1/audit?action=person.unmask&limit=5', { session: admin });
  const row = audit.json.items.find((r) => r.object_id === String(id));
  assert.ok(row, 'unmask audited');
  assert.equal(row.detail.reason, '办理优待证核对身份');
  // exports are masked unless asked, with a reason, by a role that may
  const masked = await call('GET', '/api/v1/people?format=csv&q=任丘测试', { session: admin });
  assert.match(masked.text, /\*{8}/);
  const bare = await call('GET', '/api/v1/people?format=csv&q=任丘测试&unmask=1', { session: admin });
  assert.equal(bare.status, 400);
  assert.equal(bare.json.error.code, 'reason_required');
  const full = await call('GET', `/api/v1/people?format=csv&q=任丘测试&unmask=1&reason=${encodeURIComponent('年度核对')}`, { session: admin });
  assert.equal(full.status, 200);
  assert.doesNotMatch(full.text, /\*{8}/);
  const a2 = await call('GET', '/api/v1/audit?action=people.export_unmasked&limit=1', { session: admin });
  assert.equal(a2.json.items[0].detail.reason, '年度核对');
});

test('linking a child to a martyr makes the child a 烈士遗属, and says why', async () => {
  const mk = async (name, birth) => (await call('POST', '/api/v1/people', {
    session: admin, body: { id_number: makeIdNumber('130903', birth), name, region_code: '130903' },
  })).json;
  const martyr = await mk(`英烈${uniq().slice(0, 3)}`, '19500101');
  const child = await mk(`遗孤${uniq().slice(0, 3)}`, '19750101');
  const dead = await call('POST', `/api/v1/people/${martyr.id}/status`, {
    session: admin, body: { status: 'deceased', since: '1979-02-17', death_kind: 'martyr', reason: '烈士' },
  });
  assert.equal(dead.status, 200, dead.text);
  const link = await call('POST', `/api/v1/people/${martyr.id}/family`, { session: admin, body: { relative_id: child.id, relation: 'child' } });
  assert.equal(link.status, 201, link.text);
  const page = (await call('GET', `/api/v1/people/${child.id}`, { session: admin })).json;
  const cat = page.categories.find((c) => c.category === 'martyr_family');
  assert.ok(cat, JSON.stringify(page.categories));
  assert.equal(cat.derived, true);
  assert.equal(cat.via.person_id, martyr.id);
  assert.equal(cat.via.relation, 'child');
  const found = await call('GET', `/api/v1/people?category=martyr_family&q=${encodeURIComponent(child.name)}`, { session: admin });
  assert.deepEqual(found.json.items.map((x) => x.id), [child.id]);
  // a sibling counts only when the martyr supported them
  const sib = await mk(`胞弟${uniq().slice(0, 3)}`, '19550101');
  await call('POST', `/api/v1/people/${martyr.id}/family`, { session: admin, body: { relative_id: sib.id, relation: 'sibling' } });
  const sp = (await call('GET', `/api/v1/people/${sib.id}`, { session: admin })).json;
  assert.equal(sp.categories.filter((c) => c.category === 'martyr_family').length, 0);
});

test('search by partial name and by the last four ID digits', async () => {
  const idn = makeIdNumber('130903', '19900909');
  const p = (await call('POST', '/api/v1/people', { session: admin, body: { id_number: idn, name: '欧阳卫国', region_code: '130903' } })).json;
  for (const q of ['卫国', '欧阳', '阳卫', idn.slice(-4), idn, idn.slice(-8)]) {
    const res = await call('GET', `/api/v1/people?q=${encodeURIComponent(q)}&limit=500`, { session: admin });
    assert.equal(res.status, 200, q);
    assert.ok(res.json.items.some((x) => x.id === p.id), `not found by ${q}`);
  }
  const short = await call('GET', '/api/v1/people?q=12', { session: admin });
  assert.equal(short.status, 400);
  assert.equal(short.json.error.code, 'query_too_short');
  // bytes that are not UTF-8 (an overlong form, then a stray continuation byte) are refused, not searched
  for (const raw of ['%C0%AF', '%80%80%80%80%80%80%80%80%80%80%80%80%80%80%80%80%80']) {
    const bad = await call('GET', `/api/v1/people?q=${raw}`, { session: admin });
    assert.equal(bad.status, 400, raw);
    assert.equal(bad.json.error.code, 'invalid_text');
    assert.equal(bad.json.error.field, 'q');
  }
});

test('service history is validated', async () => {
  const id = renqiuPerson.id;
  const bad = [
    [{ branch: 'army', enlist_date: '2010-12-01', discharge_date: '2009-12-01' }, 'discharge_before_enlistment'],
    [{ branch: 'army', enlist_date: '2999-12-01' }, 'date_in_future'],
    [{ branch: 'cavalry', enlist_date: '2010-12-01' }, 'invalid_branch'],
    [{ branch: 'army', enlist_date: '2010-12-01', awards: [{ level: 'medal_of_cake' }] }, 'invalid_award_level'],
    [{ branch: 'army', enlist_date: '2010-02-30' }, 'invalid_date'],
  ];
  for (const [body, code] of bad) {
    const res = await call('POST', `/api/v1/people/${id}/service`, { session: admin, body });
    assert.equal(res.status, 400, JSON.stringify(body));
    assert.equal(res.json.error.code, code);
  }
  const ok = await call('POST', `/api/v1/people/${id}/service`, {
    session: admin,
    body: { branch: 'navy', enlist_date: '2005-12-01', discharge_date: '2017-12-01', exit_mode: 'placed',
      awards: [{ level: 'merit_2', wartime: false, date: '2012-08-01' }], periods: [{ kind: 'island', start_date: '2008-01-01', end_date: '2011-01-01' }] },
  });
  assert.equal(ok.status, 201, ok.text);
  const svc = ok.json.service.at(-1);
  assert.equal(svc.awards[0].level, 'merit_2');
  assert.equal(svc.periods[0].kind, 'island');
});
