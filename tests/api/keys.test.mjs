// The e-card signing keys: GET /api/v1/keys needs no login and lists the
// current key; the private half made at init is a 0600 file in a 0700
// directory; after `shuangyong key rotate` (run against the server's
// database) two keys are listed and the old one carries a verify-until.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, DB, call, sql } from './lib.mjs';

// The default key directory, as keys_configure derives it from the database URL.
function keyDir() {
  if (DB.startsWith('postgres')) return path.resolve('data/keys');
  return path.join(path.dirname(DB.replace(/^sqlite:/, '')), 'keys');
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

test('GET /api/v1/keys lists the current public key without a login', async () => {
  const res = await call('GET', '/api/v1/keys');
  assert.equal(res.status, 200);
  const { items, code_ttl } = res.json;
  assert.ok(items.length >= 1);
  assert.ok(code_ttl >= 30);
  const k = items[0];
  assert.equal(k.status, 'current');
  assert.equal(k.algorithm, 'Ed25519');
  assert.match(k.key_id, /^[0-9a-f]{8}$/);
  assert.match(k.public_key, /^[A-Za-z0-9_-]{43}$/); // 32 bytes, base64url without padding
  assert.match(k.valid_from, ISO);
  assert.equal(k.valid_until, null);
  assert.equal(k.verify_until, null);
  // Nothing private is published.
  assert.ok(!/seed|secret|private/i.test(res.text));
});

test('the private key file is 0600 in a 0700 directory', () => {
  const cur = sql("SELECT key_id FROM signing_keys WHERE status = 'current'");
  assert.match(cur, /^[0-9a-f]{8}$/);
  const dir = keyDir();
  const file = path.join(dir, `${cur}.key`);
  assert.equal(fs.statSync(dir).mode & 0o777, 0o700);
  const st = fs.statSync(file);
  assert.equal(st.mode & 0o777, 0o600);
  assert.equal(st.size, 32);
  // The public half only is in the database.
  assert.equal(sql("SELECT COUNT(*) FROM signing_keys WHERE public_key = '' OR public_key IS NULL"), '0');
});

test('after key rotate two keys are listed and the old one verifies until a set time', async () => {
  const before = (await call('GET', '/api/v1/keys')).json.items;
  const oldId = before[0].key_id;
  const out = execFileSync(BIN, ['key', 'rotate', '--db', DB], { encoding: 'utf8' });
  assert.match(out, /new current key [0-9a-f]{8}/);
  assert.match(out, new RegExp(`retired key ${oldId}: verifies codes until `));
  const after = (await call('GET', '/api/v1/keys')).json.items;
  assert.equal(after.length, before.length + 1);
  const [cur, ...rest] = after;
  assert.equal(cur.status, 'current');
  assert.notEqual(cur.key_id, oldId);
  const old = rest.find((k) => k.key_id === oldId);
  assert.ok(old, 'the old key is still published');
  assert.equal(old.status, 'retired');
  assert.match(old.retired_at, ISO);
  assert.match(old.verify_until, ISO);
  assert.equal(old.valid_until, old.verify_until);
  assert.ok(old.verify_until > old.retired_at);
  // The new key's file exists with the same permissions.
  assert.equal(fs.statSync(path.join(keyDir(), `${cur.key_id}.key`)).mode & 0o777, 0o600);
  // `key list` shows both; the rotation is audited.
  const list = execFileSync(BIN, ['key', 'list', '--db', DB], { encoding: 'utf8' });
  assert.ok(list.includes(cur.key_id) && list.includes(oldId));
  assert.ok(Number(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'key.rotate'")) >= 1);
  assert.ok(Number(sql("SELECT COUNT(*) FROM audit_log WHERE action = 'key.create'")) >= 1);
});

test('a key file with wider permissions stops the key commands', () => {
  const cur = sql("SELECT key_id FROM signing_keys WHERE status = 'current'");
  const file = path.join(keyDir(), `${cur}.key`);
  fs.chmodSync(file, 0o644);
  try {
    // init re-checks the current key's file and refuses it.
    assert.throws(() => execFileSync(BIN, ['init', '--db', DB], { encoding: 'utf8', stdio: 'pipe' }),
      (e) => /key_file_permissions/.test(String(e.stderr)));
  } finally {
    fs.chmodSync(file, 0o600);
  }
  execFileSync(BIN, ['init', '--db', DB], { encoding: 'utf8', stdio: 'pipe' });
});
