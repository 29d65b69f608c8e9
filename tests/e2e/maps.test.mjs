// Browser tests of the 10-minute circle's map pages, with no tiles configured
// (the test server sets no map-tiles): the merchant map lists the members
// nearest first with walking minutes and offers, draws them on the map, and
// matches the API's answer; the coverage page shows the county table, the
// heat grid layer and the suggestions on the map and in a table, and the
// uncovered list. No request leaves the server.
//
//   SY_BASE_URL=http://127.0.0.1:8080 node --test tests/e2e/maps.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, ADMIN, PERSON, TIMEOUT, openPage, login, useBrowser } from './browser.mjs';
import { call, login as apiLogin } from '../api/lib.mjs';
import { memberAt } from '../api/netlib.mjs';

useBrowser();

/** Every URL the page asks for that is not this server's. */
function outsideRequests(page) {
  const origin = new URL(BASE).origin;
  const seen = [];
  page.on('request', req => {
    const u = req.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:')) seen.push(u);
  });
  return seen;
}

test('merchant map: members nearest first with minutes and offers, drawn on an offline map', TIMEOUT, async () => {
  const officer = await apiLogin('officer');
  // members of its own, at a place of this run where no demo member is near
  const P = { lat: 38.5 + Math.random() * 0.1, lon: 117.08 };
  const near = await memberAt(officer, P.lat, P.lon, 120, { label: '地图近店', offers: [{ title: '地图测试九折' }] });
  const far = await memberAt(officer, P.lat, P.lon, 700, { label: '地图远店' });
  const shop = { ...P, org_id: near.id };
  const api = await call('GET', `/api/v1/circle/nearby?lat=${P.lat}&lon=${P.lon}&minutes=30&limit=50`, { session: officer });
  assert.equal(api.status, 200);
  assert.deepEqual(api.json.items.map(m => m.org_id).filter(id => id === near.id || id === far.id), [near.id, far.id]);

  const { page, clean } = await openPage();
  const outside = outsideRequests(page);
  try {
    await login(page, ADMIN);
    await page.goto(`${BASE}/#/nearby?lat=${P.lat}&lon=${P.lon}&minutes=30`);
    await page.locator('#nearby-list').waitFor();
    const items = page.locator('#nearby-list .nearby-item');
    assert.equal(await items.count(), api.json.items.length, 'the page lists what the API answers');
    const orgs = await items.evaluateAll(els => els.map(e => Number(e.dataset.org)));
    assert.deepEqual(orgs, api.json.items.map(m => m.org_id), 'in the API\'s order');
    const minutes = await items.evaluateAll(els => els.map(e => Number(e.dataset.minutes)));
    for (let i = 1; i < minutes.length; i++) assert.ok(minutes[i] >= minutes[i - 1], `nearest first: ${minutes}`);
    assert.ok(minutes.every(m => m <= 30), 'all within the 30 minutes asked for');
    assert.equal(orgs[0], shop.org_id, 'the nearest member first');
    const first = await items.first().textContent();
    assert.ok(first.includes(near.name));
    assert.match(first, /步行 [\d.]+ 分钟/);
    assert.match(first, /地图测试九折/, 'the member\'s offers are shown');
    assert.match(first, /每人每天限一次/);
    assert.match(await page.locator('#nearby-summary').textContent(), /30 分钟/);

    // drawn on the map without tiles: the members' points, no tile images
    const map = page.locator('#nearby-map');
    assert.equal(await map.getAttribute('data-tiles'), 'none');
    await page.waitForFunction(n => document.querySelectorAll('#nearby-map path.nearby-point').length === n, api.json.items.length);
    assert.equal(await page.locator('#nearby-map .leaflet-tile').count(), 0, 'no tiles');

    // a place far from every member: a clear empty state
    await page.goto(`${BASE}/#/nearby?lat=38.9&lon=117.6&minutes=5`);
    await page.reload();
    await page.locator('#nearby-empty').waitFor();
    await clean();
    assert.deepEqual(outside, [], 'no request leaves the server');
  } finally {
    await page.context().close();
  }
});

