// offline.js - the e-card verifier a merchant's device runs with no call to
// the server: it decodes a scanned "SY1:" code, checks its Ed25519 signature
// with the published public keys, its times, and the card number against the
// signed revocation list it synced. Pure ES module, no DOM: it runs in the
// browser and in Node 20 (WebCrypto `crypto.subtle`, algorithm Ed25519).
//
// Formats: the payload as src/lib/ecard.h documents it; the revocation list
// as src/modules/ecards/ecards.h (and docs/api.md) documents it. The reason
// codes are the server's: ok, check_id (a printed code: valid, check the
// holder's 身份证), bad_format, unknown_version, unknown_key, bad_signature,
// code_expired, not_yet_valid, lost, suspended, revoked, replaced, returned,
// not_eligible.

const B45 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:';
const PREFIX = 'SY1:';
const VERSION = 1;
const FLAG_STATIC = 0x01;
const HEADER = 19;
const SIG = 64;
const CARD_MAX = 32;
const ECARD_CONTEXT = new TextEncoder().encode('SY-ECARD');
export const REVOCATION_CONTEXT = 'SY-REVOKE';
const REVOCATION_MAGIC = 'SY-REVOKE 1';
export const STORE_KEY = 'sy.offline.v1';

// What each answer means, for people: Chinese first, English beside it.
export const REASONS = {
  ok: { zh: '有效', en: 'valid', valid: true },
  check_id: { zh: '有效（纸质卡静态码）：请核对持证人身份证', en: 'valid (printed code): check the holder’s ID card', valid: true },
  bad_format: { zh: '不是有效的电子优待证码', en: 'not a valid e-card code' },
  unknown_version: { zh: '电子优待证码版本不受支持', en: 'unsupported e-card code version' },
  unknown_key: { zh: '签名密钥未公布或已失效', en: 'signing key not published or no longer valid' },
  bad_signature: { zh: '签名无效（码被篡改或伪造）', en: 'bad signature (altered or forged code)' },
  code_expired: { zh: '码已过期，请持证人刷新', en: 'code expired: ask the holder to refresh it' },
  not_yet_valid: { zh: '码尚未生效（请核对本机时间）', en: 'code not yet valid (check this device’s clock)' },
  lost: { zh: '优待证已挂失', en: 'card reported lost' },
  suspended: { zh: '优待证已暂停使用', en: 'card suspended' },
  revoked: { zh: '优待证已注销', en: 'card revoked' },
  replaced: { zh: '优待证已补换，旧证停用', en: 'card replaced by a reissue' },
  returned: { zh: '优待证逾期未领已退回', en: 'card returned unclaimed' },
  not_eligible: { zh: '持证人当前不符合优待条件', en: 'holder not eligible at present' },
  not_synced: { zh: '尚未同步公钥和注销名单', en: 'keys and revocation list not synced yet' },
};

/** Base45 (RFC 9285) to bytes; null on any defect. */
export function base45Decode(text) {
  if (text.length % 3 === 1) return null;
  const out = [];
  for (let i = 0; i < text.length; i += 3) {
    const n = Math.min(3, text.length - i);
    const d = [];
    for (let k = 0; k < n; k++) {
      const v = B45.indexOf(text[i + k]);
      if (v < 0) return null;
      d.push(v);
    }
    const v = d[0] + d[1] * 45 + (n === 3 ? d[2] * 2025 : 0);
    if (n === 3) {
      if (v > 0xffff) return null;
      out.push(v >> 8, v & 0xff);
    } else {
      if (v > 0xff) return null;
      out.push(v);
    }
  }
  return Uint8Array.from(out);
}

const u32 = (b, o) => ((b[o] << 24) >>> 0) + (b[o + 1] << 16) + (b[o + 2] << 8) + b[o + 3];
const hex8 = (n) => n.toString(16).padStart(8, '0');

/**
 * Parse a scanned text exactly as src/lib/ecard.h lays it out, without
 * checking the signature or the times. {error} on any defect, else the fields
 * with `signed` (the bytes the signature covers, context included) and `sig`.
 */
