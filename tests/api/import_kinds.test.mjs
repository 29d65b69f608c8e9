// The service-record and organisation imports, the templates of every kind,
// and a 身份证号 that Excel turned into a number: each bad row is listed by
// row, column and reason, the valid rows land, a row already present is
// skipped or updated, never doubled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, call, login, makeIdNumber, uniq } from './lib.mjs';

async function upload(session, kind, text, query = '') {
  const res = await fetch(`${BASE}/api/v1/imports/${kind}${query}`, {
    method: 'POST',
    headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf, 'Content-Type': 'text/csv' },
    body: text,
  });
  return { status: res.status, json: await res.json() };
}

const csv = (rows) => rows.map((r) => r.join(',')).join('\r\n') + '\r\n';

async function newPerson(session, region = '130902') {
  const id = makeIdNumber(region, `19${70 + Math.floor(Math.random() * 20)}0${1 + Math.floor(Math.random() * 9)}15`);
  const p = await call('POST', '/api/v1/people', { session, body: { id_number: id, name: `导入${uniq().slice(-4)}`, region_code: region } });
  assert.equal(p.status, 201, p.text);
  return { id: p.json.id, idNumber: id };
}

test('service records: Chinese names and loose dates accepted, every bad row named, re-import skips', async () => {
  const officer = await login('officer'); // 新华区
  const a = await newPerson(officer);
  const b = await newPerson(officer);
  const renqiu = await newPerson(await login('admin'), '130982');
  const unregistered = makeIdNumber('130902', '19850505');
  const rows = [
    ['身份证号', '军种', '入伍时间', '退役时间', '军衔', '退役方式', '奖励', '艰苦边远地区服役'],
    [a.idNumber, '陆军', '2008/12/1', '2016年12月1日', '上士', '自主就业', '三等功:2012-08-01、嘉奖', '2009-03-01至2012-02-28'],
    [b.idNumber, 'navy', '2010-09-01', '', '', '', '', ''],
    [b.idNumber, '海军', '2010-09-01', '', '', '', '', ''],                     // row 4: same enlistment again
    [unregistered, '陆军', '2001-12-01', '2005-12-01', '', '复员', '', ''],     // row 5: not registered
    [renqiu.idNumber, '陆军', '2001-12-01', '2005-12-01', '', '复员', '', ''],  // row 6: another county's
    [a.idNumber, '骑兵', '2001-12-01', '', '', '', '', ''],                     // row 7: no such branch
    [a.idNumber, '陆军', '2001-12-01', '1999-12-01', '', '', '', ''],           // row 8: discharge before
    [a.idNumber, '陆军', '2001-02-30', '', '', '', '', ''],                     // row 9: no such date
    [a.idNumber, '陆军', '2003-12-01', '2007-12-01', '', '', '五等功', ''],     // row 10: no such award
    [a.idNumber, '陆军', '2003-12-01', '2007-12-01', '', '', '', '2004-01-01'], // row 11: half a period
  ];
  const preview = await upload(officer, 'service', csv(rows));
  assert.equal(preview.status, 200, JSON.stringify(preview.json));
  assert.equal(preview.json.rows, 10);
  assert.equal(preview.json.valid, 2);
  const got = preview.json.problems.map((p) => [p.row, p.column, p.code]);
  assert.deepEqual(got, [
    [4, '入伍时间', 'duplicate_in_file'],
    [5, '身份证号', 'person_not_registered'],
    [6, '身份证号', 'person_not_registered'],
    [7, '军种', 'invalid_value'],
    [8, '退役时间', 'discharge_before_enlistment'],
    [9, '入伍时间', 'invalid_date'],
    [10, '奖励', 'invalid_award_level'],
    [11, '艰苦边远地区服役', 'invalid_period'],
  ]);
  // the preview wrote nothing
  const before = await call('GET', `/api/v1/people/${a.id}`, { session: officer });
  assert.equal(before.json.service.length, 0);

  const done = await upload(officer, 'service', csv(rows), '?commit=1');
  assert.equal(done.status, 200);
  assert.equal(done.json.inserted, 2);
  assert.ok(done.json.rejected_url);
  const page = (await call('GET', `/api/v1/people/${a.id}`, { session: officer })).json;
  assert.equal(page.service.length, 1);
  const s = page.service[0];
  assert.equal(s.branch, 'army');
  assert.equal(s.enlist_date, '2008-12-01');
  assert.equal(s.discharge_date, '2016-12-01');
  assert.equal(s.exit_mode, 'self_employed');
  assert.deepEqual(s.awards.map((x) => [x.level, x.date]).sort(), [['jiajiang', null], ['merit_3', '2012-08-01']]);
  assert.equal(s.periods.length, 1);

  // the same file again: both present, skipped, nothing doubled; with update, the rank changes
  const again = await upload(officer, 'service', csv(rows.slice(0, 3)), '?commit=1');
  assert.deepEqual([again.json.existing, again.json.skipped, again.json.inserted], [2, 2, 0]);
  const changed = rows.slice(0, 2).map((r) => [...r]);
  changed[1][4] = '中士';
  const upd = await upload(officer, 'service', csv(changed), '?commit=1&on_existing=update');
  assert.equal(upd.json.updated, 1);
  const after = (await call('GET', `/api/v1/people/${a.id}`, { session: officer })).json;
  assert.equal(after.service.length, 1);
  assert.equal(after.service[0].rank, '中士');
  assert.equal(after.service[0].awards.length, 2);
});

