// Browser test of the network page's bureau actions and the offer dialog: an
// officer joins a registered organisation with its plaque number, records
// its leaving, and marks another as a candidate; a merchant's clerk creates
// an offer for chosen card categories with a usage rule and a companion.
//
//   SY_BASE_URL=http://127.0.0.1:8080 node --test tests/e2e/network.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, OFFICER, MERCHANT, TIMEOUT, openPage, login, useBrowser } from './browser.mjs';
import { call, login as apiLogin, uniq } from '../api/lib.mjs';

useBrowser();

const profile = async (session, id) => (await call('GET', `/api/v1/merchants/${id}`, { session })).json;

/** The join dialog with the organisation found by its name and chosen. */
async function openJoin(page, name, id) {
  await page.locator('#network-join').click();
  await page.locator('#network-join-org-q').fill(name);
  await page.locator(`#network-join-org option[value="${id}"]`).waitFor({ state: 'attached' });
  await page.locator('#network-join-org').selectOption(String(id));
}

async function newOrg(session, name) {
  const o = await call('POST', '/api/v1/orgs', { session, body: { name, type: 'merchant', region_code: '130902', lat: 38.33, lon: 116.86 } });
  assert.equal(o.status, 201, o.text);
  return o.json.id;
}

test('an officer joins an organisation with its plaque, records its leaving, marks a candidate', TIMEOUT, async () => {
  const officer = await apiLogin('officer');
  const u = uniq();
  const shop = await newOrg(officer, `网页加入店${u}`);
  const cand = await newOrg(officer, `网页候选店${u}`);
  const { page, clean, context } = await openPage();
  try {
    await login(page, OFFICER);
    await page.goto(`${BASE}/#/network`);
    await page.locator('#network-table').waitFor();

    await openJoin(page, `网页加入店${u}`, shop);
    // no plaque: the server's refusal is shown in the dialog, nothing is written
    await page.locator('#network-join-dialog button[type=submit]').click();
    await page.locator('#network-join-dialog .form-error:not(:empty), #network-join-dialog .field-error').first().waitFor();
    assert.equal((await profile(officer, shop)).status, null);
    await page.locator('#network-join-plaque').fill(`WEB-${u}`);
    await page.locator('#network-join-category').selectOption('catering');
    await page.locator('#network-join-dialog button[type=submit]').click();
    await page.locator('#network-join-dialog').waitFor({ state: 'detached' });
    let p = await profile(officer, shop);
    assert.equal(p.status, 'member');
    assert.equal(p.plaque_no, `WEB-${u}`);
    assert.equal(p.category, 'catering');

    // its row offers leaving; leaving is recorded with the reason
    await page.locator('#network-q').fill(`网页加入店${u}`);
    await page.locator('#network-q').press('Enter');
    await page.locator(`#network-leave-${shop}`).click();
    await page.locator('#network-leave-reason').fill('店铺搬迁');
    await page.locator('#network-leave-dialog button[type=submit]').click();
    await page.locator(`#network-join-${shop}`).waitFor();
    p = await profile(officer, shop);
    assert.equal(p.status, 'left');

    // a candidate
    await openJoin(page, `网页候选店${u}`, cand);
    await page.locator('#network-join-status').selectOption('candidate');
    assert.equal(await page.locator('#network-join-plaque').isHidden(), true, 'no plaque for a candidate');
    await page.locator('#network-join-dialog button[type=submit]').click();
    await page.locator('#network-join-dialog').waitFor({ state: 'detached' });
    assert.equal((await profile(officer, cand)).status, 'candidate');
    await clean();
  } finally {
    await context.close();
  }
});

test('a merchant creates an offer for chosen categories, once per visit, with a companion', TIMEOUT, async () => {
  const merchant = await apiLogin('merchant');
  const title = `网页优惠${uniq()}`;
  const { page, clean, context } = await openPage();
  try {
    await login(page, MERCHANT);
    await page.goto(`${BASE}/#/network`);
    await page.locator('#offers-table').waitFor();
    await page.locator('#offer-new').click();
    await page.locator('#offer-title').fill(title);
    await page.locator('#offer-kind').selectOption('free');
    await page.locator('#offer-rule').selectOption('once_per_visit');
    await page.locator('#offer-companion').check();
    await page.locator('#offer-cat-disabled_veteran').check();
    await page.locator('#offer-cat-veteran').check();
    await page.locator('#offer-dialog button[type=submit]').click();
    await page.locator('#offer-dialog').waitFor({ state: 'detached' });
    await page.locator('#offers-table td', { hasText: title }).waitFor();
    const offers = (await call('GET', `/api/v1/offers?org=${merchant.user.org_id}`, { session: merchant })).json.items;
    const o = offers.find(x => x.title === title);
    assert.ok(o, 'the offer was created');
    assert.equal(o.usage_rule, 'once_per_visit');
    assert.equal(o.companion_allowed, true);
    assert.deepEqual(o.categories.map(c => c.code).sort(), ['disabled_veteran', 'veteran']);
    await clean();
  } finally {
    await context.close();
  }
});
