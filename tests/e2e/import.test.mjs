// Browser tests of the import wizard: an officer uploads a CSV of people with
// one bad row, sees the preview (counts, the problem with its row and column,
// the rejected rows), imports the valid ones and finds them; the preview
// follows a language switch; people already registered can be updated; a
// file without the 身份证号 column shows the server's error.
//
//   SY_BASE_URL=http://127.0.0.1:8080 node --test tests/e2e/import.test.mjs
//
// Needs a running server with the demo data and Debian's /usr/bin/chromium
// (or SY_CHROMIUM). Screenshots for humans go to tests/e2e/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, OFFICER, OUT, TIMEOUT, openPage, login, useBrowser, makeIdNumber } from './browser.mjs';

useBrowser();

const HEADER = '身份证号,姓名,电话,居住地区代码,居住地址';

/** A valid, almost surely unused 身份证号 in 新华区 (130902), distinct within a run. */
const used = new Set();
function freshIdNumber() {
  for (;;) {
    const y = 1950 + Math.floor(Math.random() * 50);
    const m = String(1 + Math.floor(Math.random() * 12)).padStart(2, '0');
    const d = String(1 + Math.floor(Math.random() * 28)).padStart(2, '0');
    const id = makeIdNumber('130902', `${y}${m}${d}`);
    if (!used.has(id)) { used.add(id); return id; }
  }
}

/** A 3-character Chinese name that is unlikely to exist already. */
function freshName(prefix) {
  const chars = '甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥';
  return prefix + chars[Math.floor(Math.random() * chars.length)] + chars[Math.floor(Math.random() * chars.length)];
}

const csv = rows => Buffer.from([HEADER, ...rows.map(r => r.join(','))].join('\r\n') + '\r\n', 'utf8');

const statValue = async (page, key) => Number(await page.locator(`#import-stat-${key}`).getAttribute('data-value'));

async function apiFindPerson(page, idNumber) {
  return page.evaluate(async q => {
    const res = await fetch(`/api/v1/people?q=${encodeURIComponent(q)}`);
    return (await res.json()).items || [];
  }, idNumber);
}

