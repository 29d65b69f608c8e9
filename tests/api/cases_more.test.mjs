// Cases, the rest of issue 6 over HTTP: attachments (type by the first bytes,
// the size limit from the settings row, nothing stored when refused, stored by
// SHA-256, 404 to whoever cannot see the case, audited; a material attached
// satisfies a step); the 双清单 board and its rates on a hand-computed
// example; the school priority derived from the parent's record (else the
// certificate must be uploaded); a spouse's job application routed to two
// departments; statistics on a known set; a person filing their own case.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BASE, DB, call, login, uniq, makeIdNumber, sql } from './lib.mjs';

let admin, officer, person, yunhe;
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);
// the attachment directory by default: attachments/ beside the SQLite file (data/attachments with PostgreSQL)
const DIR = DB.startsWith('postgres') ? 'data/attachments' : join(dirname(DB.replace(/^sqlite:/, '')), 'attachments');
const files = () => (existsSync(DIR) ? readdirSync(DIR).filter((f) => !f.startsWith('.')).length : 0);
const count = (table) => Number(sql(`SELECT COUNT(*) FROM ${table}`));
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

async function loginAs(username, password) {
  const res = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  assert.equal(res.status, 200, `login ${username}`);
  const j = await res.json();
  return { cookie: res.headers.get('set-cookie').split(';')[0], csrf: j.csrf_token, user: j.user };
}

async function org(name, type = 'department', region = '130902') {
  const r = await call('POST', '/api/v1/orgs', { session: admin, body: { name: `${name}${uniq()}`, type, region_code: region } });
  assert.equal(r.status, 201, r.text);
  return r.json;
}

async function newPerson(name, birth = '19850101') {
  const p = await call('POST', '/api/v1/people', { session: admin, body: { id_number: makeIdNumber('130902', birth), name, region_code: '130902' } });
  assert.equal(p.status, 201, p.text);
  return p.json;
}

const upload = (session, c, data, { type = 'application/pdf', query = '' } = {}) =>
  call('POST', `/api/v1/cases/${c.id}/attachments${query}`, { session, raw: data, headers: { 'Content-Type': type } });
const step = (c, code) => c.steps.find((s) => s.code === code);
const move = (session, c, code, body) => call('POST', `/api/v1/cases/${c.id}/steps/${step(c, code).id}/transitions`, { session, body });

before(async () => {
  [admin, officer, person] = await Promise.all(['admin', 'officer', 'person'].map((r) => login(r)));
  const name = `officer.yunhe.${uniq()}`;
  const u = await call('POST', '/api/v1/users', {
    session: admin, body: { username: name, display_name: '运河区经办', password: 'yunhe-password-1', role: 'officer', region_code: '130903' },
  });
  assert.equal(u.status, 201, u.text);
  yunhe = await loginAs(name, 'yunhe-password-1');
});

