// Browser test of the 双清单 board and the statistics page: the 新华区
// officer opens the board for this year (the demo's items), collects a new
// item, moves it through 汇总, 会审, 交办, 办理 to 办结/销号 from the board
// and sees the year's completed count and completion rate change; a year
// with no items says so; the statistics page draws its charts from the demo
// cases. No console errors or CSP violations.
//
//   SY_BASE_URL=http://127.0.0.1:8080 node --test tests/e2e/duallist.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, ADMIN, OFFICER, OUT, TIMEOUT, openPage, login, useBrowser } from './browser.mjs';

useBrowser();

const year = new Date().getFullYear();
const number = async (page, key) => (await page.locator(`#dual-total-${key} .stat-value`).textContent()).trim();

test('the officer collects a 双清单 item, moves it to 办结 from the board, and the rates change', TIMEOUT, async () => {
  const { context, page, clean } = await openPage();
  try {
    await login(page, OFFICER);
    await page.goto(`${BASE}/#/dual-lists`);
    await page.locator('#dual-table-army').waitFor();
    assert.equal(await page.locator('#dual-year').inputValue(), String(year));
    // the demo's items: both lists, rates as numbers and as charts
    assert.ok(await page.locator('#dual-table-civil tbody tr').count() > 0);
    await page.locator('#dual-rates-unit').waitFor();
    await page.locator('#dual-chart-quarter canvas').first().waitFor();
    const items = Number(await number(page, 'items'));
    const completed = Number(await number(page, 'completed'));

    const content = `为军属子女开设周末托管（浏览器测试 ${Date.now()}）`;
    await page.locator('#dual-add').click();
    await page.locator('#dual-dialog').waitFor();
    await page.locator('#dual-form-list').selectOption('army');
    await page.locator('#dual-proposer-org option', { hasText: '沧州市新华区退役军人事务局' }).waitFor({ state: 'attached' });
    await page.locator('#dual-proposer-org').selectOption({ label: '沧州市新华区退役军人事务局' });
    // no responsible unit picked: the server names the nearest department (the district's bureau)
    await page.locator('#dual-form-content').fill(content);
    await page.locator('#dual-form-deadline').fill(`${year}-12-31`);
    await page.locator('#dual-form-quality').fill('每周六开班，家长满意');
    await page.locator('#dual-dialog button[type="submit"]').click();
    const row = page.locator('#dual-table-army tbody tr', { hasText: content });
    await row.locator('[data-state="collected"]').waitFor();
    assert.equal(await number(page, 'items'), String(items + 1));
    assert.match(await row.textContent(), /沧州市新华区退役军人事务局/);

    for (const [action, state] of [['compile', 'compiled'], ['review', 'reviewed'], ['assign', 'assigned'], ['start', 'handling'], ['complete', 'closed']]) {
      await row.locator(`button[data-action="${action}"]`).click();
      await row.locator(`[data-state="${state}"]`).waitFor();
    }
    assert.equal(await number(page, 'completed'), String(completed + 1));
    const rate = Math.round(((completed + 1) / (items + 1)) * 1000) / 10;
    assert.equal(await number(page, 'completion_rate'), `${rate}%`);
    await page.screenshot({ path: `${OUT}dual-board.png`, fullPage: true });

    // a year without items says so
    await page.locator('#dual-year').selectOption(String(year - 4));
    await page.locator('#dual-empty').waitFor();
    await clean();
  } finally {
    await context.close();
  }
});

test('the statistics page draws the demo cases', TIMEOUT, async () => {
  const { context, page, clean } = await openPage();
  try {
    await login(page, ADMIN);
    await page.goto(`${BASE}/#/case-stats`);
    await page.locator('#stats-total').waitFor();
    assert.ok(Number(await page.locator('#stats-total .stat-value').textContent()) > 0);
    for (const key of ['type', 'state', 'department', 'region']) await page.locator(`#stats-chart-${key} canvas`).first().waitFor();
    assert.ok(await page.locator('#stats-table-type tbody tr', { hasText: '一门受理' }).count() === 1);
    assert.match(await page.locator('#stats-avg_working_days .stat-value').textContent(), /^\d+(\.\d)?$/);
    // a filter narrows the counts and the export link carries it
    await page.locator('#stats-type').selectOption('dual_civil');
    await page.locator('#stats-table-type tbody tr').first().waitFor();
    assert.equal(await page.locator('#stats-table-type tbody tr').count(), 1);
    assert.match(await page.locator('#stats-export-xlsx').getAttribute('href'), /type=dual_civil.*format=xlsx|format=xlsx.*type=dual_civil/);
    await page.screenshot({ path: `${OUT}case-stats.png`, fullPage: true });
    await clean();
  } finally {
    await context.close();
  }
});
