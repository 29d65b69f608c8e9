// Every route, every role: who gets 2xx and who gets 403. The route table is
// read from the binary (`shuangyong routes`), so a new route is walked
// without editing this file; its example body comes from the OpenAPI document.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { call, login, routeTable, ROLES, uniq, makeIdNumber } from './lib.mjs';

const sessions = {};
let openapi;
let spareUser; // a user the walk may rename and re-password
let xinhuaPeople = []; // people of 新华区, where the officer and auditor under test work
let nextRelative = 1;
let walkAssoc; // an association of 新华区 the walk may change, add members to and remove them from
let walkMembers = []; // organisations of 新华区 that POST …/members adds, one per call
let nextMember = 0;
let walkJoin = []; // organisations of 新华区 that POST /api/v1/merchants puts in the network, one per call
let nextJoin = 0;
let merchantOrg; // the `merchant` login's organisation, a network member
let validCard; // a received demo card: verification and services find it valid

before(async () => {
  for (const role of ROLES) sessions[role] = await login(role);
  openapi = (await call('GET', '/api/v1/openapi.json')).json;
  const admin = sessions.admin;
  const u = await call('POST', '/api/v1/users', {
    session: admin,
    body: { username: `walk.${uniq()}`, display_name: '巡检用户', password: 'walk-password-1', role: 'officer', region_code: '130902' },
  });
  assert.equal(u.status, 201, u.text);
  spareUser = u.json.id;
  // people of 新华区 for the walk to act on (family links need a fresh relative each time)
  for (let i = 0; i < 12; i++) {
    const p = await call('POST', '/api/v1/people', {
      session: admin, body: { id_number: makeIdNumber('130902', `1970010${1 + (i % 9)}`), name: `巡检${i}号`, region_code: '130902' },
    });
    assert.equal(p.status, 201, p.text);
    xinhuaPeople.push(p.json.id);
  }
  const a = await call('POST', '/api/v1/orgs', {
    session: admin, body: { name: `巡检协会${uniq()}`, type: 'association', region_code: '130902' },
  });
  assert.equal(a.status, 201, a.text);
  walkAssoc = a.json.id;
  for (let i = 0; i < 4; i++) walkMembers.push(await freshOrg());
  for (let i = 0; i < 4; i++) walkJoin.push(await freshOrg());
  merchantOrg = sessions.merchant.user.org_id;
  const cards = await call('GET', '/api/v1/cards?state=received&limit=1', { session: admin });
  validCard = cards.json.items[0].number;
});

// A merchant of 新华区, for the walk to add to its association.
async function freshOrg() {
  const o = await call('POST', '/api/v1/orgs', {
    session: sessions.admin, body: { name: `巡检商户${uniq()}`, type: 'merchant', region_code: '130902' },
  });
  assert.equal(o.status, 201, o.text);
  return o.json.id;
}