test('attachments: the wrong type or over the limit is refused and nothing is stored', async () => {
  const applicant = await newPerson('附件测试');
  const c = (await call('POST', '/api/v1/cases', { session: officer, body: { type: 'one_window', person_id: applicant.id } })).json;
  const rows = count('case_attachments'), stored = files();
  // text that calls itself a PDF: the first bytes decide
  let r = await upload(officer, c, Buffer.from('not a pdf at all'), { query: '?name=x.pdf' });
  assert.equal(r.status, 415, r.text);
  assert.equal(r.json.error.code, 'attachment_type_not_allowed');
  // a PNG declared as a PDF
  r = await upload(officer, c, PNG, { type: 'application/pdf' });
  assert.equal(r.status, 415, r.text);
  assert.equal(r.json.error.code, 'attachment_type_mismatch');
  // an empty body
  r = await upload(officer, c, Buffer.alloc(0));
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'attachment_empty');
  // over the limit the admin set (a settings row, not a constant)
  const before = (await call('GET', '/api/v1/case-attachment-settings', { session: officer })).json;
  assert.deepEqual(before.types, ['pdf', 'jpeg', 'png']);
  let s = await call('PATCH', '/api/v1/case-attachment-settings', { session: admin, body: { max_bytes: 40 } });
  assert.equal(s.status, 200, s.text);
  assert.equal(s.json.max_bytes, 40);
  r = await upload(officer, c, PDF);
  assert.equal(r.status, 413, r.text);
  assert.equal(r.json.error.code, 'attachment_too_large');
  // a type the admin no longer allows
  s = await call('PATCH', '/api/v1/case-attachment-settings', { session: admin, body: { max_bytes: before.max_bytes, types: ['pdf'] } });
  assert.equal(s.status, 200, s.text);
  r = await upload(officer, c, PNG, { type: 'image/png' });
  assert.equal(r.status, 415, r.text);
  s = await call('PATCH', '/api/v1/case-attachment-settings', { session: admin, body: { types: ['gif'] } });
  assert.equal(s.status, 400, s.text);
  assert.equal(s.json.error.field, 'types');
  s = await call('PATCH', '/api/v1/case-attachment-settings', { session: officer, body: { max_bytes: 1 } });
  assert.equal(s.status, 403, s.text);
  s = await call('PATCH', '/api/v1/case-attachment-settings', { session: admin, body: { types: before.types } });
  assert.equal(s.status, 200, s.text);
  // a bad name, a step of another case
  r = await upload(officer, c, PDF, { query: `?name=${encodeURIComponent('../etc/passwd')}` });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.field, 'name');
  r = await upload(officer, c, PDF, { query: '?step=999999999' });
  assert.equal(r.status, 404, r.text);
  assert.equal(r.json.error.code, 'step_not_found');
  // nothing was stored by any of them
  assert.equal(count('case_attachments'), rows);
  assert.equal(files(), stored);
  // an auditor may not upload; another region's officer does not see the case
  const auditor = await login('auditor');
  assert.equal((await upload(auditor, c, PDF)).status, 403);
  assert.equal((await upload(yunhe, c, PDF)).status, 404);
});

