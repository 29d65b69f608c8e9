// Cases over HTTP: a 一门受理 application opens seven parallel steps with due
// dates from the working-day calendar; departments (through the officers of
// the region) move them; the case ends when every step has; an overdue step
// flags the case for supervision (督办); scope (another region's officer:
// 404; the applicant sees only their own case); wrong transitions (409) and
// bad inputs (400, naming the field, changing nothing); the calendar and
// deadline settings; audit rows.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, call, login, uniq, makeIdNumber, sql } from './lib.mjs';

let admin, officer, auditor, person, yunhe;
let police, reserveDept, insuranceDept, merchantOrg; // organisations made for this file
let applicant; // a person of 新华区 made for this file
const calendarRows = []; // days this file added, removed at the end

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

// ---- dates as the server counts them (China's date; the start day never counts) ----
const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
const addDays = (d, n) => new Date(Date.parse(`${d}T00:00:00Z`) + n * 86400e3).toISOString().slice(0, 10);
const weekday = (d) => new Date(`${d}T00:00:00Z`).getUTCDay();
let holidays = new Set();
let workdays = new Set();
async function loadCalendar() {
  const r = await call('GET', '/api/v1/calendar', { session: admin });
  assert.equal(r.status, 200, r.text);
  holidays = new Set(r.json.items.filter((x) => x.kind === 'holiday').map((x) => x.date));
  workdays = new Set(r.json.items.filter((x) => x.kind === 'workday').map((x) => x.date));
}
const working = (d) => workdays.has(d) || (!holidays.has(d) && weekday(d) !== 0 && weekday(d) !== 6);
function addWorking(start, n) {
  let d = start;
  while (n > 0) { d = addDays(d, 1); if (working(d)) n--; }
  return d;
}