test('officer imports people: preview with one bad row, commit, the person is found', TIMEOUT, async () => {
  const { context, page, clean } = await openPage();
  try {
    await login(page, OFFICER);
    const navLink = page.locator('#nav a[data-route="import"]');
    assert.equal((await navLink.textContent()).trim(), '批量导入');

    // From the people list: 批量导入 opens the wizard on people.
    await page.locator('#nav a[data-route="people"]').click();
    await page.locator('#people-table').waitFor();
    await page.locator('#people-import').click();
    await page.waitForFunction(() => location.hash === '#/import?kind=people');
    await page.locator('#import-form').waitFor();
    assert.equal(await page.locator('#import-kind').inputValue(), 'people');
    assert.deepEqual(await page.locator('#import-kind option').evaluateAll(os => os.map(o => o.value)),
      ['people', 'service', 'orgs', 'merchants']);
    assert.equal(await page.locator('#import-template').getAttribute('href'), '/api/v1/imports/people/template?format=xlsx');
    assert.equal(await page.locator('#import-template-csv').getAttribute('href'), '/api/v1/imports/people/template?format=csv');
    const formats = await page.locator('#import-formats').textContent();
    for (const want of ['GBK', '.xlsx', '文本']) assert.ok(formats.includes(want), `the format note mentions ${want}`);
    assert.equal(await page.locator('#import-steps li[aria-current="step"]').getAttribute('data-step'), 'choose');

    const good1 = freshIdNumber();
    const good2 = freshIdNumber();
    const base = freshIdNumber();
    const bad = base.slice(0, 17) + '0123456789X'.split('').find(c => c !== base[17]);  // wrong check character
    const name1 = freshName('导入');
    const name2 = freshName('导入');
    const file = csv([
      [good1, name1, '13800001111', '130902', '新华区建设北大街1号'],
      [bad, freshName('错误'), '13800002222', '130902', '新华区建设北大街2号'],
      [good2, name2, '13800003333', '130902', '新华区建设北大街3号'],
    ]);
    await page.locator('#import-file').setInputFiles({ name: 'people-e2e.csv', mimeType: 'text/csv', buffer: file });
    assert.match(await page.locator('#import-file-info').textContent(), /people-e2e\.csv/);
    await page.screenshot({ path: `${OUT}import-choose.png`, fullPage: true });
    await page.locator('#import-upload').click();

    // Step 2: the preview.
    await page.locator('#import-preview').waitFor();
    assert.equal(await page.locator('#import-steps li[aria-current="step"]').getAttribute('data-step'), 'preview');
    assert.equal(await statValue(page, 'rows'), 3);
    assert.equal(await statValue(page, 'valid'), 2);
    assert.equal(await statValue(page, 'invalid'), 1);
    assert.equal(await statValue(page, 'existing'), 0);
    assert.equal(await page.locator('#import-format').getAttribute('data-format'), 'csv-utf8');
    const problems = page.locator('#import-problems tbody tr');
    assert.equal(await problems.count(), 1, 'one problem');
    const cells = (await problems.first().locator('td').allTextContents()).map(s => s.trim());
    assert.equal(cells[0], '3', 'the bad row is line 3 of the file');
    assert.equal(cells[1], '身份证号');
    assert.match(cells[2], /校验/, `the reason names the check character: ${cells[2]}`);
    const rejectedUrl = await page.locator('#import-rejected').getAttribute('href');
    assert.match(rejectedUrl, /^\/api\/v1\/imports\/rejects\/\d+$/);
    assert.equal(await page.locator('#import-existing').count(), 0, 'no skip/update choice when nobody is registered yet');
    assert.equal((await page.locator('#import-commit').textContent()).trim(), '导入 2 条有效记录');
    // A preview writes nothing.
    assert.equal((await apiFindPerson(page, good1)).length, 0, 'nothing written by the preview');
    await page.screenshot({ path: `${OUT}import-preview.png`, fullPage: true });

    // The preview survives a language switch, with the problem in English.
    await page.locator('#lang-switch').click();
    await page.locator('#import-preview').waitFor();
    await page.waitForFunction(() => document.querySelector('#import-commit')?.textContent.trim() === 'Import 2 valid records');
    const enReason = (await page.locator('#import-problems tbody tr td').nth(2).textContent()).trim();
    assert.match(enReason, /check/i, `English reason: ${enReason}`);
    await page.locator('#lang-switch').click();
    await page.waitForFunction(() => document.querySelector('#import-commit')?.textContent.trim() === '导入 2 条有效记录');

    // The rejected rows come back as CSV with the reason.
    const rejected = await page.evaluate(async url => (await fetch(url)).text(), rejectedUrl);
    const lines = rejected.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    assert.equal(lines.length, 2, 'header and the bad row');
    assert.match(lines[0], /错误原因$/);
    assert.ok(lines[1].startsWith(bad), 'the bad row');

    // Step 3: commit.
    await page.locator('#import-commit').click();
    await page.locator('#import-result').waitFor();
    assert.equal(await page.locator('#import-steps li[aria-current="step"]').getAttribute('data-step'), 'result');
    assert.equal(await statValue(page, 'inserted'), 2);
    assert.equal(await statValue(page, 'updated'), 0);
    assert.equal(await statValue(page, 'rejected'), 1);
    assert.match(await page.locator('#import-done').textContent(), /已新增 2 条/);
    assert.match(await page.locator('#import-rejected').getAttribute('href'), /^\/api\/v1\/imports\/rejects\/\d+$/);
    assert.match(await page.locator('#import-sha256').textContent(), /^[0-9a-f]{64}$/);
    await page.screenshot({ path: `${OUT}import-done.png`, fullPage: true });

    // Found through the API and on the people page.
    const found = await apiFindPerson(page, good1);
    assert.equal(found.length, 1);
    assert.equal(found[0].name, name1);
    assert.equal((await apiFindPerson(page, bad)).length, 0, 'the bad row was not imported');
    assert.equal(await page.locator('#import-back').getAttribute('href'), '#/people');
    await page.locator('#import-back').click();
    await page.locator('#people-table').waitFor();
    await page.locator('#people-q').fill(good2);
    await page.locator('#people-search').click();
    await page.locator(`#people-table a.person-link[data-id="${(await apiFindPerson(page, good2))[0].id}"]`).waitFor();
    assert.equal((await page.locator('#people-table a.person-link').first().textContent()).trim(), name2);
    await clean();
  } finally {
    await context.close();
  }
});

