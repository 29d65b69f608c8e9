// Shared by the socket tests: the server under test is at SY_BASE_URL and was
// loaded with `shuangyong demo`, whose logins are fixed (see README).
import { execFileSync } from 'node:child_process';

export const BASE = process.env.SY_BASE_URL || 'http://127.0.0.1:8080';
export const BIN = process.env.SY_BIN || 'build/shuangyong-asan';
export const DB = process.env.SY_DB || '';
export const BACKEND = process.env.SY_BACKEND || 'sqlite';

export const DEMO = {
  admin: ['admin', 'admin-demo-2026'],
  officer: ['officer.xinhua', 'officer-demo-2026'],
  auditor: ['auditor.xinhua', 'auditor-demo-2026'],
  merchant: ['merchant', 'merchant-demo-2026'],
  clinic: ['clinic', 'clinic-demo-2026'],
  unit: ['unit', 'unit-demo-2026'],
  employer: ['employer', 'employer-demo-2026'],
  station: ['station', 'station-demo-2026'],
  department: ['department', 'department-demo-2026'],
  person: ['person', 'person-demo-2026'],
};
export const ROLES = Object.keys(DEMO);

export async function call(method, path, { session, body, headers = {}, raw } = {}) {
  const h = { ...headers };
  if (session) {
    h.Cookie = session.cookie;
    if (!['GET', 'HEAD'].includes(method)) h['X-CSRF-Token'] = session.csrf;
  }
  let payload;
  if (raw !== undefined) payload = raw;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    h['Content-Type'] = h['Content-Type'] || 'application/json';
  }
  const res = await fetch(BASE + path, { method, headers: h, body: payload, redirect: 'manual' });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json };
}

export async function login(role) {
  const [username, password] = DEMO[role];
  const res = await fetch(BASE + '/api/v1/auth/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${role}: ${res.status} ${await res.text()}`);
  const json = await res.json();
  const cookie = res.headers.get('set-cookie').split(';')[0];
  return { cookie, csrf: json.csrf_token, user: json.user };
}

// The route table as the binary prints it: [{method, pattern, roles|'public'}].
export function routeTable() {
  const out = execFileSync(BIN, ['routes'], { encoding: 'utf8' });
  return out.trim().split('\n').map((line) => {
    const [method, pattern, ...roles] = line.split(' ');
    return { method, pattern, roles: roles[0] === 'public' ? 'public' : roles };
  });
}

export function sql(query) {
  if (DB.startsWith('postgres')) {
    return execFileSync('psql', ['-qAt', '-X', DB, '-c', query], { encoding: 'utf8' }).trim();
  }
  return execFileSync('sqlite3', [DB.replace(/^sqlite:/, ''), query], { encoding: 'utf8' }).trim();
}

export const uniq = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;

function randomBirth() {
  const y = 1950 + Math.floor(Math.random() * 50);
  const m = String(1 + Math.floor(Math.random() * 12)).padStart(2, '0');
  const d = String(1 + Math.floor(Math.random() * 28)).padStart(2, '0');
  return `${y}${m}${d}`;
}

// A valid 身份证号 (GB 11643) for tests: region, birth date, a random sequence, the check character.
// Without a birth date, a random one: a fixed date leaves only 900 numbers, and a suite that
// registers hundreds of people would draw the same one twice.
export function makeIdNumber(region = '130902', birth = randomBirth()) {
  const seq = String(100 + Math.floor(Math.random() * 900));
  const body = region + birth + seq;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(body[i]) * w[i];
  return body + '10X98765432'[sum % 11];
}