// The path to call for a route as a role: {id} and {cid} filled with objects
// that role may reach, fresh where one call uses them up (revoke, category end).
async function pathFor(route, role) {
  let path = route.pattern;
  if (path.startsWith('/api/v1/people/')) {
    const pid = role === 'person' ? sessions.person.user.person_id : xinhuaPeople[0];
    path = path.replace('{id}', String(pid));
    if (path.includes('{cid}')) {
      const c = await call('POST', `/api/v1/people/${xinhuaPeople[0]}/categories`, {
        session: sessions.admin, body: { category: 'military_family' },
      });
      assert.equal(c.status, 201, c.text);
      const cid = c.json.categories.filter((x) => x.id).at(-1).id;
      path = path.replace('{cid}', String(cid));
    }
    // a link and a service record of their own for each call that may use them up
    const allowed = route.roles.includes(role);
    if (path.includes('{lid}')) path = path.replace('{lid}', String(allowed ? await freshLink() : 1));
    if (path.includes('{sid}')) path = path.replace('{sid}', String(allowed ? await freshService() : 1));
    return path;
  }
  if (path.startsWith('/api/v1/imports/rejects/')) {
    // the rejected rows of an import this role made (others get 403 before any lookup)
    let id = 1;
    if (route.roles.includes(role)) {
      const res = await call('POST', '/api/v1/imports/people', {
        session: sessions[role], raw: '身份证号,姓名,居住地区代码\r\n123,坏行,130902\r\n', headers: { 'Content-Type': 'text/csv' },
      });
      assert.equal(res.status, 200, res.text);
      id = res.json.rejected_url.split('/').at(-1);
    }
    return path.replace('{id}', String(id));
  }
  if (path.startsWith('/api/v1/orgs/')) {
    // an organisation role reads its own organisation; staff act on the walk's association,
    // with a contact or a member of its own for each call that removes one
    path = path.replace('{id}', String(sessions[role].user.org_id || walkAssoc));
    const allowed = route.roles.includes(role);
    if (path.includes('{cid}')) {
      let cid = 1;
      if (allowed) {
        const c = await call('POST', `/api/v1/orgs/${walkAssoc}/contacts`, { session: sessions.admin, body: { name: '巡检联系人' } });
        assert.equal(c.status, 201, c.text);
        cid = c.json.contacts.at(-1).id;
      }
      path = path.replace('{cid}', String(cid));
    }
    if (path.includes('{mid}')) {
      let mid = 1;
      if (allowed) {
        mid = await freshOrg();
        const m = await call('POST', `/api/v1/orgs/${walkAssoc}/members`, { session: sessions.admin, body: { member_id: mid } });
        assert.equal(m.status, 201, m.text);
      }
      path = path.replace('{mid}', String(mid));
    }
    return path;
  }
  if (path.startsWith('/api/v1/dual-lists/')) return path.replace('{year}', '2026');
  if (path.startsWith('/api/v1/cases/') && path.includes('{')) {
    // a fresh case of the demo person (新华区: every reader reaches it), so each call finds its step pending;
    // for the unit, a 拥政爱民 item it answers for, assigned to it (its action: start); for the
    // department, a case whose first step (报到) it handles
    const departments = role === 'department' ? { report: sessions.department.user.org_id } : undefined;
    const c = role === 'unit' ? await unitItem() : await call('POST', '/api/v1/cases', {
      session: sessions.admin, body: { type: 'one_window', person_id: sessions.person.user.person_id, departments },
    });
    assert.equal(c.status, 201, c.text);
    if (path.includes('{aid}')) {
      const a = await call('POST', `/api/v1/cases/${c.json.id}/attachments?name=walk.pdf`, { session: sessions.admin, raw: WALK_PDF, headers: { 'Content-Type': 'application/pdf' } });
      assert.equal(a.status, 201, a.text);
      path = path.replace('{aid}', String(a.json.id));
    }
    return path.replace('{id}', String(c.json.id)).replace('{sid}', String(c.json.steps[0].id));
  }
  if (path.startsWith('/api/v1/case-types/')) return path.replace('{code}', 'one_window');
  if (path.startsWith('/api/v1/calendar/')) {
    // a day of its own for the admin to remove
    if (route.roles.includes(role)) {
      const d = await call('POST', '/api/v1/calendar', { session: sessions.admin, body: { date: '2092-01-05', kind: 'holiday' } });
      assert.equal(d.status, 200, d.text);
    }
    return path.replace('{date}', '2092-01-05');
  }
  if (path.startsWith('/api/v1/merchants/')) {
    // an organisation role its own; staff the merchant's, or a fresh member for each leave
    let org = sessions[role].user.org_id || merchantOrg;
    if (path.endsWith('/leave') && route.roles.includes(role)) {
      org = await freshOrg();
      const j = await call('POST', '/api/v1/merchants', { session: sessions.admin, body: { org_id: org, plaque_no: `WALK-${uniq()}` } });
      assert.equal(j.status, 201, j.text);
    }
    return path.replace('{org_id}', String(org));
  }
  if (path.startsWith('/api/v1/offers/')) return path.replace('{id}', String(await freshOffer()));
  if (path.includes('{no}')) return path.replace('{no}', validCard);
  if (path.startsWith('/api/v1/cards')) {
    // cards: a fresh eligible person for each application; for a step, a fresh card in the
    // state the walked action ({action} = review) starts from; the person reads their own card
    if (path === '/api/v1/cards' && route.method === 'POST') cardPerson = await cardEligiblePerson();
    if (!path.includes('{id}')) return path;
    let id = 1;
    if (path.endsWith('/printed-code')) {
      // a code is printed for a card that exists: the demo person's (新华区, received)
      const own = await call('GET', `/api/v1/cards?person=${sessions.person.user.person_id}`, { session: sessions.admin });
      return path.replace('{id}', String(own.json.items[0]?.id ?? 1));
    }
    if (role === 'person') {
      const own = await call('GET', '/api/v1/cards', { session: sessions.person });
      id = own.json.items[0]?.id ?? 1;
    } else if (route.roles.includes(role)) {
      const p = await call('POST', '/api/v1/cards', { session: sessions.admin, body: { person_id: await cardEligiblePerson() } });
      assert.equal(p.status, 201, p.text);
      id = p.json.id;
    }
    return path.replace('{id}', String(id)).replace('{action}', 'review');
  }
  if (path.startsWith('/api/v1/placement/')) return placementPath(route, role, path);
  if (path.includes('{id}')) path = path.replace('{id}', String(await idFor(route)));
  return path;
}

