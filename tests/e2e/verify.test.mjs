// Browser test of the merchant's verify screen on a phone-sized window: the
// clerk picks a once-a-day offer, types a card number, sees "valid" with the
// masked name in large type, records the service in one tap, and a second
// use the same day is refused with the reason; a typo is caught by the check
// character. The network, offers and statistics pages open without errors.
//
//   SY_BASE_URL=http://127.0.0.1:8080 SY_DB=… node --test tests/e2e/verify.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, ADMIN, MERCHANT, TIMEOUT, openPage, login, useBrowser } from './browser.mjs';
import { login as apiLogin } from '../api/lib.mjs';
import { cardIn } from '../api/cardlib.mjs';

useBrowser();

async function verify(page, text) {
  await page.locator('#verify-input').fill(text);
  await page.locator('#verify-input').press('Enter'); // a handheld scanner ends with Enter
  await page.locator('#verify-verdict').waitFor();
}

test('verify a card, record a service, a second use the same day refused', TIMEOUT, async () => {
  const card = await cardIn(await apiLogin('admin'));
  const { page, clean, context } = await openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    await login(page, MERCHANT);
    await page.goto(`${BASE}/#/verify`);
    await page.locator('#verify-offer option', { hasText: '持优待证消费九折' }).waitFor({ state: 'attached' });
    const value = await page.locator('#verify-offer option', { hasText: '持优待证消费九折' }).getAttribute('value');
    await page.locator('#verify-offer').selectOption(value);
    // no camera button where the browser cannot read QR codes itself
    const detector = await page.evaluate(() => 'BarcodeDetector' in window);
    if (!detector) assert.equal(await page.locator('#verify-camera').isHidden(), true);

    await verify(page, card.number);
    await page.waitForFunction(() => document.querySelector('#verify-verdict')?.dataset.valid === 'true');
    assert.match(await page.locator('#verify-verdict .verdict-big').textContent(), /有效/);
    const name = await page.locator('#verify-name').textContent();
    assert.equal(name[0], card.name[0]);
    assert.match(name, /\*/);
    assert.ok(!(await page.locator('#verify-result').textContent()).includes(card.name), 'the full name is never shown');
    // large type on a phone
    const size = await page.locator('#verify-verdict .verdict-big').evaluate(el => parseFloat(getComputedStyle(el).fontSize));
    assert.ok(size >= 32, `verdict font ${size}px`);

    await page.locator('#verify-amount').fill('8.5');
    await page.locator('#verify-record').click();
    await page.locator('#verify-recorded').waitFor();

    // the same card again: still a valid card, but the offer is used for today
    await verify(page, card.number);
    await page.locator('#verify-record').click();
    await page.locator('#verify-refused').waitFor();
    assert.equal(await page.locator('#verify-refused').getAttribute('data-code'), 'used_today');
    assert.match(await page.locator('#verify-refused').textContent(), /每天限用一次/);

    // a typo in the number
    const typo = card.number.slice(0, 13) + (card.number[13] === '0' ? '1' : '0');
    await verify(page, typo);
    await page.waitForFunction(() => document.querySelector('#verify-verdict')?.dataset.reason === 'bad_check_character');
    assert.match(await page.locator('#verify-reason').textContent(), /校验位/);
    await clean();
  } finally {
    await context.close();
  }
});

test('the merchant\'s offers, the network list and the statistics chart', TIMEOUT, async () => {
  const m = await openPage();
  const a = await openPage();
  try {
    await login(m.page, MERCHANT);
    await m.page.goto(`${BASE}/#/network`);
    await m.page.locator('#offers-table').waitFor();
    assert.match(await m.page.locator('#own-status').textContent(), /拥军商户/);
    assert.ok(await m.page.locator('#offers-table tbody tr').count() >= 3);
    await m.page.goto(`${BASE}/#/ledger`);
    await m.page.locator('#ledger-table').waitFor();
    assert.ok(Number((await m.page.locator('#ledger-person-times').textContent()).replace(/,/g, '')) > 0);
    await m.clean();

    await login(a.page, ADMIN);
    await a.page.goto(`${BASE}/#/network?status=member`);
    await a.page.locator('#network-table').waitFor();
    const rows = await a.page.locator('#network-table tbody tr').count();
    assert.ok(rows > 5, `${rows} members`);
    await a.page.goto(`${BASE}/#/ledger?by=region`);
    await a.page.locator('#ledger-table').waitFor();
    await a.page.locator('#ledger-chart canvas').waitFor();
    await a.clean();
  } finally {
    await m.context.close();
    await a.context.close();
  }
});
