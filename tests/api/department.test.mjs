// The department role over HTTP: the demo's `department` login (沧州市公安局)
// moves the 一门受理 steps its organisation handles and no other (403
// transition_forbidden); a case with none of its steps answers 404 to
// everything; its inbox holds only its own waiting steps, wherever the case
// is, and the overdue filter; it comments and attaches files to its own steps
// only; officers keep acting for every department of their region.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { call, login, uniq, makeIdNumber, sql } from './lib.mjs';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
let admin, officer, dept, otherPolice, applicant;

const open = (body) => call('POST', '/api/v1/cases', { session: officer, body });
const step = (c, code) => c.steps.find((s) => s.code === code);
const move = (session, c, code, body) =>
  call('POST', `/api/v1/cases/${c.id}/steps/${step(c, code).id}/transitions`, { session, body });
const upload = (session, c, query) =>
  call('POST', `/api/v1/cases/${c.id}/attachments${query}`, { session, raw: PDF, headers: { 'Content-Type': 'application/pdf' } });
async function inbox(session, query = '') {
  const items = [];
  for (let cursor = ''; ;) {
    const r = await call('GET', `/api/v1/inbox?limit=500&cursor=${cursor}${query}`, { session });
    assert.equal(r.status, 200, r.text);
    items.push(...r.json.items);
    if (!r.json.next) return items;
    cursor = r.json.next;
  }
}

before(async () => {
  [admin, officer, dept] = await Promise.all(['admin', 'officer', 'department'].map((r) => login(r)));
  const o = await call('POST', '/api/v1/orgs', { session: admin, body: { name: `新华区公安分局${uniq()}`, type: 'department', region_code: '130902' } });
  assert.equal(o.status, 201, o.text);
  otherPolice = o.json;
  const p = await call('POST', '/api/v1/people', { session: admin, body: { id_number: makeIdNumber('130902', '19990101'), name: '部门测试', region_code: '130902' } });
  assert.equal(p.status, 201, p.text);
  applicant = p.json;
});

test('the department login belongs to a department organisation', async () => {
  assert.equal(dept.user.role, 'department');
  assert.ok(dept.user.org_id > 0);
  const o = await call('GET', `/api/v1/orgs/${dept.user.org_id}`, { session: dept });
  assert.equal(o.status, 200, o.text);
  assert.equal(o.json.type, 'department');
  assert.equal(o.json.name, '沧州市公安局');
  // a department account needs an organisation of type department
  const merchantOrg = sql(`SELECT id FROM orgs WHERE type = 'merchant' ORDER BY id LIMIT 1`);
  const bad = await call('POST', '/api/v1/users', {
    session: admin, body: { username: `dept.${uniq()}`, display_name: '错', password: 'dept-password-1', role: 'department', region_code: '130900', org_id: Number(merchantOrg) },
  });
  assert.equal(bad.status, 400, bad.text);
  assert.equal(bad.json.error.code, 'org_type_mismatch');
  const none = await call('POST', '/api/v1/users', {
    session: admin, body: { username: `dept.${uniq()}`, display_name: '无', password: 'dept-password-1', role: 'department', region_code: '130900' },
  });
  assert.equal(none.status, 400, none.text);
  assert.equal(none.json.error.field, 'org_id');
  // and an API token may carry the role
  const tok = await call('POST', '/api/v1/tokens', { session: admin, body: { name: `dept-${uniq()}`, role: 'department', region_code: '130900', org_id: dept.user.org_id } });
  assert.equal(tok.status, 201, tok.text);
  assert.equal(tok.json.token.role, 'department');
  const viaToken = await call('GET', '/api/v1/inbox', { headers: { Authorization: `Bearer ${tok.json.secret}` } });
  assert.equal(viaToken.status, 200, viaToken.text);
});