export function decodeCode(text) {
  if (typeof text !== 'string' || !text.startsWith(PREFIX)) return { error: 'bad_format' };
  const bin = base45Decode(text.slice(PREFIX.length));
  if (!bin || bin.length < 1) return { error: 'bad_format' };
  if (bin[0] !== VERSION) return { error: 'unknown_version' };
  if (bin.length < HEADER + 1 + SIG) return { error: 'bad_format' };
  const flags = bin[1];
  const n = bin[18];
  if ((flags & ~FLAG_STATIC) !== 0 || n < 1 || n > CARD_MAX || bin.length !== HEADER + n + SIG) return { error: 'bad_format' };
  const cardBytes = bin.subarray(HEADER, HEADER + n);
  if (cardBytes.some((c) => c < 0x21 || c > 0x7e)) return { error: 'bad_format' };
  const issuedAt = u32(bin, 10);
  const expiresAt = u32(bin, 14);
  if (expiresAt <= issuedAt) return { error: 'bad_format' };
  const body = bin.subarray(0, HEADER + n);
  const signed = new Uint8Array(ECARD_CONTEXT.length + body.length);
  signed.set(ECARD_CONTEXT);
  signed.set(body, ECARD_CONTEXT.length);
  return {
    version: bin[0],
    isStatic: (flags & FLAG_STATIC) !== 0,
    keyId: hex8(u32(bin, 2)),
    categories: u32(bin, 6),
    issuedAt,
    expiresAt,
    cardNumber: String.fromCharCode(...cardBytes),
    signed,
    sig: bin.slice(HEADER + n),
  };
}

