// 阳光安置 over the socket: batches drawn from the registry, scoring with the
// refusal that names unset policy values, 公示 versions with digests anyone can
// recompute, objections and the difference between versions, the live session
// and its projector view, preferences giving the same result as the same
// choices made live, receipts, and the export that `placement verify` confirms.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, login, makeIdNumber, BIN } from './lib.mjs';

const s = {};
const sha256 = (t) => createHash('sha256').update(t, 'utf8').digest('hex');
// A discharge day no demo record has (demo discharges fall on the 1st), its own per run.
const rnd = (n) => Math.floor(Math.random() * n);
const DAY = `2017-${String(1 + rnd(11)).padStart(2, '0')}-15`;
const DAY2 = `2019-${String(1 + rnd(11)).padStart(2, '0')}-17`;
let year = 2300 + rnd(500);
const people = {}; // label -> {id, name}

function minus(day, years, months) {
  const [y, m, d] = day.split('-').map(Number);
  let mm = m - months, yy = y - years;
  while (mm < 1) { mm += 12; yy--; }
  return `${yy}-${String(mm).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

// A veteran of 新华区 discharged on `day` with exit mode 安排工作.
async function veteran(label, name, day, years, months, extra = {}) {
  const p = await call('POST', '/api/v1/people', {
    session: s.admin, body: { id_number: makeIdNumber('130902', `19${80 + rnd(15)}0${1 + rnd(9)}1${rnd(9)}`), name, region_code: '130902' },
  });
  assert.equal(p.status, 201, p.text);
  await service(p.json.id, day, years, months, extra);
  people[label] = { id: p.json.id, name };
}

async function service(pid, day, years, months, extra) {
  const r = await call('POST', `/api/v1/people/${pid}/service`, {
    session: s.admin,
    body: { branch: 'army', enlist_date: minus(day, years, months), discharge_date: day, exit_mode: 'placed', ...extra },
  });
  assert.equal(r.status, 201, r.text);
}

function batchBody(over = {}) {
  return {
    year: year++, region_code: '130902', name: `测试安置批次${year}`, mode: 'live', absence_rule: 'skip_to_end',
    publicity_days: 7, objection_days: 5, discharged_from: DAY, discharged_to: DAY, ...over,
  };
}

async function makeBatch(over = {}) {
  const b = await call('POST', '/api/v1/placement/batches', { session: s.officer, body: batchBody(over) });
  assert.equal(b.status, 201, b.text);
  const d = await call('POST', `/api/v1/placement/batches/${b.json.id}/draw`, { session: s.officer, body: {} });
  assert.equal(d.status, 200, d.text);
  return d.json;
}

async function addPosts(id) {
  for (const p of [
    { employer: '新华区城市管理局', title: '执法辅助岗', places: 2 },
    { employer: '新华区人民医院', title: '医务管理岗', places: 1, min_education: 'bachelor' },
    { employer: '新华区退役军人服务站', title: '服务专员', places: 1, min_education: 'none' },
  ]) {
    const r = await call('POST', `/api/v1/placement/batches/${id}/posts`, { session: s.officer, body: p });
    assert.equal(r.status, 201, r.text);
  }
}

const byName = (batch, label) => batch.candidates.find((c) => c.person_id === people[label].id);

before(async () => {
  for (const r of ['admin', 'officer', 'auditor', 'person', 'merchant']) s[r] = await login(r);
  // Scores by the 2018 table (domain.md), worked by hand:
  await veteran('A', '甲士官', DAY, 13, 3, { rank: '上士' });                    // 13.5 y: 12×3 + 1.5×4 = 42
  await veteran('B', '乙立功', DAY, 2, 1, { awards: [{ level: 'merit_2' }] });  // 2.5 y: 7.5 + 20 = 27.5
  await veteran('E', '戊立功', DAY, 2, 3, { awards: [{ level: 'merit_2' }] });  // 2.5 y, longer: 27.5, above B
  await veteran('C', '丙伤残', DAY, 4, 0, { disability_grade: 6, disability_cause: 'combat' }); // 12 + 40 = 52
  await veteran('D', '丁普通', DAY, 2, 0);                                      // not eligible
  // the demo person: a peacetime 一等功, 5 years: 15 + 40 = 55
  await service(s.person.user.person_id, DAY, 5, 0, { awards: [{ level: 'merit_1' }] });
  people.P = { id: s.person.user.person_id };
  // a second window for the live = preferences comparison
  await veteran('F', '己一', DAY2, 13, 0, { rank: '中士' });
  await veteran('G', '庚二', DAY2, 3, 0, { awards: [{ level: 'merit_1' }] });
  await veteran('H', '辛三', DAY2, 6, 0, { awards: [{ level: 'merit_2', wartime: true }] });
  await veteran('I', '壬四', DAY2, 4, 0, { awards: [{ level: 'merit_3', wartime: true }] });
});

test('creating a batch: each bad input gets its status and code, and nothing is created', async () => {
  const count = async () => (await call('GET', '/api/v1/placement/batches', { session: s.admin })).json.items.length;
  const n0 = await count();
  const bad = [
    [{ name: '' }, 400, 'name'],
    [{ mode: 'lottery' }, 400, 'invalid_mode'],
    [{ absence_rule: 'wait' }, 400, 'invalid_absence_rule'],
    [{ tie_break: 'taller' }, 400, 'invalid_tie_break'],
    [{ tie_break: 'older,older' }, 400, 'invalid_tie_break'],
    [{ publicity_days: 0 }, 400, null],
    [{ discharged_to: '2017-13-01' }, 400, 'invalid_date'],
    [{ discharged_from: '2022-06-01', discharged_to: '2023-06-01' }, 400, 'policy_mixed'],
    [{ region_code: '130982' }, 403, 'region_out_of_scope'],
    [{ year: 1800 }, 400, null],
  ];
  for (const [over, status, code] of bad) {
    const r = await call('POST', '/api/v1/placement/batches', { session: s.officer, body: batchBody(over) });
    assert.equal(r.status, status, `${JSON.stringify(over)}: ${r.text}`);
    if (code) assert.ok(r.json.error.code === code || r.json.error.field === code, `${JSON.stringify(over)}: ${r.text}`);
  }
  const ok = batchBody();
  assert.equal((await call('POST', '/api/v1/placement/batches', { session: s.officer, body: ok })).status, 201);
  const dup = await call('POST', '/api/v1/placement/batches', { session: s.officer, body: { ...ok, name: '重复' } });
  assert.equal(dup.status, 409);
  assert.equal(dup.json.error.code, 'batch_exists');
  assert.equal(await count(), n0 + 1);
  // the merchant and the person have no business here
  assert.equal((await call('POST', '/api/v1/placement/batches', { session: s.merchant, body: batchBody() })).status, 403);
});

test('a live batch from draw to results: 公示, objections, versions, session, receipts, export', async () => {
  let b = await makeBatch();
  const id = b.id;
  // drawn from the registry: the six discharged on DAY with exit mode 安排工作, numbered, never by 身份证号
  assert.equal(b.added, 6);
  assert.equal(b.policy_in_force, '2018');
  for (const c of b.candidates) assert.match(c.number, /^C\d{3}$/);
  const D = byName(b, 'D');
  assert.equal(D.eligible, false);
  assert.match(D.reason_zh, /不符合安排工作条件/);
  assert.ok(byName(b, 'A').eligible && byName(b, 'C').eligible);
  // the tie-break chain defaults to the engine's
  assert.equal(b.tie_break, 'service_longer,older,id');

  // no posts yet: nothing to publish, and no version made
  let r = await call('POST', `/api/v1/placement/batches/${id}/publish`, { session: s.officer, body: {} });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'nothing_to_publish');
  for (const [body, code] of [[{ title: 'x', places: 0, employer: 'e' }, null], [{ title: 'x', places: 1, employer: 'e', min_education: 'phd' }, 'invalid_education'], [{ title: 'x', places: 1 }, 'invalid_employer']]) {
    r = await call('POST', `/api/v1/placement/batches/${id}/posts`, { session: s.officer, body });
    assert.equal(r.status, 400, r.text);
    if (code) assert.equal(r.json.error.code, code);
  }
  await addPosts(id);

  // a needed value unset: scoring refuses (409) naming it, and publishing changes nothing
  const A = byName(b, 'A');
  r = await call('PATCH', `/api/v1/placement/batches/${id}/candidates/${A.id}`, { session: s.officer, body: { inputs: { hardship_years: 2 } } });
  assert.equal(r.status, 200, r.text);
  r = await call('GET', `/api/v1/placement/batches/${id}/scores`, { session: s.auditor });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'policy_value_unset');
  assert.match(r.json.error.message, /hardship\.per_year/);
  r = await call('POST', `/api/v1/placement/batches/${id}/publish`, { session: s.officer, body: {} });
  assert.equal(r.status, 409);
  assert.equal((await call('GET', `/api/v1/placement/batches/${id}`, { session: s.officer })).json.version, 0);
  // bad input changes: unknown member, a bad value
  r = await call('PATCH', `/api/v1/placement/batches/${id}/candidates/${A.id}`, { session: s.officer, body: { inputs: { id_number: 'x' } } });
  assert.equal(r.status, 400);
  r = await call('PATCH', `/api/v1/placement/batches/${id}/candidates/${A.id}`, { session: s.officer, body: { inputs: { education: 'phd' } } });
  assert.equal(r.status, 400);
  r = await call('PATCH', `/api/v1/placement/batches/${id}/candidates/${A.id}`, { session: s.officer, body: { inputs: { hardship_years: 0 } } });
  assert.equal(r.status, 200);

  // the scores, worked by hand; a tie broken by the chain, shown
  r = await call('GET', `/api/v1/placement/batches/${id}/scores`, { session: s.officer });
  assert.equal(r.status, 200, r.text);
  const order = r.json.items.map((x) => [x.name ?? '', x.total, x.tie_rule]);
  assert.deepEqual(order.map((x) => x[1]), ['55.000', '52.000', '42.000', '27.500', '27.500']);
  assert.equal(order[3][0], '戊立功');
  assert.equal(order[4][0], '乙立功');
  assert.equal(order[4][2], 'service_longer');
  const aLines = r.json.items.find((x) => x.name === '甲士官').lines;
  assert.deepEqual(aLines.map((l) => `${l.item} ${l.quantity}x${l.per_unit}=${l.points}`),
    ['years.first 12.000x3.000=36.000', 'years.beyond 1.500x4.000=6.000']);
  assert.equal(r.json.not_eligible.length, 1);
  // the list as the bureau prints it
  r = await call('GET', `/api/v1/placement/batches/${id}/scores?format=xlsx`, { session: s.officer });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml/);

  // 公示: version 1 with digests; again unchanged: no new version
  r = await call('POST', `/api/v1/placement/batches/${id}/publish`, { session: s.officer, body: { reason: '首次公示' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.version, 1);
  const v1 = r.json;
  r = await call('POST', `/api/v1/placement/batches/${id}/publish`, { session: s.officer, body: {} });
  assert.equal(r.status, 200);
  assert.equal(r.json.unchanged, true);
  // the posts are frozen
  r = await call('POST', `/api/v1/placement/batches/${id}/posts`, { session: s.officer, body: { employer: 'x', title: 'y', places: 1 } });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'batch_published');

  // the public page, without login: masked names, numbers, scores, the digests anyone can recompute
  r = await call('GET', `/api/v1/public/placement/${id}`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.scores_digest, v1.scores_digest);
  assert.equal(r.json.scores.length, 5);
  for (const name of ['甲士官', '乙立功', '丙伤残', '戊立功']) assert.ok(!r.text.includes(name), `${name} unmasked`);
  assert.ok(r.json.scores.some((x) => x.name === '甲*官'));
  assert.ok(!/\d{17}[\dX]/.test(r.text), 'no 身份证号 on the public page');
  const canon = await call('GET', `/api/v1/public/placement/${id}/canonical?list=scores`);
  assert.equal(canon.status, 200);
  assert.equal(sha256(canon.text), v1.scores_digest);
  const pcanon = await call('GET', `/api/v1/public/placement/${id}/canonical?list=posts`);
  assert.equal(sha256(pcanon.text), v1.posts_digest);
  assert.ok((await call('GET', '/api/v1/public/placement')).json.items.some((x) => x.id === id));

  // objections: by the candidate person (their own only), by staff; each decided once
  const mine = byName(b, 'P');
  r = await call('POST', `/api/v1/placement/batches/${id}/objections`, { session: s.person, body: { candidate_id: byName(b, 'B').id, text: '不是我的' } });
  assert.equal(r.status, 403);
  r = await call('POST', `/api/v1/placement/batches/${id}/objections`, { session: s.person, body: { candidate_id: mine.id, text: '' } });
  assert.equal(r.status, 400);
  r = await call('POST', `/api/v1/placement/batches/${id}/objections`, { session: s.person, body: { candidate_id: mine.id, text: '我的一等功核对无误，仅确认' } });
  assert.equal(r.status, 201, r.text);
  const o1 = r.json.id;
  r = await call('POST', `/api/v1/placement/batches/${id}/objections`, { session: s.officer, body: { candidate_id: byName(b, 'B').id, text: '漏计一次嘉奖' } });
  assert.equal(r.status, 201);
  const o2 = r.json.id;
  // an open objection holds the session back
  r = await call('POST', `/api/v1/placement/batches/${id}/session/start`, { session: s.officer, body: {} });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'objections_open');
  r = await call('POST', `/api/v1/placement/batches/${id}/objections/${o1}/decide`, { session: s.officer, body: { outcome: 'maybe', note: 'x' } });
  assert.equal(r.status, 400);
  r = await call('POST', `/api/v1/placement/batches/${id}/objections/${o1}/decide`, { session: s.officer, body: { outcome: 'rejected', note: '经核查分数无误' } });
  assert.equal(r.status, 200);
  r = await call('POST', `/api/v1/placement/batches/${id}/objections/${o1}/decide`, { session: s.officer, body: { outcome: 'upheld', note: '再次' } });
  assert.equal(r.status, 409);
  r = await call('POST', `/api/v1/placement/batches/${id}/objections/${o2}/decide`, { session: s.officer, body: { outcome: 'upheld', note: '补记嘉奖一次' } });
  assert.equal(r.status, 200);
  // the correction: after publication only with a reason; a new version shows who moved
  const B = byName(b, 'B');
  r = await call('PATCH', `/api/v1/placement/batches/${id}/candidates/${B.id}`, { session: s.officer, body: { inputs: { awards: { peacetime: { merit2: 1, jiajiang: 1 } } } } });
  assert.equal(r.status, 400);
  assert.equal(r.json.error.code, 'reason_required');
  r = await call('PATCH', `/api/v1/placement/batches/${id}/candidates/${B.id}`, { session: s.officer, body: { inputs: { awards: { peacetime: { merit2: 1, jiajiang: 1 } } }, reason: `异议 ${o2} 成立` } });
  assert.equal(r.status, 200, r.text);
  r = await call('POST', `/api/v1/placement/batches/${id}/session/start`, { session: s.officer, body: {} });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'unpublished_changes');
  r = await call('POST', `/api/v1/placement/batches/${id}/publish`, { session: s.officer, body: { reason: `异议 ${o2} 成立，更正` } });
  assert.equal(r.status, 201);
  assert.equal(r.json.version, 2);
  r = await call('GET', `/api/v1/placement/batches/${id}/versions`, { session: s.auditor });
  assert.equal(r.json.items.length, 2);
  const changes = r.json.items[1].changes;
  assert.deepEqual(changes.map((c) => [c.number, c.before.rank, c.after.rank, c.before.total, c.after.total]).sort(),
    [[B.number, 5, 4, '27.500', '28.000'], [byName(b, 'E').number, 4, 5, '27.500', '27.500']].sort());
  const pub = await call('GET', `/api/v1/public/placement/${id}`);
  assert.equal(pub.json.version, 2);
  assert.equal(pub.json.versions[1].changes.length, 2);

  // the live session; the projector (no login) shows whose turn it is and the posts left
  r = await call('POST', `/api/v1/placement/batches/${id}/session/steps`, { session: s.officer, body: { choice: 'none' } });
  assert.equal(r.status, 409, 'no step before the session starts');
  r = await call('POST', `/api/v1/placement/batches/${id}/session/start`, { session: s.officer, body: {} });
  assert.equal(r.status, 200, r.text);
  let proj = await call('GET', `/api/v1/public/placement/${id}/projector`);
  assert.equal(proj.status, 200);
  assert.equal(proj.json.current.number, mine.number);
  assert.ok(!proj.text.includes('甲士官'));
  assert.equal(proj.json.posts.reduce((n, p) => n + p.left, 0), 4);
  const step = (body, session = s.officer) => call('POST', `/api/v1/placement/batches/${id}/session/steps`, { session, body });
  // refusals leave the turn where it was
  assert.equal((await step({ candidate: byName(b, 'C').number, choice: 'none' })).json.error.code, 'not_their_turn');
  assert.equal((await step({ choice: 'post', post: 'P99' })).status, 400);
  assert.equal((await step({ choice: 'post', post: 'P02' })).json.error.code, 'post_not_acceptable');
  assert.equal((await step({ choice: 'maybe' })).status, 400);
  assert.equal((await step({ choice: 'none' }, s.auditor)).status, 403);
  proj = await call('GET', `/api/v1/public/placement/${id}/projector`);
  assert.equal(proj.json.turn, 0);
  // person P01; C absent (moved to the end); A P03; B P01; E: P01 full
  r = await step({ candidate: mine.number, choice: 'post', post: 'P01' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.confirmation.candidate.number, mine.number);
  assert.equal(r.json.confirmation.post.number, 'P01');
  assert.equal(r.json.confirmation.seq, 1);
  assert.equal((await step({ choice: 'absent' })).status, 201);
  assert.equal((await step({ choice: 'post', post: 'P03' })).status, 201);
  assert.equal((await step({ choice: 'post', post: 'P01' })).status, 201);
  r = await step({ choice: 'post', post: 'P01' });
  assert.equal(r.status, 409);
  assert.equal(r.json.error.code, 'post_full');
  r = await call('POST', `/api/v1/placement/batches/${id}/results`, { session: s.officer, body: {} });
  assert.equal(r.json.error.code, 'session_not_over');
  assert.equal((await step({ choice: 'none' })).status, 201);
  proj = await call('GET', `/api/v1/public/placement/${id}/projector`);
  assert.equal(proj.json.current.number, byName(b, 'C').number, 'the absent one is called again at the end');
  assert.equal((await step({ choice: 'absent' })).status, 201);
  proj = await call('GET', `/api/v1/public/placement/${id}/projector`);
  assert.equal(proj.json.over, true);
  r = await call('GET', `/api/v1/placement/batches/${id}/session/steps`, { session: s.auditor });
  assert.equal(r.json.items.length, 6);

  // results with their own digest; the person's receipt, theirs only
  r = await call('POST', `/api/v1/placement/batches/${id}/results`, { session: s.officer, body: {} });
  assert.equal(r.status, 201, r.text);
  const results = r.json;
  assert.deepEqual(results.items.map((x) => [x.number, x.outcome, x.post]), [
    [mine.number, 'placed', 'P01'], [byName(b, 'C').number, 'absent', null], [A.number, 'placed', 'P03'],
    [B.number, 'placed', 'P01'], [byName(b, 'E').number, 'no_choice', null]]);
  const rc = await call('GET', `/api/v1/public/placement/${id}/canonical?list=results`);
  assert.equal(sha256(rc.text), results.results_digest);
  assert.equal((await call('GET', `/api/v1/public/placement/${id}`)).json.results_digest, results.results_digest);
  r = await call('GET', `/api/v1/placement/batches/${id}/results?format=xlsx`, { session: s.auditor });
  assert.equal(r.status, 200);
  r = await call('GET', `/api/v1/placement/batches/${id}/candidates/${mine.id}`, { session: s.person });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.receipt.rank, 1);
  assert.equal(r.json.receipt.post.number, 'P01');
  assert.deepEqual(r.json.score.lines.map((l) => l.points), ['15.000', '40.000']);
  assert.equal((await call('GET', `/api/v1/placement/batches/${id}/candidates/${B.id}`, { session: s.person })).status, 403);
  r = await call('GET', `/api/v1/placement/batches/${id}/candidates/${byName(b, 'E').id}`, { session: s.officer });
  assert.deepEqual(r.json.receipt.open_at_turn, ['P02']);
  r = await call('GET', '/api/v1/placement/mine', { session: s.person });
  assert.ok(r.json.items.some((x) => x.batch_id === id && x.receipt.outcome === 'placed'));

  // the export over HTTP, verified by the CLI; one changed score input is named
  r = await call('GET', `/api/v1/placement/batches/${id}/export`, { session: s.auditor });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-disposition'), /attachment/);
  const dir = mkdtempSync(join(tmpdir(), 'placement-'));
  writeFileSync(join(dir, 'ok.json'), r.text);
  const out = execFileSync(BIN, ['placement', 'verify', join(dir, 'ok.json')], { encoding: 'utf8' });
  assert.match(out, /^confirmed/);
  assert.ok(out.includes(results.results_digest));
  const ex = JSON.parse(r.text);
  ex.candidates.find((c) => c.id === A.number).awards = { peacetime: { merit3: 1 } };
  writeFileSync(join(dir, 'bad.json'), JSON.stringify(ex));
  const bad = spawnSync(BIN, ['placement', 'verify', join(dir, 'bad.json')], { encoding: 'utf8' });
  assert.equal(bad.status, 1);
  assert.match(bad.stdout, new RegExp(`DIFFERENCE: candidate ${A.number}'s score`));
});

