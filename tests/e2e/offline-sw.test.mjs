// Browser test of the app opening with no network (web/sw.js): a merchant
// signs in, syncs the offline verifier once and the service worker takes the
// page; then the network goes off (Playwright's offline emulation, which in
// this Chromium also cuts the worker's own fetches: the test checks that it
// did) and the page is reloaded. The app comes up from the worker's cache,
// says the network is down, and the offline verifier works from the synced
// list: a holder's code is valid, a revoked card's code is refused as revoked.
// Other routes show the notice with the way to the verifier; 重新连接 with the
// network back signs the merchant in again as the server says. No page
// errors, no CSP violations, no console errors but the failed session check.
//
//   SY_BASE_URL=http://127.0.0.1:8080 SY_DB=sqlite:/tmp/x.db node --test tests/e2e/offline-sw.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BASE, MERCHANT, OUT, TIMEOUT, openPage, login, useBrowser, checkOffline } from './browser.mjs';
import { call } from '../api/lib.mjs';
import { holder, steps } from '../api/holder.mjs';

useBrowser();

test('with no network the reloaded app opens the offline verifier from the service worker', TIMEOUT, async () => {
  const valid = await holder('received');
  const revoked = await holder('received');
  const validCode = (await call('GET', '/api/v1/me/ecard', { session: valid.session })).json.text;
  const revokedCode = (await call('GET', '/api/v1/me/ecard', { session: revoked.session })).json.text;
  assert.match(validCode, /^SY1:/);
  await steps(revoked.admin, revoked.cardId, 'revoke');

  const { page, context, clean } = await openPage({ viewport: { width: 390, height: 844 } });
  try {
    await login(page, MERCHANT);
    await page.goto(`${BASE}/#/offline-verify`);
    await page.locator('#offline-sync').click();
    await page.locator('#offline-age').waitFor();
    // The worker controls the page and is active (so its install, which stores the shell, is done).
    await page.waitForFunction(() => navigator.serviceWorker?.controller?.state === 'activated');
    assert.equal(await page.evaluate(() => new URL(navigator.serviceWorker.controller.scriptURL).pathname), '/sw.js');
    await clean();

    // From here the only console error allowed is the session check failing for want of a network.
    const problems = [];
    page.on('pageerror', err => problems.push(`pageerror: ${err.message}`));
    page.on('console', msg => {
      if (msg.type() !== 'error') return;
      const url = msg.location()?.url || '';
      if (/ERR_INTERNET_DISCONNECTED/.test(msg.text()) && url.endsWith('/api/v1/auth/me')) return;
      problems.push(`console: ${msg.text()} @ ${url}`);
    });
    const workerFailed = [];
    context.on('requestfailed', r => { if (r.serviceWorker()) workerFailed.push(`${r.url()} ${r.failure()?.errorText}`); });
    const fromWorker = [];
    page.on('response', r => { if (r.fromServiceWorker()) fromWorker.push(new URL(r.url()).pathname); });

    await context.setOffline(true);
    await page.reload();
    const banner = page.locator('#offline-mode');
    await banner.waitFor();
    assert.match(await banner.textContent(), /网络不可用/);
    assert.equal(await page.locator('#header-user').isHidden(), true, 'nobody shown as signed in');
    assert.equal(await page.locator('#nav').isHidden(), true, 'no menu of pages that need the server');
    // The page and its modules came from the worker, whose own fetches the emulation did cut.
    for (const path of ['/', '/js/app.js', '/js/offline.js', '/js/pages/offline-verify.js']) {
      assert.ok(fromWorker.includes(path), `${path} served by the worker (got ${fromWorker.join(' ')})`);
    }
    assert.ok(workerFailed.some(f => /ERR_INTERNET_DISCONNECTED/.test(f)), `the worker's fetches failed: ${workerFailed.join('; ')}`);

    // The list synced before is in use, and codes are checked on the device.
    assert.match(await page.locator('#offline-age').textContent(), /注销名单生成于/);
    const check = (text) => checkOffline(page, text);
    assert.equal(await check(validCode), 'ok');
    assert.match(await page.locator('#offline-answer-words').textContent(), /有效/);
    assert.equal((await page.locator('#offline-answer-card').textContent()).replaceAll(' ', ''), valid.number);
    await page.screenshot({ path: `${OUT}offline-sw-ok.png` });
    assert.equal(await check(revokedCode), 'revoked');
    assert.match(await page.locator('#offline-answer-words').textContent(), /已注销/);
    assert.equal(await page.locator('#offline-answer').getAttribute('class'), 'offline-answer answer-no');

    // Any other route: the notice, and the way to the verifier.
    await page.goto(`${BASE}/#/home`);
    const notice = page.locator('#offline-start');
    await notice.waitFor();
    assert.match(await notice.textContent(), /网络不可用：可使用离线核验/);
    await page.screenshot({ path: `${OUT}offline-sw-notice.png` });
    await page.locator('#offline-reconnect').click();
    await page.locator('.toast', { hasText: '仍然无法连接服务器' }).waitFor();
    await page.locator('#offline-open').click();
    await page.locator('#offline-mode').waitFor();
    assert.equal(await check(validCode), 'ok');

    // Network back: 重新连接 asks the server, and the session still held signs the merchant in.
    await context.setOffline(false);
    await page.locator('#offline-reconnect').click();
    await page.locator('#header-user-name').waitFor();
    assert.equal(await page.locator('#offline-mode').count(), 0);
    await page.locator('#offline-code').waitFor();
    assert.match(await page.locator('#nav').textContent(), /离线核验/);
    // (clean() would count the failed session checks, expected here; the same checks without them.)
    assert.deepEqual(await page.evaluate(() => window.__cspViolations || []), [], 'no CSP violations');
    assert.deepEqual(problems, [], 'no errors but the failed session checks');
  } finally {
    await context.close();
  }
});

