// The merchant import: organisations with their network profile. Every bad
// row is listed by row, column and reason; valid rows land as members (with
// their plaque) or candidates, join their association, and show in nearby
// search at once; a merchant already registered under the same name in the
// region is reported as existing and skipped, or updated — never doubled or
// dropped silently. The template and the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, BIN, DB, call, login, uniq } from './lib.mjs';

async function upload(session, text, query = '') {
  const res = await fetch(`${BASE}/api/v1/imports/merchants${query}`, {
    method: 'POST',
    headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf, 'Content-Type': 'text/csv' },
    body: text,
  });
  return { status: res.status, json: await res.json() };
}

const csv = (rows) => rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
const HEADER = ['名称', '地区代码', '地址', '纬度', '经度', '行业类别', '营业时间', '牌匾编号', '状态', '联系人', '联系电话', '所属协会'];
const profile = async (session, name) => {
  const r = await call('GET', `/api/v1/merchants?q=${encodeURIComponent(name)}`, { session });
  assert.equal(r.status, 200, r.text);
  return r.json.items.filter((m) => m.name === name);
};

test('merchant import: problems by row and column, members and candidates, association, nearby at once', async () => {
  const officer = await login('officer'); // 新华区
  const u = uniq();
  const assoc = await call('POST', '/api/v1/orgs', { session: officer, body: { name: `导入测试协会${u}`, type: 'association', region_code: '130902' } });
  assert.equal(assoc.status, 201, assoc.text);
  const taken = (await call('GET', '/api/v1/merchants?status=member&limit=1', { session: officer })).json.items[0].plaque_no;
  const lat = 38.36 + Math.round(Math.random() * 1e4) / 1e6;
  const rows = [
    HEADER,
    [`导入饭店${u}`, '130902', '新华区解放西路9号', lat, '116.9001', '餐饮', '周一至周日 10:00-22:00', `P1-${u}`, '成员', '张三', '13800000001', assoc.json.name],
    [`导入超市${u}`, '130902', '新华区解放西路10号', lat + 0.001, '116.9001', 'supermarket', '', '', '候选', '', '', ''],
    [`坏类别${u}`, '130902', '', '', '', '飞机', '', `P3-${u}`, '成员', '', '', ''],           // row 4
    [`无牌匾${u}`, '130902', '', '', '', '餐饮', '', '', '', '', '', ''],                       // row 5: member by default
    [`重复牌匾${u}`, '130902', '', '', '', '餐饮', '', `P1-${u}`, '成员', '', '', ''],          // row 6
    [`坏协会${u}`, '130902', '', '', '', '餐饮', '', `P7-${u}`, '成员', '', '', `无此协会${u}`], // row 7
    [`任丘店${u}`, '130982', '', '', '', '餐饮', '', `P8-${u}`, '成员', '', '', ''],           // row 8: outside 新华区
    [`坏坐标${u}`, '130902', '', '98', '116.9', '餐饮', '', `P9-${u}`, '成员', '', '', ''],     // row 9
    [`坏状态${u}`, '130902', '', '', '', '餐饮', '', `P10-${u}`, '退出', '', '', ''],          // row 10
    [`导入饭店${u}`, '130902', '', '', '', '餐饮', '', `P11-${u}`, '成员', '', '', ''],         // row 11: twice in the file
    [`别家牌匾${u}`, '130902', '', '', '', '餐饮', '', taken, '成员', '', '', ''],              // row 12: another's plaque
  ];
  const preview = await upload(officer, csv(rows));
  assert.equal(preview.status, 200, JSON.stringify(preview.json));
  assert.equal(preview.json.rows, 11);
  assert.equal(preview.json.valid, 2);
  assert.deepEqual(preview.json.problems.map((p) => [p.row, p.column, p.code]), [
    [4, '行业类别', 'invalid_category'],
    [5, '牌匾编号', 'plaque_required'],
    [6, '牌匾编号', 'duplicate_in_file'],
    [7, '所属协会', 'association_not_found'],
    [8, '地区代码', preview.json.problems.find((p) => p.row === 8).code],
    [9, '纬度', preview.json.problems.find((p) => p.row === 9).code],
    [10, '状态', 'invalid_status'],
    [11, '名称', 'duplicate_in_file'],
    [12, '牌匾编号', 'plaque_taken'],
  ]);
  assert.deepEqual(await profile(officer, `导入饭店${u}`), [], 'a preview writes nothing');

  const done = await upload(officer, csv(rows), '?commit=1');
  assert.equal(done.status, 200, JSON.stringify(done.json));
  assert.equal(done.json.inserted, 2);
  const [shop] = await profile(officer, `导入饭店${u}`);
  assert.equal(shop.status, 'member');
  assert.equal(shop.plaque_no, `P1-${u}`);
  assert.equal(shop.category, 'catering', 'the Chinese category name is read');
  assert.equal(shop.opening_hours, '周一至周日 10:00-22:00');
  const [cand] = await profile(officer, `导入超市${u}`);
  assert.equal(cand.status, 'candidate');
  const org = await call('GET', `/api/v1/orgs/${shop.org_id}`, { session: officer });
  assert.ok(org.json.associations.some((a) => a.id === assoc.json.id), 'joined its association');
  assert.equal(org.json.contact_name, '张三');

  // the new member is in nearby search at once; the candidate is not
  const near = await call('GET', `/api/v1/circle/nearby?lat=${lat}&lon=116.9001&minutes=10`, { session: officer });
  const ids = near.json.items.map((m) => m.org_id);
  assert.ok(ids.includes(shop.org_id));
  assert.ok(!ids.includes(cand.org_id));

  // again: both are reported as existing and skipped, nothing doubled
  const again = await upload(officer, csv(rows.slice(0, 3)), '?commit=1');
  assert.equal(again.json.existing, 2);
  assert.equal(again.json.skipped, 2);
  assert.equal(again.json.inserted, 0);
  assert.equal((await profile(officer, `导入饭店${u}`)).length, 1);

  // update: the member's hours change (a blank plaque keeps its plaque); the candidate joins with one
  const upd = [HEADER,
    [`导入饭店${u}`, '130902', '', '', '', '', '周一至周五 11:00-21:00', '', '成员', '', '', ''],
    [`导入超市${u}`, '130902', '', '', '', '', '', `P2-${u}`, '成员', '', '', '']];
  const u2 = await upload(officer, csv(upd), '?commit=1&on_existing=update');
  assert.equal(u2.status, 200, JSON.stringify(u2.json));
  assert.equal(u2.json.updated, 2);
  const [shop2] = await profile(officer, `导入饭店${u}`);
  assert.equal(shop2.opening_hours, '周一至周五 11:00-21:00');
  assert.equal(shop2.plaque_no, `P1-${u}`);
  const [cand2] = await profile(officer, `导入超市${u}`);
  assert.equal(cand2.status, 'member');
  const near2 = await call('GET', `/api/v1/circle/nearby?lat=${lat}&lon=116.9001&minutes=10`, { session: officer });
  assert.ok(near2.json.items.some((m) => m.org_id === cand2.org_id), 'the joined candidate is in nearby at once');

  // a member cannot be made a candidate by a file
  const demote = await upload(officer, csv([HEADER, [`导入饭店${u}`, '130902', '', '', '', '', '', '', '候选', '', '', '']]),
    '?on_existing=update');
  assert.deepEqual(demote.json.problems.map((p) => [p.row, p.column, p.code]), [[2, '状态', 'already_member']]);
});

