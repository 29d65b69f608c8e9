// Browser test of the 优待证 pages: an officer applies from the person's page,
// the county and the city take their steps on the card's page, the number
// appears when the card is made, the holder's receipt makes it valid, the
// timeline shows every step, and the list finds the card by its number; the
// demo person sees their own card. No console errors or CSP violations.
//
//   SY_BASE_URL=http://127.0.0.1:8080 node --test tests/e2e/cards.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, ADMIN, OFFICER, PERSON, OUT, TIMEOUT, openPage, login, useBrowser, makeIdNumber } from './browser.mjs';
import { call, login as apiLogin } from '../api/lib.mjs';

useBrowser();

/** A veteran of 新华区 registered through the API, for the browser to apply for. */
async function veteran() {
  const admin = await apiLogin('admin');
  const birth = `19${60 + Math.floor(Math.random() * 30)}0${1 + Math.floor(Math.random() * 9)}2${Math.floor(Math.random() * 8)}`;
  const p = await call('POST', '/api/v1/people', {
    session: admin, body: { id_number: makeIdNumber('130902', birth), name: '卡测试', region_code: '130902' },
  });
  assert.equal(p.status, 201, p.text);
  const c = await call('POST', `/api/v1/people/${p.json.id}/categories`, { session: admin, body: { category: 'veteran' } });
  assert.equal(c.status, 201, c.text);
  return p.json.id;
}

/** Take the step behind a button of the card's page, with a note or reason when given. */
async function takeStep(page, action, expectState, reason) {
  await page.locator(`#card-do-${action}`).click();
  await page.locator('#card-step-dialog').waitFor();
  if (reason) await page.locator('#card-step-reason').fill(reason);
  await page.locator('#card-step-dialog button[type="submit"]').click();
  await page.waitForFunction(s => document.querySelector('#card-state')?.dataset.state === s, expectState);
}

test('one application walked through the UI to a valid card', TIMEOUT, async () => {
  const pid = await veteran();
  const off = await openPage();
  const adm = await openPage();
  try {
    // the officer applies from the person's page
    await login(off.page, OFFICER);
    await off.page.goto(`${BASE}/#/people/${pid}`);
    await off.page.locator('#sec-cards #person-cards-empty').waitFor();
    await off.page.locator('#card-apply').click();
    await off.page.locator('#card-apply-dialog').waitFor();
    await off.page.locator('#card-apply-reason').fill('本人到服务站现场申请');
    await off.page.locator('#card-apply-dialog button[type="submit"]').click();
    await off.page.waitForFunction(() => /^#\/cards\/\d+$/.test(location.hash));
    const cardId = off.page.url().split('/').at(-1);
    await off.page.waitForFunction(() => document.querySelector('#card-state')?.dataset.state === 'applied');
    assert.match(await off.page.locator('#card-title').textContent(), /制证后生成证号/);
    // the county may review but not approve: only its steps are offered
    assert.equal(await off.page.locator('#card-do-approve').count(), 0);
    await takeStep(off.page, 'review', 'reviewed');
    await off.page.locator('#card-do-revoke').waitFor();
    assert.equal(await off.page.locator('#card-do-approve').count(), 0, 'approval is the city\'s');

    // the city approves and makes the card: the number appears
    await login(adm.page, ADMIN);
    await adm.page.goto(`${BASE}/#/cards/${cardId}`);
    await adm.page.locator('#card-do-approve').waitFor();
    await takeStep(adm.page, 'approve', 'approved');
    await takeStep(adm.page, 'make', 'made');
    const number = (await adm.page.locator('#card-title').textContent()).replaceAll(' ', '').trim();
    assert.match(number, /^130902\d{7}[\dX]$/, `card number ${number}`);

    // back at the station: handed out, signed for by the holder
    await off.page.reload();
    await off.page.locator('#card-do-hand-out').waitFor();
    await takeStep(off.page, 'hand-out', 'handed_out');
    await off.page.locator('#card-return-after').waitFor();
    await takeStep(off.page, 'receive', 'received', '本人签收');
    assert.match(await off.page.locator('#card-valid').textContent(), /有效/);
    assert.equal(await off.page.locator('#card-events-table tbody tr').count(), 6, 'every step on the timeline');
    assert.match(await off.page.locator('#card-events-table').textContent(), /本人签收/);
    await off.page.screenshot({ path: `${OUT}card-received.png`, fullPage: true });

    // the list finds it by its number; a mistyped number is refused under the search box
    await off.page.locator('#nav a[data-route="cards"]').click();
    await off.page.locator('#cards-table').waitFor();
    await off.page.locator('#cards-q').fill(number);
    await off.page.locator('#cards-search').click();
    await off.page.waitForFunction(n => document.querySelectorAll('#cards-table a.card-link').length === 1 &&
      document.querySelector('#cards-table a.card-link').textContent.replaceAll(' ', '') === n, number);
    await off.page.screenshot({ path: `${OUT}cards-list.png`, fullPage: true });

    // the person's page shows the card
    await off.page.goto(`${BASE}/#/people/${pid}`);
    await off.page.locator(`#person-card-list li[data-id="${cardId}"]`).waitFor();
    assert.ok(await off.page.locator('#card-apply').isHidden(), 'no second application offered');
    await off.clean();
    await adm.clean();
  } finally {
    await off.context.close();
    await adm.context.close();
  }
});

test('the demo person sees their own card, read-only', TIMEOUT, async () => {
  const { context, page, clean } = await openPage();
  try {
    await login(page, PERSON);
    await page.locator('#nav a[data-route="cards"]').click();
    await page.locator('#cards-table a.card-link').first().click();
    await page.locator('#card-state').waitFor();
    assert.equal(await page.locator('#sec-card-actions').count(), 0, 'no steps for the holder');
    await page.locator('#card-events-table').waitFor();
    await clean();
  } finally {
    await context.close();
  }
});
