// Script payloads in the text fields a user can fill (issue 7): stored through
// the API as any client could, then every page of the menu and the pages of
// the records that hold them are opened in Chromium. Nothing may run (a
// payload sets window.__pwned), no element the payloads describe may appear
// in the DOM, and where a page shows the field the payload is there as text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useBrowser, openPage, login, BASE, ADMIN, MERCHANT, PERSON, TIMEOUT, makeIdNumber } from './browser.mjs';

useBrowser();

const tag = `x${Date.now().toString(36)}`;
const PAYLOADS = [
  `<img src=x onerror="window.__pwned='img'">${tag}`,
  `<script>window.__pwned='script'</script>${tag}`,
  `"><svg onload="window.__pwned='svg'">${tag}`,
  `javascript:window.__pwned='href'//${tag}`,
];
const P = (i) => PAYLOADS[i % PAYLOADS.length];

async function api(session, method, path, body) {
  const headers = { Cookie: session.cookie };
  if (method !== 'GET') headers['X-CSRF-Token'] = session.csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(BASE + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null, text };
}

async function signIn({ user, pass }) {
  const res = await fetch(BASE + '/api/v1/auth/login', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: user, password: pass }),
  });
  const j = await res.json();
  return { cookie: res.headers.get('set-cookie').split(';')[0], csrf: j.csrf_token, user: j.user };
}

// Every element or attribute a payload would create if it were parsed as markup.
async function injected(page) {
  return page.evaluate(() => ({
    pwned: window.__pwned ?? null,
    img: document.querySelectorAll('img[src="x"]').length,
    svg: [...document.querySelectorAll('svg')].filter((s) => s.hasAttribute('onload')).length,
    script: [...document.querySelectorAll('script')].filter((s) => (s.textContent || '').includes('__pwned')).length,
    href: [...document.querySelectorAll('a[href]')].filter((a) => a.getAttribute('href').startsWith('javascript:')).length,
  }));
}

async function visit(page, hash, expectText) {
  await page.goto(`${BASE}/#/${hash}`);
  await page.waitForLoadState('networkidle');
  await page.waitForTimeout(300);
  assert.deepEqual(await injected(page), { pwned: null, img: 0, svg: 0, script: 0, href: 0 }, `#/${hash}`);
  if (expectText) {
    const body = await page.locator('#main').innerText();
    assert.ok(body.includes(tag), `#/${hash} shows the stored text`);
  }
}

test('script payloads in text fields are shown as text on every page, never run', TIMEOUT, async () => {
  const admin = await signIn(ADMIN);
  // A person, an organisation (a network member with an offer), a case with a comment, a user, a token.
  const person = await api(admin, 'POST', '/api/v1/people', {
    id_number: makeIdNumber('130902'), name: `张${tag}`, region_code: '130902', address: P(0),
  });
  assert.equal(person.status, 201, person.text);
  const org = await api(admin, 'POST', '/api/v1/orgs', {
    name: P(1), type: 'merchant', region_code: '130902', address: P(2), contact_name: P(3), lat: 38.31, lon: 116.84,
  });
  assert.equal(org.status, 201, org.text);
  const joined = await api(admin, 'POST', '/api/v1/merchants', { org_id: org.json.id, status: 'member', plaque_no: `YJ-${tag}`,
    opening_hours: P(0) });
  assert.equal(joined.status, 201, joined.text);
  const offer = await api(admin, 'POST', '/api/v1/offers', { org_id: org.json.id, title: P(1), description: P(2),
    benefit_kind: 'free', categories: [], usage_rule: 'unlimited' });
  assert.equal(offer.status, 201, offer.text);
  const kase = await api(admin, 'POST', '/api/v1/cases', { type: 'one_window', person_id: person.json.id });
  assert.equal(kase.status, 201, kase.text);
  const comment = await api(admin, 'POST', `/api/v1/cases/${kase.json.id}/comments`, { comment: P(3) });
  assert.ok([200, 201].includes(comment.status), comment.text);
  const user = await api(admin, 'POST', '/api/v1/users', { username: `xss.${tag}`, display_name: P(0),
    password: 'Xss-sweep-Password-2026', role: 'auditor', region_code: '130902' });
  assert.equal(user.status, 201, user.text);
  const token = await api(admin, 'POST', '/api/v1/tokens', { name: P(1), role: 'auditor', region_code: '130902' });
  assert.equal(token.status, 201, token.text);

  const { context, page, clean } = await openPage();
  try {
    await login(page, ADMIN);
    // The records' own pages show the stored text.
    await visit(page, `people/${person.json.id}`, true);
    await visit(page, `orgs/${org.json.id}`, true);
    await visit(page, `cases/${kase.json.id}`, true);
    await visit(page, `users?q=${encodeURIComponent(`xss.${tag}`)}`, true);
    await visit(page, 'tokens', true);
    // Every page of the admin's menu.
    const routes = await page.evaluate(async () => (await import('/js/nav.js')).NAV
      .filter((e) => !e.pattern && e.roles.includes('admin')).map((e) => e.route));
    assert.ok(routes.length >= 10, `menu pages: ${routes}`);
    for (const r of routes) await visit(page, r, false);
    await clean();
  } finally {
    await context.close();
  }
  await api(admin, 'PATCH', `/api/v1/users/${user.json.id}`, { disabled: true });
});

test('the merchant and the card holder see stored payloads as text too', TIMEOUT, async () => {
  for (const who of [MERCHANT, PERSON]) {
    const { context, page } = await openPage();
    try {
      await login(page, who);
      const routes = await page.evaluate(async (role) => (await import('/js/nav.js')).NAV
        .filter((e) => !e.pattern && !e.routeFor && e.roles.includes(role)).map((e) => e.route), who === MERCHANT ? 'merchant' : 'person');
      assert.ok(routes.length >= 2, `${who.user}: ${routes}`);
      for (const r of routes) await visit(page, r, false);
    } finally {
      await context.close();
    }
  }
});