test('the same choices give the same result live and by preferences', async () => {
  const live = await makeBatch({ discharged_from: DAY2, discharged_to: DAY2, mode: 'live' });
  const pref = await makeBatch({ discharged_from: DAY2, discharged_to: DAY2, mode: 'preferences' });
  assert.equal(live.added, 4);
  for (const b of [live, pref]) {
    await addPosts(b.id);
    const r = await call('POST', `/api/v1/placement/batches/${b.id}/publish`, { session: s.officer, body: {} });
    assert.equal(r.status, 201, r.text);
  }
  // preferences by rank: each wants P01 first, then P03; the third wants only P02 (not acceptable), the last none
  const ranked = (await call('GET', `/api/v1/placement/batches/${pref.id}/scores`, { session: s.officer })).json.items;
  const prefs = [['P01', 'P03'], ['P01', 'P03'], ['P02'], []];
  // not allowed on a live batch; a bad post; a duplicate
  const liveFirst = live.candidates.find((c) => c.number === ranked[0].number);
  let r = await call('POST', `/api/v1/placement/batches/${live.id}/preferences`, { session: s.officer, body: { candidate_id: liveFirst.id, posts: ['P01'] } });
  assert.equal(r.status, 409);
  for (const posts of [['P09'], ['P01', 'P01'], 'P01']) {
    r = await call('POST', `/api/v1/placement/batches/${pref.id}/preferences`, { session: s.officer, body: { candidate_id: ranked[0].candidate_id, posts } });
    assert.equal(r.status, 400, JSON.stringify(posts));
  }
  for (let i = 0; i < ranked.length; i++) {
    r = await call('POST', `/api/v1/placement/batches/${pref.id}/preferences`, { session: s.officer, body: { candidate_id: ranked[i].candidate_id, posts: prefs[i] } });
    assert.equal(r.status, 200, r.text);
  }
  const allocated = await call('POST', `/api/v1/placement/batches/${pref.id}/results`, { session: s.officer, body: {} });
  assert.equal(allocated.status, 201, allocated.text);
  // live: the officer records, at each turn, the choice those preferences make
  assert.equal((await call('POST', `/api/v1/placement/batches/${live.id}/session/start`, { session: s.officer, body: {} })).status, 200);
  for (const body of [{ choice: 'post', post: 'P01' }, { choice: 'post', post: 'P01' }, { choice: 'none' }, { choice: 'none' }]) {
    r = await call('POST', `/api/v1/placement/batches/${live.id}/session/steps`, { session: s.officer, body });
    assert.equal(r.status, 201, r.text);
  }
  const closed = await call('POST', `/api/v1/placement/batches/${live.id}/results`, { session: s.officer, body: {} });
  assert.equal(closed.status, 201, closed.text);
  assert.deepEqual(closed.json.items.map((x) => [x.number, x.outcome, x.post]), allocated.json.items.map((x) => [x.number, x.outcome, x.post]));
  assert.equal(closed.json.results_digest, allocated.json.results_digest);
  // the preferences export verifies too
  r = await call('GET', `/api/v1/placement/batches/${pref.id}/export`, { session: s.officer });
  const dir = mkdtempSync(join(tmpdir(), 'placement-'));
  writeFileSync(join(dir, 'p.json'), r.text);
  assert.match(execFileSync(BIN, ['placement', 'verify', join(dir, 'p.json')], { encoding: 'utf8' }), /^confirmed/);
  // every step is in the audit log
  const audit = await call('GET', '/api/v1/audit?limit=200', { session: s.admin });
  const actions = new Set((audit.json?.items ?? []).map((x) => x.action));
  for (const a of ['placement.batch_create', 'placement.draw', 'placement.post_add', 'placement.publish', 'placement.preferences', 'placement.step', 'placement.results']) {
    assert.ok(actions.has(a), `audit has ${a}`);
  }
});