test('organisations: types by Chinese name, an association joined, duplicates never doubled', async () => {
  const officer = await login('officer'); // 新华区
  const admin = await login('admin');
  const tag = uniq();
  const assoc = await call('POST', '/api/v1/orgs', {
    session: admin, body: { name: `新华拥军协会${tag}`, type: 'association', region_code: '130902' },
  });
  assert.equal(assoc.status, 201, assoc.text);
  const rows = [
    ['名称', '类型', '地区代码', '地址', '纬度', '经度', '联系人', '联系电话', '所属协会'],
    [`拥军超市${tag}`, '拥军商户', '130902', '新华区解放西路8号', '38.31', '116.84', '李红', '13800001234', `新华拥军协会${tag}`],
    [`老兵饭店${tag}`, 'merchant', '130902', '', '', '', '', '', ''],
    [`老兵饭店${tag}`, '拥军商户', '130902', '', '', '', '', '', ''],   // row 4: same name, same region
    [`任丘商店${tag}`, '拥军商户', '130982', '', '', '', '', '', ''],   // row 5: outside the officer's region
    [`某某${tag}`, '杂货铺', '130902', '', '', '', '', '', ''],         // row 6: no such type
    [`坐标${tag}`, '拥军商户', '130902', '', '38.3', '', '', '', ''],    // row 7: half the coordinates
    [`电话${tag}`, '拥军商户', '130902', '', '', '', '', '12345', ''],  // row 8: not a phone
    [`无协会${tag}`, '拥军商户', '130902', '', '', '', '', '', '没有这个协会'], // row 9
  ];
  const res = await upload(officer, 'orgs', csv(rows), '?commit=1');
  assert.equal(res.status, 200, JSON.stringify(res.json));
  assert.equal(res.json.inserted, 2);
  assert.deepEqual(res.json.problems.map((p) => [p.row, p.column, p.code]), [
    [4, '名称', 'duplicate_in_file'],
    [5, '地区代码', 'region_out_of_scope'],
    [6, '类型', 'invalid_org_type'],
    [7, '经度', 'invalid_coordinates'],
    [8, '联系电话', 'invalid_phone'],
    [9, '所属协会', 'association_not_found'],
  ]);
  const list = await call('GET', `/api/v1/orgs?q=${encodeURIComponent(tag)}&type=merchant`, { session: officer });
  assert.equal(list.json.items.length, 2);
  const shop = list.json.items.find((o) => o.name === `拥军超市${tag}`);
  assert.equal(shop.lat, 38.31);
  const page = await call('GET', `/api/v1/orgs/${assoc.json.id}`, { session: admin });
  assert.deepEqual(page.json.members.map((m) => m.name), [`拥军超市${tag}`]);

  // again: present, skipped; nothing doubled
  const again = await upload(officer, 'orgs', csv(rows.slice(0, 3)), '?commit=1');
  assert.deepEqual([again.json.existing, again.json.skipped, again.json.inserted], [2, 2, 0]);
  const list2 = await call('GET', `/api/v1/orgs?q=${encodeURIComponent(tag)}`, { session: officer });
  assert.equal(list2.json.items.filter((o) => o.type === 'merchant').length, 2);

  // updated, with the association it already belongs to: still one membership, the new address kept
  const moved = rows.slice(0, 2).map((r) => [...r]);
  moved[1][3] = '新华区解放西路10号';
  const upd = await upload(officer, 'orgs', csv(moved), '?commit=1&on_existing=update');
  assert.equal(upd.status, 200, JSON.stringify(upd.json));
  assert.deepEqual([upd.json.updated, upd.json.invalid], [1, 0]);
  const page2 = await call('GET', `/api/v1/orgs/${assoc.json.id}`, { session: admin });
  assert.deepEqual(page2.json.members.map((m) => m.name), [`拥军超市${tag}`]);
  const shop2 = await call('GET', `/api/v1/orgs/${shop.id}`, { session: officer });
  assert.equal(shop2.json.address, '新华区解放西路10号');

  // a row the domain refuses only while writing (an association with members cannot become a
  // shop) is undone alone under its savepoint; the next row still lands
  const mixed = [rows[0],
    [`新华拥军协会${tag}`, '拥军商户', '130902', '', '', '', '', '', ''],
    [`新店${tag}`, '拥军商户', '130902', '', '', '', '', '', '']];
  const mix = await upload(officer, 'orgs', csv(mixed), '?commit=1&on_existing=update');
  assert.equal(mix.status, 200, JSON.stringify(mix.json));
  assert.deepEqual(mix.json.problems.map((p) => [p.row, p.code]), [[2, 'association_has_members']]);
  assert.deepEqual([mix.json.updated, mix.json.inserted], [0, 1]);
  assert.equal((await call('GET', `/api/v1/orgs/${assoc.json.id}`, { session: admin })).json.type, 'association');
});