test('merchant map: a person\'s default point is their home', TIMEOUT, async () => {
  const person = await apiLogin('person');
  const me = await call('GET', `/api/v1/people/${person.user.person_id}`, { session: person });
  const api = await call('GET', '/api/v1/circle/nearby?minutes=30', { session: person });
  assert.equal(api.status, 200);
  assert.equal(api.json.center.lat, me.json.lat, 'the API searches around the home');
  assert.equal(api.json.center.lon, me.json.lon);

  const { page, clean } = await openPage();
  const outside = outsideRequests(page);
  try {
    await login(page, PERSON);
    const asked = page.waitForRequest(r => r.url().includes('/api/v1/circle/nearby'));
    await page.goto(`${BASE}/#/nearby?minutes=30`);
    const req = await asked;
    assert.ok(!new URL(req.url()).searchParams.has('lat'), 'the page lets the server choose the home');
    await page.locator('#nearby-list, #nearby-empty').first().waitFor();
    const shown = await page.locator('#nearby-list .nearby-item').evaluateAll(els => els.map(e => Number(e.dataset.org)));
    assert.deepEqual(shown, api.json.items.slice(0, 50).map(m => m.org_id));
    await clean();
    assert.deepEqual(outside, []);
  } finally {
    await page.context().close();
  }
});

test('coverage page: county table, heat grid, suggestions on the map and in a table, uncovered list', TIMEOUT, async () => {
  const admin = await apiLogin('admin');
  const [cov, grid, sug] = await Promise.all(['/coverage', '/grid', '/suggestions?k=10'].map(p =>
    call('GET', `/api/v1/circle${p}`, { session: admin }).then(r => r.json)));
  assert.ok(cov.regions.length > 0 && grid.cells.length > 0, 'the demo has card holders with homes');

  const { page, clean } = await openPage();
  const outside = outsideRequests(page);
  try {
    await login(page, ADMIN);
    await page.goto(`${BASE}/#/coverage`);
    await page.locator('#coverage-table').waitFor();
    assert.equal(await page.locator('#coverage-table tbody tr').count(), cov.regions.length);
    const row = await page.locator('#coverage-table tbody tr').first().textContent();
    assert.ok(row.includes(cov.regions[0].name));
    assert.match(await page.locator('#coverage-share').textContent(), /覆盖率/);

    // the heat grid: one rectangle per cell, coloured
    await page.waitForFunction(n => document.querySelectorAll('#coverage-map path.heat-cell').length === n, grid.cells.length);
    const fills = await page.locator('#coverage-map path.heat-cell').evaluateAll(els => els.map(e => e.getAttribute('fill')));
    assert.ok(fills.every(f => /^rgb\(/.test(f)), 'cells are coloured');
    assert.equal(await page.locator('#coverage-map').getAttribute('data-tiles'), 'none');
    assert.equal(await page.locator('#coverage-map .leaflet-tile').count(), 0);

    // suggestions: on the map and ranked in the table
    await page.locator('#suggestions-table').waitFor();
    assert.equal(await page.locator('#suggestions-table tbody tr').count(), sug.orgs.length + sug.cells.length);
    assert.equal(await page.locator('#coverage-map path.suggest-cell').count(), sug.cells.length);
    assert.equal(await page.locator('#coverage-map path.suggest-org').count(), sug.orgs.length);

    // the uncovered holders, with an export link carrying the filters
    await page.locator('#uncovered-table, #uncovered-empty').first().waitFor();
    if (cov.total.uncovered > 0) assert.ok(await page.locator('#uncovered-table tbody tr').count() > 0);
    assert.match(await page.locator('#uncovered-export-csv').getAttribute('href'), /\/api\/v1\/circle\/uncovered\?.*format=csv/);

    // one county: the table narrows to it
    const county = cov.regions[0];
    await page.locator('#coverage-region').selectOption(county.code);
    await page.waitForFunction(() => document.querySelectorAll('#coverage-table tbody tr').length === 1);
    assert.ok((await page.locator('#coverage-table tbody tr').textContent()).includes(county.name));
    await clean();
    assert.deepEqual(outside, [], 'no request leaves the server');
  } finally {
    await page.context().close();
  }
});
