// What the map pages rely on: nearby search answers each member's current
// offers with it, nearest first; every change of membership, offer or an
// organisation's place shows at once on this server although the network is
// cached (the cache time is set to an hour for the test, so only the
// invalidation can explain a fresh answer); /home tells the UI the tiles.
//
//   SY_BASE_URL=http://127.0.0.1:8080 node --test tests/api/circle_maps.test.mjs
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { call, login } from './lib.mjs';
import { memberAt } from './netlib.mjs';

let admin, officer, person, saved;
// A place of its own for this run (no demo member within 20 minutes' walk of it).
const P = { lat: 38.42 + Math.round(Math.random() * 1e4) / 1e5, lon: 117.0412 };
const nearby = (session, q) => call('GET', `/api/v1/circle/nearby?${new URLSearchParams(q)}`, { session });
const around = (q = {}) => nearby(officer, { lat: P.lat, lon: P.lon, minutes: 20, limit: 200, ...q });
const ours = (res, ids) => res.json.items.filter(m => ids.includes(m.org_id));

before(async () => {
  [admin, officer, person] = await Promise.all(['admin', 'officer', 'person'].map(r => login(r)));
  saved = (await call('GET', '/api/v1/circle/settings', { session: admin })).json;
  const s = await call('PATCH', '/api/v1/circle/settings', { session: admin, body: { nearby_cache_seconds: 3600 } });
  assert.equal(s.status, 200, s.text);
});

after(async () => {
  await call('PATCH', '/api/v1/circle/settings', { session: admin, body: { nearby_cache_seconds: saved.nearby_cache_seconds } });
});

test('nearby lists members nearest first with minutes and their current offers', async () => {
  const far = await memberAt(officer, P.lat, P.lon, 600, { offers: [{ title: '远店九折' }] });
  const near = await memberAt(officer, P.lat, P.lon, 100, {
    offers: [{ title: '近店九折', companion_allowed: true },
      { title: '伤残军人免费', benefit_kind: 'free', benefit_value: null, usage_rule: 'unlimited', categories: ['disabled_veteran'] },
      { title: '明年的优惠', valid_from: '2099-01-01' }],
  });
  const mid = await memberAt(officer, P.lat, P.lon, 300);
  const cand = await memberAt(officer, P.lat, P.lon, 50, { status: 'candidate' });
  const ids = [far.id, near.id, mid.id, cand.id];

  const r = await around();
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.center, P);
  assert.equal(r.json.minutes, 20);
  assert.ok(r.json.reach_m > 600 && r.json.reach_m < r.json.walk_m, 'straight reach is the walk over the detour factor');
  const got = ours(r, ids);
  assert.deepEqual(got.map(m => m.org_id), [near.id, mid.id, far.id], 'nearest first, candidates not listed');
  const minutes = r.json.items.map(m => m.minutes);
  assert.deepEqual([...minutes].sort((a, b) => a - b), minutes, 'the whole answer is nearest first');
  assert.ok(Math.abs(got[0].distance_m - 100) <= 2, `distance ${got[0].distance_m}`);
  assert.ok(got[0].walk_m > got[0].distance_m);
  assert.ok(got[0].minutes > 0 && got[0].minutes < got[1].minutes);

  const offers = got[0].offers;
  assert.deepEqual(offers.map(o => o.title), ['近店九折', '伤残军人免费'], 'current offers only, in order');
  assert.equal(offers[0].usage_rule, 'once_per_day');
  assert.equal(offers[0].companion_allowed, true);
  assert.equal(offers[0].benefit_value, 0.9);
  assert.deepEqual(offers[0].categories, [], 'no category: every holder');
  assert.deepEqual(offers[1].categories.map(c => c.code), ['disabled_veteran']);
  assert.ok(offers[1].categories[0].label, 'categories carry their Chinese name');
  assert.equal(offers[1].benefit_value, null);
  assert.deepEqual(got[1].offers, [], 'a member without offers');

  // fewer minutes, fewer members; the category filter
  assert.deepEqual(ours(await around({ minutes: 5 }), ids).map(m => m.org_id), [near.id]);
  assert.deepEqual(ours(await around({ category: 'retail' }), ids), []);
});

test('changes show in nearby at once: offers, leaving, joining, an organisation moving', async () => {
  const a = await memberAt(officer, P.lat, P.lon + 0.01, 150, { offers: [{ title: '开关测试' }] });
  const b = await memberAt(officer, P.lat, P.lon + 0.01, 400, { status: 'candidate' });
  const q = { lon: P.lon + 0.01 };
  const ids = [a.id, b.id];
  assert.deepEqual(ours(await around(q), ids).map(m => m.org_id), [a.id]);

  // an offer switched off disappears; switched on again comes back
  let p = await call('PATCH', `/api/v1/offers/${a.offers[0]}`, { session: officer, body: { active: false } });
  assert.equal(p.status, 200, p.text);
  assert.deepEqual(ours(await around(q), ids)[0].offers, []);
  p = await call('PATCH', `/api/v1/offers/${a.offers[0]}`, { session: officer, body: { active: true } });
  assert.equal(p.status, 200, p.text);
  assert.equal(ours(await around(q), ids)[0].offers.length, 1);

  // the candidate joins: listed at once, behind a
  const j = await call('POST', '/api/v1/merchants', { session: officer, body: { org_id: b.id, plaque_no: `T-${Date.now()}` } });
  assert.ok(j.status === 200 || j.status === 201, j.text);
  assert.deepEqual(ours(await around(q), ids).map(m => m.org_id), [a.id, b.id]);

  // a moves 500 m further north: now behind b
  const m = await call('PATCH', `/api/v1/orgs/${a.id}`, { session: officer, body: { lat: a.lat + 600 / 111_195, lon: a.lon } });
  assert.equal(m.status, 200, m.text);
  const moved = ours(await around(q), ids);
  assert.deepEqual(moved.map(x => x.org_id), [b.id, a.id]);
  assert.ok(Math.abs(moved[1].distance_m - 750) <= 3, `moved distance ${moved[1].distance_m}`);

  // b leaves: gone at once
  const l = await call('POST', `/api/v1/merchants/${b.id}/leave`, { session: officer, body: { reason: '停业' } });
  assert.equal(l.status, 200, l.text);
  assert.deepEqual(ours(await around(q), ids).map(x => x.org_id), [a.id]);

  // a failed change (bad coordinates) changes nothing and the answer stays the same
  const bad = await call('PATCH', `/api/v1/orgs/${a.id}`, { session: officer, body: { lat: 99, lon: a.lon } });
  assert.equal(bad.status, 400);
  assert.ok(Math.abs(ours(await around(q), ids)[0].distance_m - 750) <= 3);
});

test('a person\'s nearby without a point is around their home, with offers', async () => {
  const me = await call('GET', `/api/v1/people/${person.user.person_id}`, { session: person });
  assert.equal(me.status, 200);
  const r = await nearby(person, { minutes: 60 });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json.center, { lat: me.json.lat, lon: me.json.lon });
  for (const m of r.json.items) assert.ok(Array.isArray(m.offers));
});

test('/home tells the map pages whether tiles are configured', async () => {
  for (const s of [admin, person]) {
    const h = await call('GET', '/api/v1/home', { session: s });
    assert.equal(h.status, 200);
    // the test server runs without map-tiles: maps are drawn offline
    assert.deepEqual(h.json.map, { tiles: null, attribution: null });
  }
});
