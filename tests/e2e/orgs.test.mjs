// Browser tests of the organisation pages: an officer registers a merchant
// and an association, edits one, adds a contact, and makes the merchant a
// member unit by searching for it; a merchant's clerk reads their own
// organisation only. No console errors or CSP violations.
//
//   SY_BASE_URL=http://127.0.0.1:8080 node --test tests/e2e/orgs.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, OFFICER, OUT, TIMEOUT, openPage, login, useBrowser } from './browser.mjs';

const MERCHANT = { user: 'merchant', pass: 'merchant-demo-2026' };
const tag = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`;

useBrowser();

/** Fills the "新建机构" dialog and waits for the new organisation's page. */
async function createOrg(page, { name, type, address }) {
  await page.goto(`${BASE}/#/orgs`);
  await page.locator('#org-create').click();
  await page.locator('#org-dialog').waitFor();
  await page.locator('#org-name').fill(name);
  await page.locator('#org-type').selectOption(type);
  // an officer of 新华区 (a leaf area) gets it as the default
  await page.waitForFunction(() => document.querySelector('#org-region')?.value === '130902');
  if (address) await page.locator('#org-address').fill(address);
  await page.locator('#org-dialog button[type="submit"]').click();
  await page.waitForFunction(n => document.querySelector('#org-title')?.textContent === n, name);
  return Number(new URL(page.url()).hash.split('/').at(-1));
}

test('an officer registers organisations, edits one, adds a contact and a member unit', TIMEOUT, async () => {
  const { context, page, clean } = await openPage();
  try {
    await login(page, OFFICER);
    const shop = `新华拥军书店${tag()}`;
    const assoc = `新华区拥军志愿者协会${tag()}`;

    // half the coordinates is caught under the field before anything is sent
    await page.goto(`${BASE}/#/orgs`);
    await page.locator('#org-create').click();
    await page.locator('#org-name').fill(shop);
    await page.locator('#org-type').selectOption('merchant');
    await page.locator('#org-lat').fill('38.31');
    await page.locator('#org-dialog button[type="submit"]').click();
    await page.locator('#org-lon-error').waitFor();
    await page.keyboard.press('Escape');

    const shopId = await createOrg(page, { name: shop, type: 'merchant', address: '新华区新华路9号' });
    assert.equal((await page.locator('#org-type-badge').textContent()).trim(), '拥军商户');
    assert.match(await page.locator('#associations-empty').textContent(), /尚未加入拥军协会/);
    assert.match(await page.locator('#contacts-empty').textContent(), /尚未登记其他联系人/);

    // edit: change the address, clear nothing else
    await page.locator('#org-edit').click();
    await page.locator('#org-address').fill('新华区新华路11号');
    await page.locator('#org-phone').fill('0317-3019999');
    await page.locator('#org-dialog button[type="submit"]').click();
    await page.waitForFunction(() => document.querySelector('#org-address-value')?.textContent === '新华区新华路11号');
    assert.equal((await page.locator('#org-phone-value').textContent()).trim(), '0317-3019999');

    // a contact
    await page.locator('#contact-add').click();
    await page.locator('#contact-name').fill('周敏');
    await page.locator('#contact-title').fill('双拥联络员');
    await page.locator('#contact-phone').fill('13912340000');
    await page.locator('#contact-dialog button[type="submit"]').click();
    await page.locator('#contacts-table').waitFor();
    assert.match(await page.locator('#contacts-table').textContent(), /周敏.*双拥联络员.*13912340000/);

    // an association, and the shop as its member, found by part of its name
    await createOrg(page, { name: assoc, type: 'association' });
    assert.match(await page.locator('#members-empty').textContent(), /尚无会员单位/);
    await page.locator('#member-add').click();
    await page.locator('#member-q').fill(shop.slice(2));
    await page.locator('#member-q').press('Enter');
    await page.waitForFunction(id => document.querySelector('#member-pick')?.value === String(id), shopId);
    await page.screenshot({ path: `${OUT}org-member-dialog.png` });
    await page.locator('#member-dialog button[type="submit"]').click();
    await page.locator(`#members-table a.org-link[data-id="${shopId}"]`).waitFor();
    assert.equal((await page.locator('#org-members-total').textContent()).trim(), '1');
    await page.screenshot({ path: `${OUT}org-association.png`, fullPage: true });

    // the member's page names the association
    await page.locator(`#members-table a.org-link[data-id="${shopId}"]`).click();
    await page.locator('#associations-table').waitFor();
    assert.match(await page.locator('#associations-table').textContent(), new RegExp(assoc));
    await page.screenshot({ path: `${OUT}org-merchant.png`, fullPage: true });

    // and the list links to both
    await page.goto(`${BASE}/#/orgs?q=${encodeURIComponent(shop)}`);
    await page.locator(`#orgs-table a.org-link[data-id="${shopId}"]`).waitFor();
    await clean();
  } finally {
    await context.close();
  }
});

test('a merchant reads its own organisation, read only', TIMEOUT, async () => {
  const { context, page, clean } = await openPage();
  try {
    await login(page, MERCHANT);
    await page.locator('#nav a[data-route="orgs"]').click();
    await page.locator('#orgs-table a.org-link').first().click();
    await page.locator('#org-title').waitFor();
    assert.equal((await page.locator('#org-title').textContent()).trim(), '沧州华北商厦');
    await page.locator('#org-readonly').waitFor();
    for (const sel of ['#org-create', '#org-edit', '#contact-add', '#member-add']) {
      assert.equal(await page.locator(sel).count(), 0, `no ${sel}`);
    }
    // its associations are named but not links: the merchant may not open them
    await page.locator('#associations-table').waitFor();
    assert.equal(await page.locator('#associations-table a').count(), 0);
    assert.match(await page.locator('#associations-table').textContent(), /沧州市拥军优属促进会/);
    await clean();
  } finally {
    await context.close();
  }
});
