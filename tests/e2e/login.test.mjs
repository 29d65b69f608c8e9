// Browser tests of the web shell: sign-in, role-based menu, language switch,
// no script injection through data, and a clean console under the CSP.
//
//   SY_BASE_URL=http://127.0.0.1:8080 node --test tests/e2e/
//
// Needs a running server with the demo users (SY_ADMIN_USER/PASS,
// SY_OFFICER_USER/PASS) and Debian's /usr/bin/chromium (or SY_CHROMIUM).
// Screenshots for humans go to tests/e2e/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, ADMIN, OFFICER, OUT, TIMEOUT, openPage, login, useBrowser } from './browser.mjs';

useBrowser();

const navText = page => page.locator('#nav').textContent();

test('a wrong password shows an error and stays on the login page', TIMEOUT, async () => {
  const { context, page } = await openPage();
  try {
    await page.goto(`${BASE}/`);
    await page.locator('#login-username').fill(ADMIN.user);
    await page.locator('#login-password').fill(`${ADMIN.pass}-wrong`);
    await page.locator('#login-submit').click();
    const error = page.locator('#login-error');
    await page.waitForFunction(() => document.querySelector('#login-error')?.textContent.trim() !== '');
    const text = (await error.textContent()).trim();
    assert.ok(text.length > 0, 'error text shown');
    // Chinese is the default, so the server's message must have come back in Chinese.
    assert.match(text, /[\u4e00-\u9fff]/, `error in Chinese: ${text}`);
    assert.equal(await error.getAttribute('role'), 'alert');
    assert.equal(new URL(page.url()).hash, '#/login');
    assert.equal(await page.locator('#home-title').count(), 0);
    assert.equal(await page.locator('#logout').isVisible(), false);
  } finally {
    await context.close();
  }
});

test('admin signs in, switches to English and signs out', TIMEOUT, async () => {
  const { context, page } = await openPage();
  try {
    await login(page, ADMIN);
    assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
    assert.ok((await navText(page)).includes('用户管理'), 'admin menu has 用户管理');
    assert.ok((await navText(page)).includes('审计日志'), 'admin menu has 审计日志');

    await page.locator('#lang-switch').click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.locator('#nav >> text=Users').waitFor();
    assert.ok((await navText(page)).includes('Users'), 'menu in English');
    assert.equal((await page.locator('#lang-switch').textContent()).trim(), '中文');
    assert.match(await page.locator('#home-title').textContent(), /Welcome/);
    assert.equal(await page.evaluate(() => localStorage.getItem('sy.lang')), 'en');

    // The choice survives a reload.
    await page.reload();
    await page.locator('#home-title').waitFor();
    assert.equal(await page.locator('html').getAttribute('lang'), 'en');

    await page.locator('#logout').click();
    await page.locator('#login-username').waitFor();
    assert.equal(new URL(page.url()).hash, '#/login');
    assert.equal(await page.locator('#nav').isVisible(), false);
    // The session is gone on the server too, not only in the page.
    const status = await page.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
    assert.equal(status, 401);
  } finally {
    await context.close();
  }
});

test('officer sees no user management and is refused on #/users', TIMEOUT, async () => {
  const { context, page } = await openPage();
  try {
    await login(page, OFFICER);
    const nav = await navText(page);
    assert.ok(nav.includes('首页'), 'officer menu has 首页');
    assert.ok(!nav.includes('用户管理'), 'officer menu lacks 用户管理');
    assert.ok(!nav.includes('审计日志'), 'officer menu lacks 审计日志');
    await page.locator('#home-building').waitFor();

    await page.goto(`${BASE}/#/users`);
    await page.locator('#main >> text=无权访问').waitFor();
  } finally {
    await context.close();
  }
});

test('markup in data is shown as text, never run', TIMEOUT, async () => {
  const payload = '<img src=x onerror="window.__pwned=1">';
  const username = `e2e.xss.${Date.now()}`;
  const { context, page } = await openPage();
  try {
    await login(page, ADMIN);
    // Create the user through the API, as any client could, with the session's CSRF token.
    const created = await page.evaluate(async ({ payload, username }) => {
      const me = await (await fetch('/api/v1/auth/me')).json();
      const res = await fetch('/api/v1/users', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: JSON.stringify({ username, display_name: payload, password: 'E2e-xss-Password-2026!',
          role: 'officer', region_code: me.user.region_code, org_id: null }),
      });
      return { status: res.status, body: await res.json().catch(() => null), csrf: me.csrf_token };
    }, { payload, username });
    assert.equal(created.status, 201, `create user: ${JSON.stringify(created.body)}`);

    await page.goto(`${BASE}/#/users?q=${encodeURIComponent(username)}`);
    await page.locator('#users-table').waitFor();
    const cell = page.locator('#users-table td', { hasText: payload });
    assert.ok(await cell.count() >= 1, 'display name shown literally');
    assert.ok((await cell.first().textContent()).includes(payload));
    // Give a would-be onerror time to fire, then check nothing was injected.
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => typeof window.__pwned), 'undefined');
    assert.equal(await page.locator('#main img[src="x"]').count(), 0);

    // Leave no usable account behind.
    const off = await page.evaluate(async ({ id, csrf }) => (await fetch(`/api/v1/users/${id}`, {
      method: 'PATCH', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify({ disabled: true }),
    })).status, { id: created.body.id, csrf: created.csrf });
    assert.equal(off, 200);
  } finally {
    await context.close();
  }
});