const WALK_PDF = '%PDF-1.4\n% walk\n';

// A 拥政爱民 item of the demo unit, moved by the 双拥办 to 交办 (assigned), so the unit may start it.
async function unitItem() {
  const unitOrg = sessions.unit.user.org_id;
  const c = await call('POST', '/api/v1/cases', {
    session: sessions.admin, body: { type: 'dual_civil', org_id: unitOrg, departments: { item: unitOrg }, year: 2026,
      content: '巡检事项', deadline: '2026-12-31', quality_standard: '按期完成' },
  });
  assert.equal(c.status, 201, c.text);
  for (const action of ['compile', 'review', 'assign']) {
    const m = await call('POST', `/api/v1/cases/${c.json.id}/steps/${c.json.steps[0].id}/transitions`, { session: sessions.admin, body: { action } });
    assert.equal(m.status, 200, m.text);
  }
  return c;
}

// An unlimited offer of the merchant's organisation (usable again and again).
async function freshOffer() {
  const o = await call('POST', '/api/v1/offers', {
    session: sessions.admin,
    body: { org_id: merchantOrg, title: `巡检优惠${uniq()}`, benefit_kind: 'free', usage_rule: 'unlimited', categories: [] },
  });
  assert.equal(o.status, 201, o.text);
  return o.json.id;
}

// A service needs an offer of the caller's organisation, or for a clinic its own service kind.
async function bodyFor(route, role) {
  if (route.pattern !== '/api/v1/services' || !route.roles.includes(role)) return exampleBody(route);
  if (role === 'clinic') return { card_number: validCard, kind: 'medical' };
  return { card_number: validCard, offer_id: await freshOffer(), amount_saved: 12.5 };
}

// ---- 阳光安置: batches in the state each route starts from ----
const WALK_DAY = '2015-04-20'; // the walk's own discharge day
let walkYear = 2900;
let walkVeteran; // an eligible veteran of 新华区 discharged on WALK_DAY
let walkChoosing; // a live batch in session (the reads walk it; the person is a candidate)
let walkClosed; // a preferences batch with its result published
let placementCandidate = 1; // what "{placementcandidate}" stands for in the next example body

async function placementSetup() {
  if (walkVeteran) return;
  const admin = sessions.admin;
  const p = await call('POST', '/api/v1/people', { session: admin, body: { id_number: makeIdNumber('130902', '19880808'), name: '巡检老兵', region_code: '130902' } });
  assert.equal(p.status, 201, p.text);
  walkVeteran = p.json.id;
  for (const pid of [walkVeteran, sessions.person.user.person_id]) {
    const sv = await call('POST', `/api/v1/people/${pid}/service`, {
      session: admin, body: { branch: 'army', enlist_date: '2010-04-20', discharge_date: WALK_DAY, exit_mode: 'placed', awards: [{ level: 'merit_2' }] },
    });
    assert.equal(sv.status, 201, sv.text);
  }
  walkChoosing = await walkBatch({ draw: true, posts: true, publish: true, start: true });
  walkClosed = await walkBatch({ mode: 'preferences', draw: true, posts: true, publish: true });
  const closed = await call('POST', `/api/v1/placement/batches/${walkClosed.id}/results`, { session: admin, body: {} });
  assert.equal(closed.status, 201, closed.text);
}

async function walkBatch({ mode = 'live', draw = false, posts = false, publish = false, start = false } = {}) {
  const admin = sessions.admin;
  const b = await call('POST', '/api/v1/placement/batches', {
    session: admin,
    body: { year: walkYear++, region_code: '130902', name: '巡检批次', mode, absence_rule: 'forfeit', publicity_days: 7, objection_days: 5, discharged_from: WALK_DAY, discharged_to: WALK_DAY },
  });
  assert.equal(b.status, 201, b.text);
  const id = b.json.id;
  if (draw) assert.equal((await call('POST', `/api/v1/placement/batches/${id}/draw`, { session: admin, body: {} })).status, 200);
  if (posts) assert.equal((await call('POST', `/api/v1/placement/batches/${id}/posts`, { session: admin, body: { employer: '巡检单位', title: '巡检岗', places: 2 } })).status, 201);
  if (publish) assert.equal((await call('POST', `/api/v1/placement/batches/${id}/publish`, { session: admin, body: {} })).status, 201);
  if (start) assert.equal((await call('POST', `/api/v1/placement/batches/${id}/session/start`, { session: admin, body: {} })).status, 200);
  const full = await call('GET', `/api/v1/placement/batches/${id}`, { session: admin });
  const own = full.json.candidates.find((c) => c.person_id === sessions.person.user.person_id);
  return { id, own: own?.id ?? 1, first: full.json.candidates[0]?.id ?? 1 };
}