async function setDeadline(step, state, days) {
  const r = await call('POST', '/api/v1/case-types/one_window/deadlines', { session: admin, body: { step, state, working_days: days } });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

const open = (session, body) => call('POST', '/api/v1/cases', { session, body });
const move = (session, c, step, body) => call('POST', `/api/v1/cases/${c.id}/steps/${c.steps.find((s) => s.code === step).id}/transitions`, { session, body });
const count = (table) => Number(sql(`SELECT COUNT(*) FROM ${table}`));

before(async () => {
  [admin, officer, auditor, person] = await Promise.all(['admin', 'officer', 'auditor', 'person'].map((r) => login(r)));
  // an officer of 运河区 (130903), outside 新华区
  const name = `officer.yunhe.${uniq()}`;
  const u = await call('POST', '/api/v1/users', {
    session: admin, body: { username: name, display_name: '运河区经办', password: 'yunhe-password-1', role: 'officer', region_code: '130903' },
  });
  assert.equal(u.status, 201, u.text);
  yunhe = await loginAs(name, 'yunhe-password-1');
  police = await org('新华区公安分局');
  reserveDept = await org('新华区人民武装部');
  insuranceDept = await org('新华区人力资源和社会保障局');
  merchantOrg = await org('新华区拥军超市', 'merchant');
  const p = await call('POST', '/api/v1/people', { session: admin, body: { id_number: makeIdNumber('130902', '19980304'), name: '事项测试', region_code: '130902' } });
  assert.equal(p.status, 201, p.text);
  applicant = p.json;
  // a holiday on the next weekday and a make-up working Saturday, so the due dates must use the calendar
  let d = addDays(today(), 1);
  while (weekday(d) === 0 || weekday(d) === 6) d = addDays(d, 1);
  let sat = addDays(today(), 1);
  while (weekday(sat) !== 6) sat = addDays(sat, 1);
  for (const [date, kind, nm] of [[d, 'holiday', '测试假日'], [sat, 'workday', '测试调休']]) {
    const existing = (await call('GET', '/api/v1/calendar', { session: admin })).json.items.find((x) => x.date === date);
    if (existing) continue;
    const r = await call('POST', '/api/v1/calendar', { session: admin, body: { date, kind, name: nm } });
    assert.equal(r.status, 200, r.text);
    calendarRows.push(date);
  }
  await loadCalendar();
  await setDeadline('*', 'pending', 3);
  await setDeadline('*', 'processing', 5);
  await setDeadline('hukou', 'pending', 10);
});

after(async () => {
  for (const date of calendarRows) await call('DELETE', `/api/v1/calendar/${date}`, { session: admin });
});

test('a 一门受理 application opens seven parallel steps with due dates from the calendar', async () => {
  const r = await open(officer, { type: 'one_window', person_id: applicant.id, departments: { hukou: police.id }, note: '窗口受理' });
  assert.equal(r.status, 201, r.text);
  const c = r.json;
  assert.equal(c.type, 'one_window');
  assert.equal(c.state, 'open');
  assert.equal(c.region_code, '130902');
  assert.deepEqual(c.applicant, { kind: 'person', id: applicant.id, name: '事项测试' });
  assert.equal(c.opened_on, today());
  assert.deepEqual(c.steps.map((s) => s.code), ['report', 'allowance', 'hukou', 'id_card', 'reserve', 'social_security', 'insurance']);
  assert.deepEqual(c.steps.map((s) => s.name), ['报到', '待安置期间生活补助', '恢复户口', '身份证', '预备役登记', '社保卡和医保关系转移', '保险补缴']);
  for (const s of c.steps) {
    assert.equal(s.state, 'pending', s.code);
    assert.equal(s.final, false);
    assert.equal(s.overdue, false);
    assert.equal(s.due_date, addWorking(today(), s.code === 'hukou' ? 10 : 3), s.code);
    assert.deepEqual(s.actions.map((a) => a.action).sort(), ['accept', 'refuse']);
  }
  // the officer's pick, and the nearest department whose name fits the step
  assert.equal(c.steps.find((s) => s.code === 'hukou').org_id, police.id);
  assert.match(c.steps.find((s) => s.code === 'report').org_name, /退役军人/);
  assert.match(c.steps.find((s) => s.code === 'id_card').org_name, /公安/);
  assert.match(c.steps.find((s) => s.code === 'reserve').org_name, /武装部/);
  assert.match(c.steps.find((s) => s.code === 'insurance').org_name, /人力资源/);
  assert.equal(c.steps_total, 7);
  assert.equal(c.steps_done, 0);
  assert.equal(c.timeline[0].action, 'open');
  // one audit row in the same transaction
  assert.equal(sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'case.create' AND object_id = '${c.id}'`), '1');
  // the officer's inbox holds the seven steps; the auditor has no inbox
  // oldest first, like a queue: read every page
  const waiting = [];
  for (let cursor = ''; ;) {
    const inbox = await call('GET', `/api/v1/inbox?limit=500&cursor=${cursor}`, { session: officer });
    assert.equal(inbox.status, 200, inbox.text);
    waiting.push(...inbox.json.items);
    if (!inbox.json.next) break;
    cursor = inbox.json.next;
  }
  assert.equal(waiting.filter((s) => s.case_id === c.id).length, 7);
  const dept = await call('GET', `/api/v1/inbox?org=${police.id}&limit=500`, { session: officer });
  assert.ok(dept.json.items.every((s) => s.org_id === police.id));
  assert.ok(dept.json.items.some((s) => s.case_id === c.id && s.step === 'hukou'));
  assert.equal((await call('GET', '/api/v1/inbox', { session: auditor })).status, 403);
});

test('departments move their steps; the case ends only when every step has', async () => {
  const c = (await open(officer, { type: 'one_window', person_id: applicant.id })).json;
  let r = await move(officer, c, 'report', { action: 'accept', comment: '已报到' });
  assert.equal(r.status, 200, r.text);
  let s = r.json.steps.find((x) => x.code === 'report');
  assert.equal(s.state, 'processing');
  assert.equal(s.state_name, '办理中');
  assert.equal(s.due_date, addWorking(today(), 5));
  assert.equal(r.json.timeline.at(-1).comment, '已报到');
  assert.equal(r.json.timeline.at(-1).from_state, 'pending');
  // the wrong transition from the current state: 409 naming the state, nothing changes
  r = await move(officer, c, 'report', { action: 'accept' });
  assert.equal(r.status, 409, r.text);
  assert.equal(r.json.error.code, 'not_allowed_in_processing');
  assert.equal(r.json.error.field, 'action');
  r = await move(officer, c, 'report', { action: 'fly' });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'invalid_action');
  // 恢复户口 cannot end without the 落户介绍信
  assert.equal((await move(officer, c, 'hukou', { action: 'accept' })).status, 200);
  const before = count('case_events');
  r = await move(officer, c, 'hukou', { action: 'complete', materials: ['退役证'] });
  assert.equal(r.status, 400, r.text);
  assert.equal(r.json.error.code, 'missing_material');
  assert.equal(r.json.error.field, 'materials');
  assert.match(r.json.error.message, /落户介绍信/);
  assert.equal(count('case_events'), before);
  r = await move(officer, c, 'hukou', { action: 'complete', materials: ['落户介绍信'], comment: '已落户' });
  assert.equal(r.status, 200, r.text);
  s = r.json.steps.find((x) => x.code === 'hukou');
  assert.equal(s.state, 'done');
  assert.equal(s.final, true);
  assert.ok(s.ended_at);
  assert.deepEqual(r.json.timeline.at(-1).materials, ['落户介绍信']);
  // every other step ends (one refused); the case is open until the last
  let page = r.json;
  for (const code of ['report', 'allowance', 'id_card', 'reserve', 'social_security', 'insurance']) {
    assert.equal(page.state, 'open');
    const step = page.steps.find((x) => x.code === code);
    if (code === 'allowance') r = await move(officer, page, code, { action: 'refuse', comment: '不符合条件' });
    else {
      if (step.state === 'pending') assert.equal((await move(officer, page, code, { action: 'accept' })).status, 200);
      r = await move(officer, page, code, { action: 'complete' });
    }
    assert.equal(r.status, 200, r.text);
    page = r.json;
  }
  assert.equal(page.state, 'closed');
  assert.ok(page.closed_at);
  assert.equal(page.steps_done, 7);
  assert.equal(page.timeline.at(-1).action, 'close');
  r = await move(officer, page, 'report', { action: 'complete' });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'not_allowed_in_done');
  assert.equal(sql(`SELECT COUNT(*) FROM audit_log WHERE action = 'case.transition' AND object_id = '${c.id}'`), '13');
  const closed = await call('GET', '/api/v1/cases?state=closed&limit=500', { session: officer });
  assert.ok(closed.json.items.some((x) => x.id === c.id && x.steps_done === 7));
});

test('a step past its due date is overdue and the case is on the 督办 list', async () => {
  const c = (await open(admin, { type: 'one_window', person_id: applicant.id })).json;
  const step = c.steps.find((s) => s.code === 'id_card');
  let list = await call('GET', '/api/v1/cases/overdue?limit=500', { session: officer });
  assert.ok(!list.json.items.some((x) => x.id === c.id));
  sql(`UPDATE case_steps SET due_date = '2020-01-03' WHERE id = ${step.id}`);
  const page = (await call('GET', `/api/v1/cases/${c.id}`, { session: officer })).json;
  assert.equal(page.steps.find((s) => s.id === step.id).overdue, true);
  assert.equal(page.steps.find((s) => s.code === 'report').overdue, false);
  assert.equal(page.overdue, true);
  assert.equal(page.supervised, true);
  for (const who of [officer, auditor, admin]) {
    list = await call('GET', '/api/v1/cases/overdue?limit=500', { session: who });
    assert.equal(list.status, 200, list.text);
    const row = list.json.items.find((x) => x.id === c.id);
    assert.ok(row, 'on the supervisor list');
    assert.equal(row.overdue_steps, 1);
    assert.equal(row.supervised, true);
  }
  const late = await call('GET', '/api/v1/inbox?overdue=1&limit=500', { session: officer });
  assert.ok(late.json.items.some((s) => s.step_id === step.id && s.overdue));
  assert.ok(late.json.items.every((s) => s.overdue));
  // another region's supervisor does not see it
  list = await call('GET', '/api/v1/cases/overdue?limit=500', { session: yunhe });
  assert.ok(!list.json.items.some((x) => x.id === c.id));
  // once the step ends the case leaves the list
  assert.equal((await move(officer, c, 'id_card', { action: 'refuse' })).status, 200);
  list = await call('GET', '/api/v1/cases/overdue?limit=500', { session: officer });
  assert.ok(!list.json.items.some((x) => x.id === c.id));
});

test('scope: another region answers 404; the applicant sees their own case only', async () => {
  const c = (await open(officer, { type: 'one_window', person_id: applicant.id })).json;
  for (const [method, path, body] of [
    ['GET', `/api/v1/cases/${c.id}`],
    ['POST', `/api/v1/cases/${c.id}/steps/${c.steps[0].id}/transitions`, { action: 'accept' }],
    ['POST', `/api/v1/cases/${c.id}/comments`, { comment: '催办' }],
  ]) {
    const r = await call(method, path, { session: yunhe, body });
    assert.equal(r.status, 404, `${method} ${path}`);
    assert.equal(r.json.error.code, 'case_not_found');
  }
  assert.ok(!(await call('GET', '/api/v1/cases?limit=500', { session: yunhe })).json.items.some((x) => x.id === c.id));
  // an officer cannot file for a person of another region
  const r = await open(yunhe, { type: 'one_window', person_id: applicant.id });
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'person_not_found');
  // the demo person's own case: they see it, with its steps, and may comment; not the other one
  const mine = await open(admin, { type: 'one_window', person_id: person.user.person_id });
  assert.equal(mine.status, 201, mine.text);
  const view = await call('GET', `/api/v1/cases/${mine.json.id}`, { session: person });
  assert.equal(view.status, 200, view.text);
  assert.equal(view.json.steps.length, 7);
  assert.ok(view.json.steps.every((s) => s.actions.length === 0));
  assert.equal((await call('GET', `/api/v1/cases/${c.id}`, { session: person })).status, 404);
  const listed = await call('GET', '/api/v1/cases?limit=500', { session: person });
  assert.ok(listed.json.items.length >= 1);
  assert.ok(listed.json.items.every((x) => x.person_id === person.user.person_id));
  const cm = await call('POST', `/api/v1/cases/${mine.json.id}/comments`, { session: person, body: { comment: '请问进度如何？' } });
  assert.equal(cm.status, 201, cm.text);
  assert.equal(cm.json.timeline.at(-1).actor_role, 'person');
  // a person cannot move a step (403 before anything is looked up)
  assert.equal((await call('POST', `/api/v1/cases/${mine.json.id}/steps/${mine.json.steps[0].id}/transitions`, { session: person, body: { action: 'accept' } })).status, 403);
});

test('bad inputs answer 400 naming the field and change nothing', async () => {
  const cases = count('cases');
  const steps = count('case_steps');
  for (const [body, code, field] of [
    [{}, 'required', 'type'],
    [{ type: 'nope', person_id: applicant.id }, 'invalid_case_type', 'type'],
    [{ type: 'one_window' }, 'required', 'person_id'],
    [{ type: 'one_window', org_id: police.id }, 'invalid_applicant', 'org_id'],
    [{ type: 'one_window', person_id: 'x' }, 'invalid_type', 'person_id'],
    [{ type: 'one_window', person_id: applicant.id, departments: { hukou: merchantOrg.id } }, 'invalid_department', 'departments'],
    [{ type: 'one_window', person_id: applicant.id, departments: { nosuch: police.id } }, 'invalid_step', 'departments'],
    [{ type: 'one_window', person_id: applicant.id, departments: [1] }, 'invalid_type', 'departments'],
    [{ type: 'one_window', person_id: applicant.id, note: '长'.repeat(501) }, 'too_long', 'note'],
  ]) {
    const r = await open(officer, body);
    assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`);
    assert.equal(r.json.error.code, code, JSON.stringify(body).slice(0, 80));
    assert.equal(r.json.error.field, field);
    assert.ok(r.json.error.message);
  }
  const en = await call('POST', '/api/v1/cases', { session: officer, body: { type: 'nope', person_id: applicant.id }, headers: { 'Accept-Language': 'en' } });
  assert.equal(en.json.error.message, 'no such case type');
  // a department of another region
  const far = await org('运河区公安分局', 'department', '130903');
  const r = await open(officer, { type: 'one_window', person_id: applicant.id, departments: { hukou: far.id } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'department_out_of_region');
  assert.equal(count('cases'), cases);
  assert.equal(count('case_steps'), steps);
  const c = (await open(officer, { type: 'one_window', person_id: applicant.id })).json;
  for (const [body, code, field] of [
    [{}, 'required', 'action'],
    [{ action: 'accept', materials: 'x' }, 'invalid_type', 'materials'],
    [{ action: 'accept', comment: '长'.repeat(501) }, 'too_long', 'comment'],
  ]) {
    const t = await move(officer, c, 'report', body);
    assert.equal(t.status, 400, t.text);
    assert.equal(t.json.error.code, code);
    assert.equal(t.json.error.field, field);
  }
  const missing = await call('POST', `/api/v1/cases/${c.id}/steps/999999999/transitions`, { session: officer, body: { action: 'accept' } });
  assert.equal(missing.status, 404);
  assert.equal(missing.json.error.code, 'step_not_found');
  const blank = await call('POST', `/api/v1/cases/${c.id}/comments`, { session: officer, body: { comment: '   ' } });
  assert.equal(blank.status, 400);
  assert.equal(blank.json.error.field, 'comment');
  const page = (await call('GET', `/api/v1/cases/${c.id}`, { session: officer })).json;
  assert.ok(page.steps.every((s) => s.state === 'pending'));
  assert.equal(page.timeline.length, 1);
});

test('the calendar and the deadlines are the admin\'s, with checked inputs', async () => {
  for (const [body, code, field] of [
    [{ date: '2026-02-30', kind: 'holiday' }, 'invalid_date', 'date'],
    [{ date: '2026/02/14', kind: 'holiday' }, 'invalid_date', 'date'],
    [{ date: '2091-03-07', kind: 'off' }, 'invalid_kind', 'kind'],
    [{ date: '2091-03-07' }, 'required', 'kind'],
    [{ date: '2091-03-07', kind: 'workday' }, 'not_a_weekend', 'date'], // a Wednesday
    [{ date: '2091-03-10', kind: 'holiday', name: '长'.repeat(51) }, 'too_long', 'name'],
  ]) {
    const r = await call('POST', '/api/v1/calendar', { session: admin, body });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json.error.code, code, JSON.stringify(body));
    assert.equal(r.json.error.field, field);
  }
  assert.equal((await call('POST', '/api/v1/calendar', { session: officer, body: { date: '2091-03-10', kind: 'workday' } })).status, 403);
  const audited = () => Number(sql("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'calendar.%' AND object_id = '2091-03-10'"));
  const auditBefore = audited();
  let r = await call('POST', '/api/v1/calendar', { session: admin, body: { date: '2091-03-10', kind: 'workday', name: '测试调休' } });
  assert.equal(r.status, 200, r.text);
  r = await call('POST', '/api/v1/calendar', { session: admin, body: { date: '2091-03-10', kind: 'holiday', name: '改为假日' } });
  assert.equal(r.status, 200, r.text);
  r = await call('GET', '/api/v1/calendar?year=2091', { session: officer });
  assert.deepEqual(r.json.items.map((x) => [x.date, x.kind, x.name]), [['2091-03-10', 'holiday', '改为假日']]);
  assert.equal((await call('GET', '/api/v1/calendar?year=20x1', { session: officer })).status, 400);
  assert.equal((await call('DELETE', '/api/v1/calendar/2091-03-10', { session: admin })).status, 200);
  r = await call('DELETE', '/api/v1/calendar/2091-03-10', { session: admin });
  assert.equal(r.status, 404);
  assert.equal(r.json.error.code, 'calendar_day_not_found');
  assert.equal(audited() - auditBefore, 3);
  // deadlines: unset ones show as null; bad inputs name the field
  const types = await call('GET', '/api/v1/case-types', { session: person });
  const ow = types.json.items.find((x) => x.code === 'one_window');
  assert.equal(ow.steps.length, 7);
  assert.ok(ow.transitions.some((x) => x.step === 'hukou' && x.action === 'complete' && x.materials[0] === '落户介绍信'));
  for (const [body, code, field] of [
    [{ step: 'nope', state: 'pending', working_days: 3 }, 'invalid_step', 'step'],
    [{ step: '*', state: 'done', working_days: 3 }, 'invalid_state', 'state'],
    [{ step: '*', state: 'pending', working_days: 999 }, 'out_of_range', 'working_days'],
    [{ step: '*', state: 'pending' }, 'required', 'working_days'],
  ]) {
    const d = await call('POST', '/api/v1/case-types/one_window/deadlines', { session: admin, body });
    assert.equal(d.status, 400, d.text);
    assert.equal(d.json.error.code, code);
    assert.equal(d.json.error.field, field);
  }
  const nf = await call('POST', '/api/v1/case-types/nope/deadlines', { session: admin, body: { step: '*', state: 'pending', working_days: 1 } });
  assert.equal(nf.status, 404);
  const set = await setDeadline('reserve', 'processing', 7);
  assert.ok(set.deadlines.some((x) => x.step === 'reserve' && x.state === 'processing' && x.working_days === 7));
  await setDeadline('reserve', 'processing', null);
});
