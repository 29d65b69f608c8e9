// Shared by the verification and ledger tests: card holders driven to a card
// state through the API, card numbers with their check character, and e-card
// codes signed here with the server's key file (ecard.h's layout), so a test
// can make a code valid, expired, forged or signed by an unpublished key.
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { call, DB, makeIdNumber, sql } from './lib.mjs';

let seq = 0;
export async function mkPerson(admin, { region = '130902', category = 'veteran' } = {}) {
  const birth = `19${60 + (seq % 30)}0${1 + (seq++ % 9)}1${seq % 10}`;
  const res = await call('POST', '/api/v1/people', {
    session: admin, body: { id_number: makeIdNumber(region, birth), name: `核验${seq}号人`, region_code: region },
  });
  assert.equal(res.status, 201, res.text);
  const c = await call('POST', `/api/v1/people/${res.json.id}/categories`, { session: admin, body: { category } });
  assert.equal(c.status, 201, c.text);
  return res.json.id;
}

// A card of a new holder driven by the admin up to `state` (made, handed_out, received).
export async function cardIn(admin, state = 'received', opts = {}) {
  const pid = await mkPerson(admin, opts);
  const a = await call('POST', '/api/v1/cards', { session: admin, body: { person_id: pid } });
  assert.equal(a.status, 201, a.text);
  let c = a.json;
  for (const action of ['review', 'approve', 'make', 'hand-out', 'receive']) {
    if (c.state === state) break;
    const r = await call('POST', `/api/v1/cards/${c.id}/${action}`, { session: admin, body: {} });
    assert.equal(r.status, 200, r.text);
    c = r.json;
  }
  assert.equal(c.state, state);
  return { id: c.id, number: c.number, personId: pid, name: c.person_name };
}

export const step = (admin, id, action, body = {}) => call('POST', `/api/v1/cards/${id}/${action}`, { session: admin, body });

// The check character of 13 digits (ISO 7064 MOD 11-2, as cardno.c).
export function withCheck(body13) {
  let p = 0;
  for (const ch of body13) p = ((p + Number(ch)) * 2) % 11;
  const c = (12 - p) % 11;
  return body13 + (c === 10 ? 'X' : String(c));
}

const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
function base45(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length; i += 2) {
    if (i + 1 < bytes.length) {
      let n = bytes[i] * 256 + bytes[i + 1];
      out += B45[n % 45]; n = Math.floor(n / 45);
      out += B45[n % 45]; n = Math.floor(n / 45);
      out += B45[n];
    } else {
      out += B45[bytes[i] % 45] + B45[Math.floor(bytes[i] / 45)];
    }
  }
  return out;
}

function keyDir() {
  if (DB.startsWith('postgres')) return path.resolve('data/keys');
  return path.join(path.dirname(DB.replace(/^sqlite:/, '')), 'keys');
}

// The current key's seed as a private key, and its id; or a fresh key nobody published.
function signingKey(unpublished) {
  if (unpublished) {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    return { key: privateKey, id: crypto.createHash('sha256').update(raw).digest().readUInt32BE(0) };
  }
  const id = sql("SELECT key_id FROM signing_keys WHERE status = 'current'");
  const seed = fs.readFileSync(path.join(keyDir(), `${id}.key`));
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return { key: crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }), id: parseInt(id, 16) };
}

// An e-card code for number: issued `age` seconds ago, living `ttl` seconds.
export function signCode(number, { isStatic = false, age = 0, ttl = 300, unpublished = false, tamper = false } = {}) {
  const { key, id } = signingKey(unpublished);
  const now = Math.floor(Date.now() / 1000) - age;
  const body = Buffer.alloc(19 + number.length);
  body[0] = 1;
  body[1] = isStatic ? 1 : 0;
  body.writeUInt32BE(id >>> 0, 2);
  body.writeUInt32BE(1, 6);
  body.writeUInt32BE(now, 10);
  body.writeUInt32BE(now + ttl, 14);
  body[18] = number.length;
  body.write(number, 19, 'ascii');
  const sig = crypto.sign(null, Buffer.concat([Buffer.from('SY-ECARD'), body]), key);
  if (tamper) sig[5] ^= 1;
  return 'SY1:' + base45(Buffer.concat([body, sig]));
}
