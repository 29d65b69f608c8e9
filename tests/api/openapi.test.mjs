// /api/v1/openapi.json names exactly the routes the server has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, routeTable } from './lib.mjs';

test('OpenAPI lists every route in the table and no other', async () => {
  const doc = (await call('GET', '/api/v1/openapi.json')).json;
  assert.equal(doc.openapi, '3.0.3');
  const documented = new Set();
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const m of Object.keys(ops)) documented.add(`${m.toUpperCase()} ${path}`);
  }
  const routed = new Set(routeTable().map((r) => `${r.method} ${r.pattern}`));
  const missing = [...routed].filter((r) => !documented.has(r));
  const extra = [...documented].filter((r) => !routed.has(r));
  assert.deepEqual(missing, [], 'routes missing from openapi.json');
  assert.deepEqual(extra, [], 'openapi.json names routes that do not exist');
});

test('every documented path is routed by the server (never unknown_route)', async () => {
  const doc = (await call('GET', '/api/v1/openapi.json')).json;
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const m of Object.keys(ops)) {
      const res = await call(m.toUpperCase(), path.replaceAll(/\{[^}]+\}/g, '1'));
      assert.notEqual(res.json?.error?.code, 'unknown_route', `${m} ${path}`);
      assert.notEqual(res.status, 405, `${m} ${path}`);
    }
  }
  const none = await call('GET', '/api/v1/definitely-not-a-route');
  assert.equal(none.status, 404);
  assert.equal(none.json.error.code, 'unknown_route');
});
