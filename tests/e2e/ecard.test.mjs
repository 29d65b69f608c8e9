// Browser test of the e-card pages: the holder sees their card and a QR code
// that counts down; a merchant syncs once, then with the network off checks a
// holder's code (valid), an altered one (bad signature) and the code of a card
// lost after the last sync, once synced again (lost) — with no request made
// while offline; an officer's card page offers 打印电子码. No console errors
// or CSP violations.
//
//   SY_BASE_URL=http://127.0.0.1:8080 node --test tests/e2e/ecard.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, OFFICER, PERSON, OUT, TIMEOUT, openPage, login, useBrowser, checkOffline } from './browser.mjs';
import { call, login as apiLogin } from '../api/lib.mjs';
import { holder, steps } from '../api/holder.mjs';

useBrowser();

const MERCHANT = { user: 'merchant', pass: 'merchant-demo-2026' };

test('the holder sees their card and a rotating QR code with a countdown', TIMEOUT, async () => {
  const { page, context, clean } = await openPage({ viewport: { width: 390, height: 844 } });
  try {
    await login(page, PERSON);
    await page.goto(`${BASE}/#/my-card`);
    const qr = page.locator('#mycard-qr');
    await qr.waitFor();
    assert.match(await qr.getAttribute('data-text'), /^SY1:/);
    assert.ok(await qr.evaluate(img => img.complete && img.naturalWidth > 0), 'the QR picture renders');
    const first = await page.locator('#mycard-countdown').textContent();
    assert.match(first, /分.*秒/);
    await page.waitForFunction(f => document.querySelector('#mycard-countdown').textContent !== f, first, { timeout: 5000 });
    assert.equal(await page.locator('#mycard-state').getAttribute('data-state'), 'received');
    await page.screenshot({ path: `${OUT}mycard.png` });
    await clean();
  } finally {
    await context.close();
  }
});

test('a card that is not valid shows its state instead of a code', TIMEOUT, async () => {
  const hd = await holder('received');
  await steps(hd.admin, hd.cardId, 'suspend');
  const { page, context, clean } = await openPage();
  try {
    await login(page, { user: hd.username, pass: hd.password });
    await page.goto(`${BASE}/#/my-card`);
    await page.locator('#mycard-not-valid').waitFor();
    assert.equal(await page.locator('#mycard-not-valid').getAttribute('data-state'), 'suspended');
    assert.match(await page.locator('#mycard-not-valid').textContent(), /暂停/);
    assert.equal(await page.locator('#mycard-qr').count(), 0);
    await clean();
  } finally {
    await context.close();
  }
});

test('a merchant checks codes with the network off after one sync', TIMEOUT, async () => {
  const hd = await holder('received');
  const lost = await holder('received');
  const { page, context, clean } = await openPage({ viewport: { width: 390, height: 844 } });
  try {
    await login(page, MERCHANT);
    await page.goto(`${BASE}/#/offline-verify`);
    await page.locator('#offline-not-synced').waitFor();
    await page.locator('#offline-sync').click();
    await page.locator('#offline-age').waitFor();
    assert.match(await page.locator('#offline-age').textContent(), /刚刚/);

    const code = (await call('GET', '/api/v1/me/ecard', { session: hd.session })).json.text;
    const lostCode = (await call('GET', '/api/v1/me/ecard', { session: lost.session })).json.text;
    await context.setOffline(true);
    const requests = [];
    page.on('request', r => requests.push(r.url()));
    const check = (text) => checkOffline(page, text);
    assert.equal(await check(code), 'ok');
    assert.match(await page.locator('#offline-answer-words').textContent(), /有效/);
    assert.ok((await page.locator('#offline-answer-card').textContent()).replaceAll(' ', '') === hd.number);
    await page.screenshot({ path: `${OUT}offline-verify-ok.png` });
    const altered = code.slice(0, 30) + (code[30] === 'A' ? 'B' : 'A') + code.slice(31);
    assert.notEqual(await check(altered), 'ok');
    assert.equal(await check(lostCode), 'ok', 'not lost yet');
    assert.deepEqual(requests, [], 'no request while offline');

    // the card is reported lost; back online, one sync; offline again, its code is refused
    await steps(lost.admin, lost.cardId, 'report-loss');
    await context.setOffline(false);
    await page.locator('#offline-sync').click();
    await page.waitForFunction(() => !document.querySelector('#offline-sync').disabled);
    await context.setOffline(true);
    assert.equal(await check(lostCode), 'lost');
    assert.match(await page.locator('#offline-answer-words').textContent(), /挂失/);
    await clean();
    // a sync attempt while offline (its failed requests are logged by the browser) keeps the list held and says so
    await page.locator('#offline-sync').click();
    await page.locator('#offline-sync-error').waitFor();
    assert.equal(await check(lostCode), 'lost');
    await context.setOffline(false);
    await page.screenshot({ path: `${OUT}offline-verify-lost.png` });
  } finally {
    await context.close();
  }
});

test('an officer\'s card page offers 打印电子码 for a card that stands', TIMEOUT, async () => {
  const admin = await apiLogin('admin');
  const person = await apiLogin('person');
  const own = await call('GET', `/api/v1/cards?person=${person.user.person_id}`, { session: admin });
  const id = own.json.items[0].id;
  const { page, context, clean } = await openPage();
  try {
    await login(page, OFFICER);
    await page.goto(`${BASE}/#/cards/${id}`);
    const link = page.locator('#card-print-code');
    await link.waitFor();
    assert.match(await link.textContent(), /打印电子码/);
    const href = await link.getAttribute('href');
    assert.equal(href, `/api/v1/cards/${id}/printed-code?format=svg`);
    const res = await page.request.get(`${BASE}${href}`);
    assert.equal(res.status(), 200);
    assert.equal(res.headers()['content-type'], 'image/svg+xml');
    await clean();
  } finally {
    await context.close();
  }
});