export function base64urlDecode(s) {
  if (typeof s !== 'string' || !/^[A-Za-z0-9_-]*$/.test(s)) return null;
  const b64 = s.replaceAll('-', '+').replaceAll('_', '/') + '='.repeat((4 - (s.length % 4)) % 4);
  try {
    return Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/** The message a document signature covers: len(context) || context || data (lib/crypto.h). */
export function documentMessage(context, data) {
  const c = new TextEncoder().encode(context);
  const d = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const m = new Uint8Array(1 + c.length + d.length);
  m[0] = c.length;
  m.set(c, 1);
  m.set(d, 1 + c.length);
  return m;
}

const parseTime = (s) => {
  const t = Date.parse(s);
  return Number.isFinite(t) ? Math.floor(t / 1000) : NaN;
};

/**
 * The published keys (GET /api/v1/keys items) as {key_id: {key, verifyUntil}},
 * imported for WebCrypto; keys that are not Ed25519 or malformed are left out.
 */
export async function importKeys(items) {
  const out = new Map();
  for (const k of items || []) {
    if (k.algorithm !== 'Ed25519' || !/^[0-9a-f]{8}$/.test(k.key_id)) continue;
    const raw = base64urlDecode(k.public_key);
    if (!raw || raw.length !== 32) continue;
    const key = await crypto.subtle.importKey('raw', raw, { name: 'Ed25519' }, false, ['verify']);
    out.set(k.key_id, { key, verifyUntil: k.status === 'current' || !k.verify_until ? Infinity : parseTime(k.verify_until) });
  }
  return out;
}

/** The fields of a revocation list's body (not yet trusted); null when malformed. */
export function parseRevocationBody(body) {
  if (typeof body !== 'string') return null;
  const lines = body.split('\n');
  if (lines.at(-1) !== '') return null;
  lines.pop();
  if (lines[0] !== REVOCATION_MAGIC || lines.length < 6) return null;
  const head = {};
  for (const [i, name] of ['key_id', 'generation', 'issued_at', 'next_update', 'count'].entries()) {
    const [k, v, extra] = lines[i + 1].split(' ');
    if (k !== name || v === undefined || extra !== undefined) return null;
    head[k] = v;
  }
  const count = Number(head.count);
  const entries = new Map();
  for (const l of lines.slice(6)) {
    const [num, reason, extra] = l.split(' ');
    if (!num || !reason || extra !== undefined) return null;
    entries.set(num, reason);
  }
  if (!Number.isInteger(count) || count !== entries.size) return null;
  const issuedAt = parseTime(head.issued_at);
  const nextUpdate = parseTime(head.next_update);
  if (!Number.isFinite(issuedAt) || !Number.isFinite(nextUpdate)) return null;
  return { keyId: head.key_id, generation: Number(head.generation), issuedAt, nextUpdate, count, entries };
}

/**
 * Check a revocation list ({context, key_id, signature, body}) with the
 * imported keys at now (unix seconds): the parsed list, or null when it is
 * malformed, signed by a key not published (or past its verify_until), under
 * another context, or its signature does not match.
 */
export async function verifyRevocationList(doc, keys, now) {
  if (!doc || doc.context !== REVOCATION_CONTEXT) return null;
  const list = parseRevocationBody(doc.body);
  if (!list || list.keyId !== doc.key_id) return null;
  const k = keys.get(list.keyId);
  const sig = base64urlDecode(doc.signature);
  if (!k || now >= k.verifyUntil || !sig || sig.length !== 64) return null;
  const ok = await crypto.subtle.verify({ name: 'Ed25519' }, k.key, sig, documentMessage(REVOCATION_CONTEXT, doc.body));
  return ok ? list : null;
}

/**
 * Verify a scanned code offline against a loaded state (loadState). Returns
 * {result, valid, zh, en, card_number?, categories?, expires_at?, is_static?,
 * list_age, list_stale}. The order is the server's: format, key, signature,
 * times, then the card's standing; a printed (static) code that passes is
 * 'check_id'.
 */
export async function verifyCode(text, state, now = Math.floor(Date.now() / 1000)) {
  const answer = (result, extra = {}) => ({
    result, valid: !!REASONS[result]?.valid, zh: REASONS[result]?.zh || result, en: REASONS[result]?.en || result,
    list_age: state ? now - state.list.issuedAt : null, list_stale: state ? now >= state.list.nextUpdate : null, ...extra,
  });
  if (!state) return answer('not_synced');
  const p = decodeCode(text);
  if (p.error) return answer(p.error);
  const k = state.keys.get(p.keyId);
  if (!k || now >= k.verifyUntil) return answer('unknown_key', { card_number: p.cardNumber });
  const ok = await crypto.subtle.verify({ name: 'Ed25519' }, k.key, p.sig, p.signed);
  if (!ok) return answer('bad_signature');
  const facts = {
    card_number: p.cardNumber, is_static: p.isStatic, expires_at: new Date(p.expiresAt * 1000).toISOString(),
    categories: state.categories.filter((c) => (p.categories & c.mask) !== 0),
  };
  if (p.issuedAt > now + state.clockSkew) return answer('not_yet_valid', facts);
  if (now >= p.expiresAt) return answer('code_expired', facts);
  const revoked = state.list.entries.get(p.cardNumber);
  if (revoked) return answer(revoked, facts);
  return answer(p.isStatic ? 'check_id' : 'ok', facts);
}

function defaultStore() {
  return globalThis.localStorage;
}

/**
 * Turn what sync stored (the server's documents as they came) into a state
 * verifyCode uses, checking the list's signature again: storage is not
 * trusted. null when nothing usable is stored.
 */
export async function loadState(store = defaultStore(), now = Math.floor(Date.now() / 1000)) {
  let saved;
  try {
    saved = JSON.parse(store?.getItem(STORE_KEY) || 'null');
  } catch {
    return null;
  }
  if (!saved) return null;
  const keys = await importKeys(saved.keys?.items);
  const list = await verifyRevocationList(saved.revocations, keys, now);
  if (!list) return null;
  return {
    keys, list, syncedAt: saved.synced_at, clockSkew: Number(saved.keys.clock_skew) || 0,
    categories: Array.isArray(saved.categories?.items) ? saved.categories.items : [],
  };
}

/**
 * Fetch the keys, the revocation list and the category names, verify the
 * list, and store all three with the time of sync. The list is kept only
 * when it verifies and is not older than the one held (a replayed old list
 * would bring revoked cards back). fetchJson(path) returns the parsed JSON
 * or throws. Returns the new state; throws Error with .code on refusal.
 */
export async function sync(fetchJson, store = defaultStore(), now = Math.floor(Date.now() / 1000)) {
  const [keysDoc, revocations, categories] = await Promise.all([
    fetchJson('/api/v1/keys'), fetchJson('/api/v1/cards/revocations'), fetchJson('/api/v1/ecard/categories'),
  ]);
  const keys = await importKeys(keysDoc?.items);
  const list = await verifyRevocationList(revocations, keys, now);
  if (!list) throw Object.assign(new Error('revocation list signature does not verify'), { code: 'bad_list' });
  const held = await loadState(store, now);
  if (held && (list.generation < held.list.generation || list.issuedAt < held.list.issuedAt)) {
    throw Object.assign(new Error('revocation list is older than the one held'), { code: 'old_list' });
  }
  store.setItem(STORE_KEY, JSON.stringify({ synced_at: now, keys: keysDoc, revocations, categories }));
  return loadState(store, now);
}