async function placementPath(route, role, path) {
  await placementSetup();
  path = path.replace('{code}', '2018').replace('{item}', 'years.first');
  if (!path.includes('{id}')) return path;
  const allowed = route.roles.includes(role);
  const tail = path.slice(path.indexOf('{id}') + 4);
  const m = route.method;
  let b = walkChoosing;
  if (m === 'GET' && tail === '/results') b = walkClosed;
  else if (m !== 'GET' && allowed) {
    // a fresh batch in the state the step starts from
    if (tail === '' || tail === '/draw' || tail === '/candidates' || tail === '/posts') b = await walkBatch();
    else if (tail === '/candidates/{cid}') b = await walkBatch({ draw: true });
    else if (tail === '/publish') b = await walkBatch({ draw: true, posts: true });
    else if (tail === '/session/start' || tail.startsWith('/objections')) b = await walkBatch({ draw: true, posts: true, publish: true });
    else if (tail === '/session/steps') b = await walkBatch({ draw: true, posts: true, publish: true, start: true });
    else if (tail === '/preferences' || tail === '/results') b = await walkBatch({ mode: 'preferences', draw: true, posts: true, publish: true });
  }
  placementCandidate = b.own;
  if (path.includes('{oid}')) {
    let oid = 1;
    if (allowed) {
      const o = await call('POST', `/api/v1/placement/batches/${b.id}/objections`, { session: sessions.admin, body: { candidate_id: b.own, text: '巡检异议' } });
      assert.equal(o.status, 201, o.text);
      oid = o.json.id;
    }
    path = path.replace('{oid}', String(oid));
  }
  return path.replace('{id}', String(b.id)).replace('{cid}', String(role === 'person' ? b.own : b.first));
}

let cardPerson; // the person POST /api/v1/cards applies for (one application each)
let cardPeople = 0;

// A veteran of 新华区 with no card yet.
async function cardEligiblePerson() {
  const p = await call('POST', '/api/v1/people', {
    session: sessions.admin, body: { id_number: makeIdNumber('130902', `1972${String(1 + (cardPeople % 12)).padStart(2, '0')}${String(1 + (cardPeople++ % 28)).padStart(2, '0')}`),
      name: '巡检持证人', region_code: '130902' },
  });
  assert.equal(p.status, 201, p.text);
  const c = await call('POST', `/api/v1/people/${p.json.id}/categories`, { session: sessions.admin, body: { category: 'veteran' } });
  assert.equal(c.status, 201, c.text);
  return p.json.id;
}

// A family link of xinhuaPeople[0] to a new relative (each pair links once).
async function freshLink() {
  const rel = await call('POST', '/api/v1/people', {
    session: sessions.admin, body: { id_number: makeIdNumber('130902', '19750505'), name: '巡检亲属', region_code: '130902' },
  });
  assert.equal(rel.status, 201, rel.text);
  const l = await call('POST', `/api/v1/people/${xinhuaPeople[0]}/family`, {
    session: sessions.admin, body: { relative_id: rel.json.id, relation: 'spouse' },
  });
  assert.equal(l.status, 201, l.text);
  return l.json.family.find((f) => f.person_id === rel.json.id).link_id;
}

// A service record of xinhuaPeople[0] that the route examples may change or remove.
async function freshService() {
  const s = await call('POST', `/api/v1/people/${xinhuaPeople[0]}/service`, {
    session: sessions.admin, body: { branch: 'army', enlist_date: '2008-12-01' },
  });
  assert.equal(s.status, 201, s.text);
  return Math.max(...s.json.service.map((x) => x.id));
}

// A fresh object for routes whose {id} is used up by one call (revoke).
async function idFor(route) {
  if (route.pattern.startsWith('/api/v1/tokens/')) {
    const t = await call('POST', '/api/v1/tokens', {
      session: sessions.admin, body: { name: `walk ${uniq()}`, role: 'auditor', region_code: '130902' },
    });
    assert.equal(t.status, 201, t.text);
    return t.json.token.id;
  }
  return spareUser;
}