test('admin flow raises no console errors or CSP violations', TIMEOUT, async () => {
  const { context, page } = await openPage({ viewport: { width: 1280, height: 800 } });
  const problems = [];
  // Registered before any page script runs; CDP-injected scripts are not subject to the CSP.
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', e => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile || ''}:${e.lineNumber || ''}`);
    });
  });
  page.on('pageerror', err => problems.push(`pageerror: ${err.message}`));
  page.on('console', msg => {
    if (msg.type() !== 'error') return;
    // The start-up session check answers 401 before login by contract; the
    // browser logs that as a failed resource. Anything else counts.
    const url = msg.location()?.url || '';
    if (/Failed to load resource.*401/.test(msg.text()) && url.endsWith('/api/v1/auth/me')) return;
    problems.push(`console: ${msg.text()} @ ${url}`);
  });
  const cspViolations = async () => page.evaluate(() => window.__cspViolations || []);

  try {
    await login(page, ADMIN);
    // The chart proves /vendor/echarts.min.js is served and runs under the CSP.
    await page.locator('#home-chart canvas').waitFor();
    await page.locator('#home-chart').hover();
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${OUT}admin-home.png`, fullPage: true });

    await page.locator('#nav a[data-route="users"]').click();
    await page.locator('#users-table').waitFor();
    await page.locator('#user-create').click();
    await page.locator('#user-dialog').waitFor();
    await page.locator('#user-role').selectOption('merchant');
    await page.locator('#user-org').waitFor();
    await page.screenshot({ path: `${OUT}admin-user-dialog.png` });
    await page.keyboard.press('Escape');
    await page.locator('#user-dialog').waitFor({ state: 'detached' });
    await page.screenshot({ path: `${OUT}admin-users.png`, fullPage: true });

    await page.locator('#nav a[data-route="tokens"]').click();
    await page.locator('#tokens-results:not([aria-busy])').waitFor();

    await page.locator('#nav a[data-route="audit"]').click();
    await page.locator('#audit-table').waitFor();
    await page.locator('#audit-verify').click();
    await page.waitForFunction(() => {
      const el = document.querySelector('#audit-verify-result');
      return el && !el.hidden && /verify-(ok|broken)/.test(el.className);
    });
    await page.screenshot({ path: `${OUT}admin-audit.png`, fullPage: true });

    await page.locator('#lang-switch').click();
    await page.locator('#audit-table').waitFor();
    await page.locator('#nav a[data-route="home"]').click();
    await page.locator('#home-chart canvas').waitFor();

    assert.deepEqual(await cspViolations(), [], 'no CSP violations');
    assert.deepEqual(problems, [], 'no console errors');
  } finally {
    await context.close();
  }
});

test('works at phone width (360px): folding menu, no sideways scrolling', TIMEOUT, async () => {
  const { context, page } = await openPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const noSideScroll = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  try {
    await page.goto(`${BASE}/#/login`);
    await page.locator('#login-username').waitFor();
    assert.ok(await noSideScroll(), 'login page fits');

    await login(page, ADMIN);
    assert.ok(await noSideScroll(), 'home fits');
    assert.equal(await page.locator('#nav').isVisible(), false, 'menu folded');
    await page.locator('#nav-toggle').click();
    await page.locator('#nav a[data-route="users"]').waitFor();
    await page.screenshot({ path: `${OUT}phone-menu.png` });
    await page.locator('#nav a[data-route="users"]').click();
    await page.locator('#users-table').waitFor();
    assert.equal(await page.locator('#nav').isVisible(), false, 'menu folds after choosing');
    assert.ok(await noSideScroll(), 'users page fits');
    await page.screenshot({ path: `${OUT}phone-users.png` });
  } finally {
    await context.close();
  }
});