test('people already registered: the preview counts them and update rewrites them', TIMEOUT, async () => {
  const { context, page, clean } = await openPage();
  try {
    await login(page, OFFICER);
    const id = freshIdNumber();
    const name = freshName('更新');
    // Registered first through the API, as any client could.
    const first = await page.evaluate(async body => {
      const me = await (await fetch('/api/v1/auth/me')).json();
      const res = await fetch('/api/v1/imports/people?commit=1', {
        method: 'POST', headers: { 'X-CSRF-Token': me.csrf_token, 'Content-Type': 'text/csv' }, body,
      });
      return res.json();
    }, `${HEADER}\r\n${id},${name},13800004444,130902,旧地址1号\r\n`);
    assert.equal(first.inserted, 1, JSON.stringify(first));

    await page.goto(`${BASE}/#/import?kind=people`);
    await page.locator('#import-file').setInputFiles({ name: 'people-update.csv', mimeType: 'text/csv',
      buffer: csv([[id, name, '13800004444', '130902', '新地址9号']]) });
    await page.locator('#import-upload').click();
    await page.locator('#import-preview').waitFor();
    assert.equal(await statValue(page, 'existing'), 1);
    await page.locator('#import-no-problems').waitFor();
    await page.locator('#import-existing').waitFor();
    assert.ok(await page.locator('#import-on-existing-skip').isChecked(), 'skip is the default');
    await page.locator('#import-on-existing-update').check();
    await page.screenshot({ path: `${OUT}import-existing.png`, fullPage: true });
    await page.locator('#import-commit').click();
    await page.locator('#import-result').waitFor();
    assert.equal(await statValue(page, 'inserted'), 0);
    assert.equal(await statValue(page, 'updated'), 1);
    assert.equal(await page.locator('#import-rejected').count(), 0, 'nothing rejected');

    const [person] = await apiFindPerson(page, id);
    const detail = await page.evaluate(async pid => (await fetch(`/api/v1/people/${pid}`)).json(), person.id);
    assert.equal(detail.address, '新地址9号');

    // 继续导入 starts over on step 1.
    await page.locator('#import-again').click();
    await page.locator('#import-form').waitFor();
    assert.equal(await page.locator('#import-kind').inputValue(), 'people');
    await clean();
  } finally {
    await context.close();
  }
});

test('a file without the 身份证号 column shows the server\'s error; a wrong file type is refused at once', TIMEOUT, async () => {
  const { context, page, clean } = await openPage();
  try {
    await login(page, OFFICER);
    await page.goto(`${BASE}/#/import`);
    await page.locator('#import-form').waitFor();

    // Nothing chosen, then an old .xls: said under the file field, nothing sent.
    await page.locator('#import-upload').click();
    await page.locator('#import-file-error').waitFor();
    await page.locator('#import-file').setInputFiles({ name: 'old.xls', mimeType: 'application/vnd.ms-excel', buffer: Buffer.from('x') });
    await page.locator('#import-upload').click();
    await page.locator('#import-file-error').waitFor();
    assert.match(await page.locator('#import-file-error').textContent(), /\.xlsx/);
    assert.equal(await page.locator('#import-file').getAttribute('aria-invalid'), 'true');

    const file = Buffer.from(`姓名,居住地区代码\r\n${freshName('缺列')},130902\r\n`, 'utf8');
    await page.locator('#import-file').setInputFiles({ name: 'no-id.csv', mimeType: 'text/csv', buffer: file });
    await page.locator('#import-upload').click();
    const error = page.locator('#import-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'import_missing_column');
    assert.equal(await error.getAttribute('data-status'), '400');
    assert.equal((await page.locator('#import-step-title').textContent()).trim(), '文件无法导入');
    assert.match(await page.locator('#import-error-message').textContent(), /身份证号/, 'the server names the missing column');
    assert.equal(await page.locator('#import-retry').count(), 0, 'no retry for a bad file');
    await page.screenshot({ path: `${OUT}import-error.png`, fullPage: true });

    // Back to step 1 with the same file still chosen.
    await page.locator('#import-restart').click();
    await page.locator('#import-form').waitFor();
    assert.match(await page.locator('#import-file-info').textContent(), /no-id\.csv/);
    await clean();
  } finally {
    await context.close();
  }
});