test('policy tables: admin edits an item (audited), others may not; bad values are refused', async () => {
  let r = await call('GET', '/api/v1/placement/policies/2018', { session: s.auditor });
  assert.equal(r.status, 200);
  assert.equal(r.json.items.find((i) => i.code === 'years.exact_6_months').value, null);
  r = await call('PATCH', '/api/v1/placement/policies/2018/items/hardship.per_year', { session: s.officer, body: { value: '1' } });
  assert.equal(r.status, 403);
  for (const value of ['-1', '1.234', 'abc', 5]) {
    r = await call('PATCH', '/api/v1/placement/policies/2018/items/hardship.per_year', { session: s.admin, body: { value } });
    assert.equal(r.status, 400, String(value));
  }
  r = await call('PATCH', '/api/v1/placement/policies/2018/items/no.such', { session: s.admin, body: { value: '1' } });
  assert.equal(r.status, 404);
  r = await call('PATCH', '/api/v1/placement/policies/2023/items/years.first', { session: s.admin, body: { value: '2.5' } });
  assert.equal(r.status, 200);
  assert.equal(r.json.items.find((i) => i.code === 'years.first').value, '2.500');
  r = await call('PATCH', '/api/v1/placement/policies/2023/items/years.first', { session: s.admin, body: { value: null } });
  assert.equal(r.json.items.find((i) => i.code === 'years.first').value, null);
  r = await call('GET', '/api/v1/placement/policies', { session: s.officer });
  assert.ok(r.json.items.length >= 2);
});

test('public pages need no login and show nothing of a draft', async () => {
  const b = await makeBatch({ discharged_from: DAY2, discharged_to: DAY2 });
  assert.equal((await call('GET', `/api/v1/public/placement/${b.id}`)).status, 404);
  assert.equal((await call('GET', `/api/v1/public/placement/${b.id}/projector`)).status, 409);
  assert.equal((await call('GET', `/api/v1/public/placement/${b.id}/canonical`)).status, 404);
  assert.equal((await call('GET', '/api/v1/public/placement/abc')).status, 400);
  assert.equal((await call('GET', '/api/v1/public/placement/99999999')).status, 404);
  // the person sees no draft page
  const c = b.candidates[0];
  assert.equal((await call('GET', `/api/v1/placement/batches/${b.id}/candidates/${c.id}`, { session: s.person })).status, 403);
});