test('an attachment is stored by its SHA-256, audited, and served only to those who may see the case', async () => {
  const applicant = await newPerson('下载测试');
  const c = (await call('POST', '/api/v1/cases', { session: officer, body: { type: 'one_window', person_id: applicant.id } })).json;
  const body = Buffer.concat([PDF, Buffer.from(uniq())]);
  const sha = createHash('sha256').update(body).digest('hex');
  const r = await upload(officer, c, body, { query: `?name=${encodeURIComponent('退役证 扫描.pdf')}&material=${encodeURIComponent('退役证')}` });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.sha256, sha);
  assert.equal(r.json.size, body.length);
  assert.equal(r.json.content_type, 'application/pdf');
  assert.equal(r.json.filename, '退役证 扫描.pdf');
  if (!DB.startsWith('postgres')) assert.deepEqual(readFileSync(join(DIR, sha)), body);
  assert.equal(sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'case.attach' AND object_id = '${c.id}'`), '1');
  // on the case's page
  const page = (await call('GET', `/api/v1/cases/${c.id}`, { session: officer })).json;
  assert.deepEqual(page.attachments.map((a) => [a.id, a.material, a.sha256]), [[r.json.id, '退役证', sha]]);
  // download: the same bytes, as a PDF, as an attachment
  const path = `/api/v1/cases/${c.id}/attachments/${r.json.id}`;
  const res = await fetch(BASE + path, { headers: { Cookie: officer.cookie } });
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/pdf');
  assert.match(res.headers.get('content-disposition'), /^attachment; filename\*=UTF-8''/);
  assert.deepEqual(Buffer.from(await res.arrayBuffer()), body);
  // the admin reads it too; another region's officer and a person who is not the applicant get 404, as if absent
  assert.equal((await call('GET', path, { session: admin })).status, 200);
  for (const who of [yunhe, person]) {
    const x = await call('GET', path, { session: who });
    assert.equal(x.status, 404, x.text);
    assert.equal(x.json.error.code, 'case_not_found');
  }
  // an attachment of another case under this case's id: 404
  const other = (await call('POST', '/api/v1/cases', { session: officer, body: { type: 'one_window', person_id: applicant.id } })).json;
  const y = await call('GET', `/api/v1/cases/${other.id}/attachments/${r.json.id}`, { session: officer });
  assert.equal(y.status, 404, y.text);
  assert.equal(y.json.error.code, 'attachment_not_found');
});

test('a step needing a material passes with an attachment of that kind', async () => {
  const applicant = await newPerson('材料测试');
  const c = (await call('POST', '/api/v1/cases', { session: officer, body: { type: 'one_window', person_id: applicant.id } })).json;
  assert.equal((await move(officer, c, 'hukou', { action: 'accept' })).status, 200);
  let r = await move(officer, c, 'hukou', { action: 'complete' });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'missing_material');
  // attached to another step: not this one's material
  r = await upload(officer, c, PDF, { query: `?step=${step(c, 'report').id}&material=${encodeURIComponent('落户介绍信')}` });
  assert.equal(r.status, 201, r.text);
  assert.equal((await move(officer, c, 'hukou', { action: 'complete' })).status, 400);
  r = await upload(officer, c, PDF, { query: `?step=${step(c, 'hukou').id}&material=${encodeURIComponent('落户介绍信')}` });
  assert.equal(r.status, 201, r.text);
  r = await move(officer, c, 'hukou', { action: 'complete' });
  assert.equal(r.status, 200, r.text);
  assert.equal(step(r.json, 'hukou').state, 'done');
});

test('双清单: the board of a year and its rates on a hand-computed example', async () => {
  const year = 3000 + Math.floor(Math.random() * 5000);
  const dept = await org('新华区教育局');
  const unit = await org('驻沧某部', 'unit');
  const proposer = await org('新华区双拥办');
  const item = async (type, who, deadline, content) => {
    const r = await call('POST', '/api/v1/cases', {
      session: officer, body: { type, org_id: proposer.id, departments: { item: who.id }, year, content, deadline, quality_standard: '群众满意' },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.deadline, deadline);
    assert.equal(r.json.steps[0].due_date, deadline, 'the item keeps its own deadline');
    assert.equal(r.json.dual_list_item.year, year);
    return r.json;
  };
  const through = async (c, actions) => {
    for (const action of actions) {
      const r = await move(officer, c, 'item', { action });
      assert.equal(r.status, 200, `${action}: ${r.text}`);
    }
  };
  const done = ['compile', 'review', 'assign', 'start', 'complete'];
  const a = await item('dual_army', dept, '2099-03-15', '军属子女暑期托管'); // done on time (Q1 2099)
  const b = await item('dual_army', dept, '2020-05-10', '营区道路维修'); // done late (Q2 2020)
  const c = await item('dual_civil', unit, '2099-02-01', '助力乡村振兴'); // open, not yet due (Q1 2099)
  const d = await item('dual_civil', unit, '2020-08-01', '抢险救灾演练'); // open and overdue (Q3 2020)
  const e = await item('dual_army', dept, '2099-06-30', '不予列入的事项'); // dropped at 会审
  await through(a, done);
  await through(b, [...done.slice(0, 4), 'supervise', 'complete', 'feedback']);
  await through(c, ['compile', 'review', 'assign']);
  await through(e, ['compile', 'drop']);
  // a bad year; someone without the lists
  assert.equal((await call('GET', '/api/v1/dual-lists/99', { session: officer })).status, 400);
  assert.equal((await call('GET', `/api/v1/dual-lists/${year}`, { session: person })).status, 403);
  const r = await call('GET', `/api/v1/dual-lists/${year}`, { session: officer });
  assert.equal(r.status, 200, r.text);
  const board = r.json;
  assert.deepEqual(board.items.map((x) => x.case_id).sort(), [a.id, b.id, c.id, d.id].sort());
  const byId = Object.fromEntries(board.items.map((x) => [x.case_id, x]));
  assert.deepEqual([byId[a.id].completed, byId[a.id].on_time, byId[a.id].completed_on], [true, true, today()]);
  assert.deepEqual([byId[b.id].completed, byId[b.id].on_time, byId[b.id].state], [true, false, 'feedback']);
  assert.deepEqual([byId[d.id].completed, byId[d.id].overdue], [false, true]);
  // 4 items, 2 completed, 1 on time
  const pick = (t) => [t.items, t.completed, t.on_time, t.overdue, t.completion_rate, t.on_time_rate];
  assert.deepEqual(pick(board.total), [4, 2, 1, 1, 0.5, 0.25]);
  const list = Object.fromEntries(board.by_list.map((t) => [t.key, pick(t)]));
  assert.deepEqual(list, { army: [2, 2, 1, 0, 1, 0.5], civil: [2, 0, 0, 1, 0, 0] });
  const unitRates = Object.fromEntries(board.by_unit.map((t) => [t.name, pick(t)]));
  assert.deepEqual(unitRates, { [dept.name]: [2, 2, 1, 0, 1, 0.5], [unit.name]: [2, 0, 0, 1, 0, 0] });
  const quarter = Object.fromEntries(board.by_quarter.map((t) => [t.key, pick(t)]));
  assert.deepEqual(quarter, { '2099Q1': [2, 1, 1, 0, 0.5, 0.5], '2020Q2': [1, 1, 0, 0, 1, 0], '2020Q3': [1, 0, 0, 1, 0, 0] });
  // another region's officer sees none of them
  assert.equal((await call('GET', `/api/v1/dual-lists/${year}`, { session: yunhe })).json.items.length, 0);
  // the export
  const x = await call('GET', `/api/v1/dual-lists/${year}?format=csv`, { session: officer });
  assert.equal(x.status, 200);
  assert.match(x.text, /军属子女暑期托管/);
  // an item needs its fields
  const bad = await call('POST', '/api/v1/cases', { session: officer, body: { type: 'dual_army', org_id: proposer.id, year, content: '缺时限', quality_standard: '好' } });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.json.error.field, 'deadline');
});

test('军人子女入学: the priority category is derived from the parent record, else the certificate is required', async () => {
  const education = await org('新华区教育局');
  const open = (body) => call('POST', '/api/v1/cases', { session: officer, body: { type: 'child_school', departments: { placement: education.id }, ...body } });
  // a parent with a peacetime 二等功
  const hero = await newPerson('立功军人', '19800202');
  const sv = await call('POST', `/api/v1/people/${hero.id}/service`, { session: admin, body: { branch: 'army', enlist_date: '1998-12-01', awards: [{ level: 'merit_2', wartime: false }] } });
  assert.equal(sv.status, 201, sv.text);
  let r = await open({ person_id: hero.id, child_name: '小明', school: '新华区第一小学' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.json.school.category, r.json.school.derived], ['merit', true]);
  assert.match(r.json.school.basis, /平时二等功/);
  assert.deepEqual(r.json.materials_on_record.map((m) => m.material), ['部队证明']);
  assert.equal((await move(officer, r.json, 'placement', { action: 'accept' })).status, 200, 'no upload needed');
  // a parent who served in a hardship area
  const far = await newPerson('边防军人', '19820303');
  await call('POST', `/api/v1/people/${far.id}/service`, { session: admin, body: { branch: 'army', enlist_date: '2000-12-01', periods: [{ kind: 'hardship', start_date: '2001-01-01', end_date: '2005-01-01' }] } });
  r = await open({ person_id: far.id, child_name: '小红', school: '新华区实验小学' });
  assert.deepEqual([r.json.school.category, r.json.school.derived], ['hardship_post', true]);
  // a martyr's child: the guardian applies, naming the parent
  const martyr = await newPerson('烈士', '19700404');
  const st = await call('POST', `/api/v1/people/${martyr.id}/status`, { session: admin, body: { status: 'deceased', since: '2020-01-01', death_kind: 'martyr' } });
  assert.equal(st.status, 200, st.text);
  const guardian = await newPerson('监护人', '19650505');
  r = await open({ person_id: guardian.id, parent_person_id: martyr.id, child_name: '小军', school: '新华区第二小学' });
  assert.equal(r.status, 201, r.text);
  assert.deepEqual([r.json.school.category, r.json.school.derived], ['martyr_child', true]);
  // nothing on record: the claim needs the certificate
  const plain = await newPerson('普通军人', '19880606');
  r = await open({ person_id: plain.id, child_name: '小兵', school: '新华区第三小学', category: 'merit' });
  assert.deepEqual([r.json.school.category, r.json.school.derived], ['merit', false]);
  assert.deepEqual(r.json.materials_on_record, []);
  let m = await move(officer, r.json, 'placement', { action: 'accept' });
  assert.equal(m.status, 400, m.text);
  assert.equal(m.json.error.code, 'missing_material');
  const u = await upload(officer, r.json, PNG, { type: 'image/png', query: `?material=${encodeURIComponent('部队证明')}` });
  assert.equal(u.status, 201, u.text);
  m = await move(officer, r.json, 'placement', { action: 'accept' });
  assert.equal(m.status, 200, m.text);
  // bad inputs
  r = await open({ person_id: plain.id, school: '某校' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.field, 'child_name');
  r = await open({ person_id: plain.id, child_name: '小兵', school: '某校', category: 'vip' });
  assert.equal(r.json.error.field, 'category');
});

test('随军家属就业 goes to the placing departments; statistics count a known set', async () => {
  const stats = async () => (await call('GET', '/api/v1/cases/stats?type=spouse_job', { session: officer })).json;
  const s0 = await stats();
  const hr = await org('新华区人力资源和社会保障局');
  const va = await org('新华区退役军人事务局');
  const open = async (name) => {
    const spouse = await newPerson(name, '19900707');
    const r = await call('POST', '/api/v1/cases', {
      session: officer, body: { type: 'spouse_job', person_id: spouse.id, departments: { placement: hr.id, follow_up: va.id }, skills: '会计', previous_employment: '某公司出纳', wanted: '事业单位' },
    });
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.steps.map((s) => s.org_id), [hr.id, va.id]);
    assert.equal(r.json.spouse.skills, '会计');
    return r.json;
  };
  const c1 = await open('家属甲');
  await open('家属乙');
  for (const code of ['placement', 'follow_up'])
    for (const action of ['accept', 'complete']) assert.equal((await move(officer, c1, code, { action })).status, 200);
  const s1 = await stats();
  const n = (s, k) => s.by_type.find((t) => t.key === 'spouse_job')?.[k] ?? 0;
  assert.equal(n(s1, 'total') - n(s0, 'total'), 2);
  assert.equal(n(s1, 'closed') - n(s0, 'closed'), 1);
  assert.equal(s1.closed - s0.closed, 1);
  // closed today, opened today: 0 working days; no deadline set, so on time
  const before = s0.closed ? s0.avg_working_days * s0.closed : 0;
  assert.equal(Math.round((s1.avg_working_days * s1.closed - before) * 1e6) / 1e6, 0);
  const dept = (s, id) => s.by_department.find((x) => x.key === String(id)) ?? { total: 0, done: 0 };
  assert.deepEqual([dept(s1, hr.id).total, dept(s1, hr.id).done], [2, 1]);
  assert.ok(s1.on_time_share > 0);
  // other regions see none of these; the export and its filters
  const y = (await call('GET', '/api/v1/cases/stats?type=spouse_job', { session: yunhe })).json;
  assert.equal(y.by_department.find((x) => x.key === String(hr.id)), undefined);
  const x = await call('GET', '/api/v1/cases/stats?format=csv', { session: officer });
  assert.equal(x.status, 200);
  assert.match(x.text, /随军家属就业/);
  assert.equal((await call('GET', '/api/v1/cases/stats?from=2026-13-01', { session: officer })).json.error.field, 'from');
  assert.equal((await call('GET', '/api/v1/cases/stats', { session: person })).status, 403);
});

test('a person files their own 一门受理 application and sees it in their cases', async () => {
  const r = await call('POST', '/api/v1/cases', { session: person, body: { type: 'one_window', note: '本人申请' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.applicant.id, person.user.person_id);
  assert.equal(r.json.steps.length, 7);
  assert.ok(r.json.steps.every((s) => s.actions.length === 0), 'the applicant moves no step');
  const mine = await call('GET', '/api/v1/cases', { session: person });
  assert.ok(mine.json.items.some((c) => c.id === r.json.id));
  // not for someone else
  const other = await newPerson('他人');
  const x = await call('POST', '/api/v1/cases', { session: person, body: { type: 'one_window', person_id: other.id } });
  assert.equal(x.status, 404, x.text);
  // the applicant adds a file to their own case and reads it back
  const u = await upload(person, r.json, PDF, { query: '?name=dd214.pdf' });
  assert.equal(u.status, 201, u.text);
  assert.equal((await call('GET', `/api/v1/cases/${r.json.id}/attachments/${u.json.id}`, { session: person })).status, 200);
});