// The browser test above loads the verifier online first, so the worker's
// copies made on the way would hide a module missing from the shell it stores
// on install; this reads the sources instead: every file index.html links and
// every module app.js and the verifier import (statically, all the way down)
// is in sw.js's SHELL.
test('the service worker stores every file the offline verifier needs to start', () => {
  const web = fileURLToPath(new URL('../../web/', import.meta.url));
  const sw = readFileSync(join(web, 'sw.js'), 'utf8');
  const shell = new Set([...sw.match(/const SHELL = \[([^\]]*)\]/)[1].matchAll(/'([^']+)'/g)].map(m => m[1]));
  const html = readFileSync(join(web, 'index.html'), 'utf8');
  const need = new Set(['/index.html']);
  for (const m of html.matchAll(/<(?:link|script|img)\b[^>]*\b(?:href|src)="(\/[^"]+)"/g)) {
    if (!m[1].startsWith('/vendor/')) need.add(m[1]);   // charts and maps: not needed to check a card
  }
  const seen = new Set();
  const walk = (file) => {
    const path = `/${relative(web, file)}`;
    if (seen.has(path)) return;
    seen.add(path);
    need.add(path);
    for (const m of readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+'([^']+)'/gm)) {
      walk(join(dirname(file), m[1]));
    }
  };
  walk(join(web, 'js/app.js'));
  walk(join(web, 'js/pages/offline-verify.js'));
  assert.deepEqual([...need].filter(p => !shell.has(p)).sort(), [], 'needed but not in SHELL');
});

// Browsers check the worker for updates on their own, but a proxy or the
// HTTP cache holding an old /sw.js would keep phones on the old app.
test('/sw.js is served from the root as JavaScript that is revalidated every time', async () => {
  const res = await fetch(`${BASE}/sw.js`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/javascript/);
  assert.equal(res.headers.get('cache-control'), 'no-cache');
  const js = await fetch(`${BASE}/js/app.js`);
  assert.equal(js.headers.get('cache-control'), 'public, max-age=0, must-revalidate', 'other scripts as before');
});
