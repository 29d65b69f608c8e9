// Members of the 拥军商户 network made for a test, at known places: shared by
// the circle's API tests and the map pages' browser tests.
import assert from 'node:assert/strict';
import { call, uniq } from './lib.mjs';

// Metres per degree of latitude (a north offset is exact enough for tests).
const M_PER_DEG_LAT = 111_195;

/**
 * A merchant organisation `north_m` metres north of (lat, lon) in 新华区, in
 * the network as a member (or a candidate), with the offers given. Returns
 * {id, name, lat, lon, offers: [ids]}.
 */
export async function memberAt(session, lat, lon, north_m, { status = 'member', offers = [], label = '拥军商户' } = {}) {
  const name = `${label}${uniq()}`;
  const at = { lat: lat + north_m / M_PER_DEG_LAT, lon };
  const o = await call('POST', '/api/v1/orgs', { session, body: { name, type: 'merchant', region_code: '130902',
    address: '新华区测试路1号', ...at } });
  assert.equal(o.status, 201, o.text);
  const body = status === 'member' ? { org_id: o.json.id, plaque_no: `T-${uniq()}`, category: 'catering' }
    : { org_id: o.json.id, status: 'candidate', category: 'catering' };
  const j = await call('POST', '/api/v1/merchants', { session, body });
  assert.ok(j.status === 200 || j.status === 201, j.text);
  const ids = [];
  for (const offer of offers) {
    const f = await call('POST', '/api/v1/offers', { session, body: { org_id: o.json.id, benefit_kind: 'discount',
      benefit_value: 0.9, usage_rule: 'once_per_day', categories: [], ...offer } });
    assert.equal(f.status, 201, f.text);
    ids.push(f.json.id);
  }
  return { id: o.json.id, name, ...at, offers: ids };
}