test('a department moves the steps it handles and no other', async () => {
  const r = await open({ type: 'one_window', person_id: applicant.id, departments: { hukou: dept.user.org_id, id_card: dept.user.org_id } });
  assert.equal(r.status, 201, r.text);
  const c = r.json;
  const page = await call('GET', `/api/v1/cases/${c.id}`, { session: dept });
  assert.equal(page.status, 200, page.text);
  // the actions offered are those of its own steps only
  for (const s of page.json.steps) {
    const mine = s.org_id === dept.user.org_id;
    assert.equal(mine, ['hukou', 'id_card'].includes(s.code), s.code);
    assert.deepEqual(s.actions.map((a) => a.action).sort(), mine ? ['accept', 'refuse'] : [], s.code);
  }
  // another department's step: refused, nothing changes
  const before = sql(`SELECT COUNT(*) FROM case_events WHERE case_id = ${c.id}`);
  const other = await move(dept, c, 'insurance', { action: 'accept' });
  assert.equal(other.status, 403, other.text);
  assert.equal(other.json.error.code, 'transition_forbidden');
  assert.equal(sql(`SELECT state FROM case_steps WHERE id = ${step(c, 'insurance').id}`), 'pending');
  assert.equal(sql(`SELECT COUNT(*) FROM case_events WHERE case_id = ${c.id}`), before);
  // its own: accepted, recorded as the department's
  let m = await move(dept, c, 'hukou', { action: 'accept', comment: '已受理' });
  assert.equal(m.status, 200, m.text);
  assert.equal(step(m.json, 'hukou').state, 'processing');
  const ev = m.json.timeline.at(-1);
  assert.equal(ev.actor, 'department');
  assert.equal(ev.actor_role, 'department');
  // 恢复户口 ends only with the 落户介绍信, which the department attaches to its own step
  m = await move(dept, c, 'hukou', { action: 'complete' });
  assert.equal(m.status, 400, m.text);
  assert.equal(m.json.error.code, 'missing_material');
  const letter = `&material=${encodeURIComponent('落户介绍信')}`;
  const wrong = await upload(dept, c, `?step=${step(c, 'insurance').id}${letter}`);
  assert.equal(wrong.status, 403, wrong.text);
  assert.equal(wrong.json.error.code, 'step_not_yours');
  const up = await upload(dept, c, `?step=${step(c, 'hukou').id}${letter}`);
  assert.equal(up.status, 201, up.text);
  const file = await call('GET', `/api/v1/cases/${c.id}/attachments/${up.json.id}`, { session: dept });
  assert.equal(file.status, 200);
  m = await move(dept, c, 'hukou', { action: 'complete' });
  assert.equal(m.status, 200, m.text);
  assert.equal(step(m.json, 'hukou').state, 'done');
  // a comment on a case it handles
  const cm = await call('POST', `/api/v1/cases/${c.id}/comments`, { session: dept, body: { comment: '户口已恢复' } });
  assert.equal(cm.status, 201, cm.text);
  assert.equal(cm.json.may_comment, true);
  // officers keep acting for every department of their region
  m = await move(officer, c, 'insurance', { action: 'accept' });
  assert.equal(m.status, 200, m.text);
  m = await move(officer, c, 'id_card', { action: 'accept' });
  assert.equal(m.status, 200, m.text);
  // the case appears in the department's case list
  const list = await call('GET', '/api/v1/cases?limit=500', { session: dept });
  assert.equal(list.status, 200, list.text);
  assert.ok(list.json.items.some((x) => x.id === c.id));
});

test('a case with none of its steps is not there for the department', async () => {
  const c = (await open({ type: 'one_window', person_id: applicant.id, departments: { hukou: otherPolice.id, id_card: otherPolice.id } })).json;
  assert.ok(c.steps.every((s) => s.org_id !== dept.user.org_id), 'no step of the department');
  const id = c.id;
  for (const [method, path, body] of [
    ['GET', `/api/v1/cases/${id}`],
    ['POST', `/api/v1/cases/${id}/steps/${step(c, 'hukou').id}/transitions`, { action: 'accept' }],
    ['POST', `/api/v1/cases/${id}/comments`, { comment: '探测' }],
  ]) {
    const r = await call(method, path, { session: dept, body });
    assert.equal(r.status, 404, `${method} ${path}: ${r.text}`);
    assert.equal(r.json.error.code, 'case_not_found');
  }
  const up = await upload(dept, c, '');
  assert.equal(up.status, 404, up.text);
  const list = await call('GET', '/api/v1/cases?limit=500', { session: dept });
  assert.ok(!list.json.items.some((x) => x.id === id));
  assert.equal(sql(`SELECT COUNT(*) FROM case_events WHERE case_id = ${id}`), '1'); // only the opening
});

test("the department's inbox: its own waiting steps, wherever, and the overdue ones", async () => {
  const mine = (await open({ type: 'one_window', person_id: applicant.id, departments: { hukou: dept.user.org_id, id_card: otherPolice.id } })).json;
  const theirs = (await open({ type: 'one_window', person_id: applicant.id, departments: { hukou: otherPolice.id, id_card: otherPolice.id } })).json;
  let items = await inbox(dept);
  assert.ok(items.length > 0);
  assert.ok(items.every((s) => s.org_id === dept.user.org_id), 'only its own steps');
  assert.ok(items.some((s) => s.step_id === step(mine, 'hukou').id));
  assert.ok(!items.some((s) => s.case_id === theirs.id));
  assert.ok(!items.some((s) => s.step_id === step(mine, 'id_card').id));
  // a step it ended leaves the inbox
  assert.equal((await move(dept, mine, 'hukou', { action: 'refuse' })).status, 200);
  items = await inbox(dept);
  assert.ok(!items.some((s) => s.step_id === step(mine, 'hukou').id));
  // overdue
  const late = (await open({ type: 'one_window', person_id: applicant.id, departments: { hukou: dept.user.org_id } })).json;
  sql(`UPDATE case_steps SET due_date = '2020-01-03' WHERE id = ${step(late, 'hukou').id}`);
  items = await inbox(dept, '&overdue=1');
  assert.ok(items.some((s) => s.step_id === step(late, 'hukou').id && s.overdue));
  assert.ok(items.every((s) => s.overdue && s.org_id === dept.user.org_id));
  // another organisation's inbox is not its to read
  const other = await call('GET', `/api/v1/inbox?org=${otherPolice.id}`, { session: dept });
  assert.equal(other.status, 403, other.text);
  assert.equal(other.json.error.field, 'org');
  assert.equal((await call('GET', `/api/v1/inbox?org=${dept.user.org_id}`, { session: dept })).status, 200);
  // the supervision list and the statistics stay the bureau's
  assert.equal((await call('GET', '/api/v1/cases/overdue', { session: dept })).status, 403);
  assert.equal((await call('GET', '/api/v1/cases/stats', { session: dept })).status, 403);
});
