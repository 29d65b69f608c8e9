// Browser test of correcting a person's record: a field emptied in the edit
// form is cleared, a service record is edited, and a service record, a
// category and a family link are removed after a confirmation.
//
//   SY_BASE_URL=http://127.0.0.1:8080 node --test tests/e2e/person_edit.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, OFFICER, OUT, TIMEOUT, openPage, login, useBrowser, makeIdNumber } from './browser.mjs';

useBrowser();

/** Calls the API from the page, with the session and its CSRF token, as the UI would. */
const api = (page, method, path, body) => page.evaluate(async ({ method, path, body }) => {
  const me = await (await fetch('/api/v1/auth/me')).json();
  const res = await fetch(`/api/v1${path}`, {
    method, headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.json();
}, { method, path, body });

/** Answers the confirmation dialog that a remove button opens. */
async function confirm(page) {
  await page.locator('#confirm-dialog').waitFor();
  await page.locator('#confirm-dialog button[type="submit"]').click();
  await page.locator('#confirm-dialog').waitFor({ state: 'detached' });
}

test('officer clears fields, edits and removes service, category and family link', TIMEOUT, async () => {
  const { context, page, clean } = await openPage();
  try {
    await login(page, OFFICER);
    const tag = Math.random().toString(36).slice(2, 5).replace(/\d/g, 'a');
    const p = await api(page, 'POST', '/people', {
      id_number: makeIdNumber('130902', '19700312'), name: `更正${tag}`, region_code: '130902',
      phone: '13700001111', address: '新华区车站路5号', lat: 38.31, lon: 116.86,
    });
    const rel = await api(page, 'POST', '/people', { id_number: makeIdNumber('130902', '19720508'), name: `配偶${tag}`, region_code: '130902' });
    assert.ok(p.id && rel.id, JSON.stringify({ p, rel }));
    await api(page, 'POST', `/people/${p.id}/family`, { relative_id: rel.id, relation: 'spouse' });
    await api(page, 'POST', `/people/${p.id}/categories`, { category: 'veteran', start_date: '1992-12-01' });
    await api(page, 'POST', `/people/${p.id}/service`, { branch: 'army', enlist_date: '1988-12-01', discharge_date: '1992-12-01', rank: '中士' });

    await page.goto(`${BASE}/#/people/${p.id}`);
    await page.locator('#person-title').waitFor();

    // Edit: empty the address and the coordinates, remove the phone.
    await page.locator('#person-edit').click();
    await page.locator('#person-dialog').waitFor();
    await page.locator('#person-address').fill('');
    await page.locator('#person-lat').fill('');
    await page.locator('#person-lon').fill('');
    await page.locator('#person-phone-clear').check();
    assert.ok(await page.locator('#person-phone').isDisabled(), 'no number to type once removed');
    await page.locator('#person-dialog button[type="submit"]').click();
    await page.locator('#person-dialog').waitFor({ state: 'detached' });
    const after = await api(page, 'GET', `/people/${p.id}`);
    assert.equal(after.address, null);
    assert.equal(after.lat, null);
    assert.ok(!after.phone, `phone cleared, got ${after.phone}`);
    assert.equal((await page.locator('#person-phone-value').textContent()).trim(), '—');

    // Edit the service record: a new rank; the rest stays.
    await page.locator('#service-cards [data-action="edit-service"]').click();
    await page.locator('#service-dialog').waitFor();
    assert.equal(await page.locator('#service-enlist').inputValue(), '1988-12-01', 'the form shows the record');
    await page.locator('#service-rank').fill('上士');
    await page.locator('#service-dialog button[type="submit"]').click();
    await page.locator('#service-dialog').waitFor({ state: 'detached' });
    await page.waitForFunction(() => document.querySelector('#service-cards')?.textContent.includes('上士'));
    await page.screenshot({ path: `${OUT}person-service-edited.png`, fullPage: true });

    // Remove the service record, the category and the link, each after a confirmation.
    await page.locator('#service-cards [data-action="delete-service"]').click();
    await confirm(page);
    await page.locator('#service-empty').waitFor();
    await page.locator('#categories-table [data-action="delete-category"]').click();
    await confirm(page);
    await page.locator('#categories-empty').waitFor();
    await page.locator('#family-table [data-action="remove-link"]').click();
    await page.locator('#confirm-dialog').waitFor();
    assert.match(await page.locator('#confirm-dialog').textContent(), new RegExp(`配偶${tag}`));
    await confirm(page);
    await page.locator('#family-empty').waitFor();
    await page.screenshot({ path: `${OUT}person-corrected.png`, fullPage: true });

    const final = await api(page, 'GET', `/people/${p.id}`);
    assert.deepEqual([final.service, final.family, final.categories], [[], [], []]);
    await clean();
  } finally {
    await context.close();
  }
});