test('merchant import: template, roles, CLI', async () => {
  const admin = await login('admin');
  const t = await fetch(`${BASE}/api/v1/imports/merchants/template`, { headers: { Cookie: admin.cookie } });
  assert.equal(t.status, 200);
  const head = (await t.text()).replace(/^\uFEFF/, '').split(/\r?\n/)[0];
  assert.match(head, /^名称,地区代码,地址,纬度,经度,行业类别,营业时间,牌匾编号,状态,联系人,联系电话,所属协会$/);
  const x = await fetch(`${BASE}/api/v1/imports/merchants/template?format=xlsx`, { headers: { Cookie: admin.cookie } });
  assert.equal(x.status, 200);
  assert.equal(Buffer.from(await x.arrayBuffer()).subarray(0, 2).toString(), 'PK');
  for (const role of ['merchant', 'auditor', 'person']) {
    const s = await login(role);
    assert.equal((await upload(s, csv([HEADER]))).status, 403, role);
  }

  if (!DB) return; // the CLI needs the database the server uses
  const dir = mkdtempSync(join(tmpdir(), 'sy-merchants-'));
  const file = join(dir, 'm.csv');
  const u = uniq();
  writeFileSync(file, csv([HEADER, [`命令行导入${u}`, '130902', '', '', '', '医药', '', `CLI-${u}`, '成员', '', '', '']]));
  const out = execFileSync(BIN, ['import', 'merchants', file, '--db', DB, '--dry-run'], { encoding: 'utf8' });
  assert.match(out, /1 valid/);
  assert.match(out, /dry run/);
});