test('a 身份证号 Excel saved as a number (1.30902E+17) is named as such', async () => {
  const officer = await login('officer');
  const text = csv([['身份证号', '姓名', '居住地区代码'], ['1.30902E+17', '王建国', '130902']]);
  const res = await upload(officer, 'people', text);
  assert.equal(res.status, 200);
  assert.deepEqual(res.json.problems.map((p) => [p.row, p.column, p.code]), [[2, '身份证号', 'id_number_was_a_number']]);
});

test('each kind has a template, as CSV and as .xlsx, that imports as a preview', async () => {
  const officer = await login('officer');
  // The example rows are valid; the service example names a person not registered here.
  const expected = { people: [], service: ['person_not_registered'], orgs: [] };
  for (const kind of ['people', 'service', 'orgs']) {
    const t = await fetch(`${BASE}/api/v1/imports/${kind}/template`, { headers: { Cookie: officer.cookie } });
    assert.equal(t.status, 200, kind);
    assert.match(t.headers.get('content-type'), /text\/csv/);
    const body = Buffer.from(await t.arrayBuffer());
    assert.deepEqual([...body.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    const res = await upload(officer, kind, body);
    assert.equal(res.status, 200, `${kind}: ${JSON.stringify(res.json)}`);
    assert.equal(res.json.rows, 1, kind);
    assert.deepEqual(res.json.problems.map((p) => p.code), expected[kind], `${kind} csv`);
    const x = await fetch(`${BASE}/api/v1/imports/${kind}/template?format=xlsx`, { headers: { Cookie: officer.cookie } });
    assert.equal(x.status, 200);
    const xb = Buffer.from(await x.arrayBuffer());
    assert.equal(xb.subarray(0, 2).toString(), 'PK');
    const xr = await upload(officer, kind, xb);
    assert.equal(xr.status, 200, `${kind} xlsx: ${JSON.stringify(xr.json)}`);
    assert.equal(xr.json.format, 'xlsx');
    assert.equal(xr.json.rows, 1);
    // the example 身份证号 sits in a text cell: taken as typed, not as a number Excel mangled
    assert.deepEqual(xr.json.problems.map((p) => p.code), expected[kind], `${kind} xlsx`);
  }
  const bad = await call('GET', '/api/v1/imports/people/template?format=pdf', { session: officer });
  assert.equal(bad.status, 400);
  assert.equal(bad.json.error.field, 'format');
  const merchant = await login('merchant');
  assert.equal((await call('GET', '/api/v1/imports/orgs/template', { session: merchant })).status, 403);
});