// An upload route's example is a file (text/csv), sent as it is.
function exampleUpload(route) {
  const op = openapi.paths[route.pattern]?.[route.method.toLowerCase()];
  const ex = op?.requestBody?.content?.['text/csv']?.example;
  return ex ? ex.replaceAll('{idnumber}', makeIdNumber()) : undefined;
}

function exampleBody(route) {
  const op = openapi.paths[route.pattern]?.[route.method.toLowerCase()];
  const ex = op?.requestBody?.content?.['application/json']?.example;
  if (!ex) return undefined;
  const text = JSON.stringify(ex)
    .replaceAll('{uniq}', uniq())
    .replaceAll('{idnumber}', makeIdNumber())
    .replaceAll('"{cardperson}"', String(cardPerson ?? 1))
    .replaceAll('"{placementyear}"', () => String(walkYear++))
    .replaceAll('"{placementperson}"', String(walkVeteran ?? 1))
    .replaceAll('"{placementcandidate}"', String(placementCandidate))
    .replaceAll('"{relative}"', String(xinhuaPeople[1 + (nextRelative++ % (xinhuaPeople.length - 1))]))
    .replaceAll('"{member}"', () => String(walkMembers[nextMember++ % walkMembers.length]))
    .replaceAll('"{org}"', () => String(walkJoin[nextJoin++ % walkJoin.length]))
    .replaceAll('"{merchantorg}"', String(merchantOrg))
    .replaceAll('{cardno}', validCard ?? '');
  return JSON.parse(text);
}

test('every route answers 2xx to the roles it names and 403 to the rest', async () => {
  const routes = routeTable().filter((r) => r.roles !== 'public');
  assert.ok(routes.length >= 8, 'route table is not empty');
  const problems = [];
  for (const route of routes) {
    for (const role of ROLES) {
      const path = await pathFor(route, role);
      const upload = exampleUpload(route);
      const body = await bodyFor(route, role);
      // a person files for themselves; the unit starts its assigned item
      if (body && route.pattern === '/api/v1/cases' && role === 'person') delete body.person_id;
      if (body && route.pattern.endsWith('/transitions') && role === 'unit') body.action = 'start';
      const res = route.pattern.endsWith('/attachments')
        ? await call(route.method, path, { session: sessions[role], raw: WALK_PDF, headers: { 'Content-Type': 'application/pdf' } })
        : upload !== undefined
          ? await call(route.method, path, { session: sessions[role], raw: upload, headers: { 'Content-Type': 'text/csv' } })
          : await call(route.method, path, { session: sessions[role], body });
      const allowed = route.roles.includes(role);
      if (allowed && (res.status < 200 || res.status > 299)) problems.push(`${role} ${route.method} ${route.pattern}: ${res.status} ${res.text.slice(0, 120)}`);
      if (!allowed && (res.status !== 403 || res.json?.error?.code !== 'forbidden')) problems.push(`${role} ${route.method} ${route.pattern}: expected 403, got ${res.status}`);
      if (route.pattern === '/api/v1/auth/logout' && allowed) sessions[role] = await login(role);
    }
  }
  assert.deepEqual(problems, []);
});

test('without a session every non-public route answers 401', async () => {
  for (const route of routeTable().filter((r) => r.roles !== 'public')) {
    const path = route.pattern.replaceAll(/\{[^}]+\}/g, '1');
    const res = await call(route.method, path, { body: exampleBody(route) });
    assert.equal(res.status, 401, `${route.method} ${route.pattern}`);
    assert.equal(res.json.error.code, 'unauthenticated');
  }
});

test('officers see only their own region', async () => {
  const off = sessions.officer; // 新华区 130902
  const inScope = await call('GET', '/api/v1/orgs?limit=500', { session: off });
  assert.equal(inScope.status, 200);
  assert.ok(inScope.json.items.length > 0);
  for (const o of inScope.json.items) assert.ok(o.region_code.startsWith('130902'), o.region_code);
  const out = await call('GET', '/api/v1/orgs?region=130982', { session: off });
  assert.equal(out.status, 403);
  assert.equal(out.json.error.code, 'region_out_of_scope');
  // an organisation role sees its own organisation only
  const m = await call('GET', '/api/v1/orgs', { session: sessions.merchant });
  assert.equal(m.status, 200);
  assert.equal(m.json.items.length, 1);
  assert.equal(m.json.items[0].id, sessions.merchant.user.org_id);
});

test('auditors read the audit log of their region only', async () => {
  const res = await call('GET', '/api/v1/audit?limit=200', { session: sessions.auditor });
  assert.equal(res.status, 200);
  for (const row of res.json.items) assert.ok(row.region_code && row.region_code.startsWith('130902'), JSON.stringify(row));
});
