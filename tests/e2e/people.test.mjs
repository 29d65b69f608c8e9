// Browser tests of the people registry pages: search and open a person,
// create one (a wrong 身份证号 check character is reported under its field),
// audited "show full", read-only for auditors, the person's own record,
// organisations; all without console errors or CSP violations.
//
//   SY_BASE_URL=http://127.0.0.1:8080 node --test tests/e2e/people.test.mjs
//
// Needs a running server with the demo data and Debian's /usr/bin/chromium
// (or SY_CHROMIUM). Screenshots for humans go to tests/e2e/out/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, ADMIN, OFFICER, AUDITOR, PERSON, OUT, TIMEOUT, openPage, login, useBrowser, makeIdNumber } from './browser.mjs';

const SECTIONS = ['basic', 'categories', 'family', 'service', 'status', 'cards', 'services', 'cases'];
const WRITE_BUTTONS = ['#person-edit', '#category-add', '#family-add', '#service-add', '#status-add', '#person-unmask'];

useBrowser();

/** A valid, almost surely unused 身份证号 in 新华区 (130902). */
const freshIdNumber = () => makeIdNumber('130902', `${1960 + Math.floor(Math.random() * 40)}0${1 + Math.floor(Math.random() * 9)}15`);

async function openPeopleList(page) {
  await page.locator('#nav a[data-route="people"]').click();
  await page.locator('#people-table').waitFor();
}

async function expectSections(page) {
  for (const s of SECTIONS) await page.locator(`#sec-${s}`).waitFor();
  for (const s of ['services', 'cases']) {
    assert.match(await page.locator(`#sec-${s} .state-empty`).textContent(), /模块建设中/, `${s} is a placeholder`);
  }
}

test('officer searches by part of a name and opens the person', TIMEOUT, async () => {
  const { context, page, clean } = await openPage();
  try {
    await login(page, OFFICER);
    assert.ok((await page.locator('#nav').textContent()).includes('人员档案'), 'officer menu has 人员档案');
    await openPeopleList(page);
    assert.equal(await page.locator('#people-q').getAttribute('placeholder'), '姓名 / 身份证号后4位 / 手机号');
    // Masked ID numbers only in the list.
    const firstId = (await page.locator('#people-table tbody tr td .mono').first().textContent()).trim();
    assert.match(firstId, /^\d{6}\*{8}\d{3}[\dX]$/, `masked ID in the list: ${firstId}`);
    await page.screenshot({ path: `${OUT}people-list.png`, fullPage: true });

    const link = page.locator('#people-table a.person-link').first();
    const name = (await link.textContent()).trim();
    const pid = await link.getAttribute('data-id');
    const part = name.length > 2 ? name.slice(1) : name.slice(0, 1);  // the given name, or the surname
    await page.locator('#people-q').fill(part);
    await page.locator('#people-search').click();
    await page.waitForFunction(q => location.hash.includes(`q=${encodeURIComponent(q)}`), part);
    await page.locator(`#people-table a.person-link[data-id="${pid}"]`).waitFor();
    const names = await page.locator('#people-table a.person-link').allTextContents();
    assert.ok(names.every(n => n.includes(part)), `every result contains "${part}": ${names.join(',')}`);

    // 1–3 digits is too short for an ID search: said under the search box.
    await page.locator('#people-q').fill('123');
    await page.locator('#people-search').click();
    await page.locator('#people-q-error').waitFor();
    assert.equal(await page.locator('#people-q').getAttribute('aria-invalid'), 'true');

    await page.locator('#people-q').fill(part);
    await page.locator('#people-search').click();
    await page.locator(`#people-table a.person-link[data-id="${pid}"]`).click();
    await page.waitForFunction(id => location.hash === `#/people/${id}`, pid);
    await page.locator('#person-title').waitFor();
    assert.equal((await page.locator('#person-title').textContent()).trim(), name);
    await expectSections(page);
    for (const sel of ['#person-edit', '#category-add', '#family-add', '#service-add', '#status-add']) {
      assert.equal(await page.locator(sel).count(), 1, `officer has ${sel}`);
    }
    await page.screenshot({ path: `${OUT}person-officer.png`, fullPage: true });

    // An empty result says so.
    await page.goto(`${BASE}/#/people?q=${encodeURIComponent('查无此人甲乙丙')}`);
    await page.locator('#people-empty').waitFor();
    assert.match(await page.locator('#people-empty').textContent(), /没有符合条件的人员/);
    await clean();
  } finally {
    await context.close();
  }
});

test('officer creates a person: a wrong check character shows under 身份证号, the fixed one lands on the new page', TIMEOUT, async () => {
  const { context, page, clean } = await openPage();
  try {
    await login(page, OFFICER);
    await openPeopleList(page);
    await page.locator('#person-create').click();
    await page.locator('#person-dialog').waitFor();

    const good = freshIdNumber();
    const wrongChar = '0123456789X'.split('').find(c => c !== good[17]);
    const bad = good.slice(0, 17) + wrongChar;
    const name = `测试${'甲乙丙丁戊己庚辛壬癸'[Math.floor(Math.random() * 10)]}${'子丑寅卯辰巳午未申酉'[Math.floor(Math.random() * 10)]}`;
    await page.locator('#person-id-number').fill(bad);
    await page.locator('#person-name').fill(name);
    await page.locator('#person-phone').fill('13800001234');
    // The officer's own district is preselected once the regions arrive.
    await page.waitForFunction(() => document.querySelector('#person-region').value === '130902');
    await page.locator('#person-address').fill('新华区建设北大街12号');
    await page.locator('#person-dialog button[type="submit"]').click();

    const error = page.locator('#person-id-number-error');
    await error.waitFor();
    assert.match(await error.textContent(), /校验/, 'the error names the check character');
    assert.equal(await page.locator('#person-id-number').getAttribute('aria-invalid'), 'true');
    // It sits in the 身份证号 field, not elsewhere.
    assert.equal(await page.locator('#person-id-number').locator('xpath=..').locator('#person-id-number-error').count(), 1);
    assert.ok(await page.locator('#person-dialog').isVisible(), 'dialog stays open');
    await page.screenshot({ path: `${OUT}person-create-error.png` });

    await page.locator('#person-id-number').fill(good);
    await page.locator('#person-dialog button[type="submit"]').click();
    await page.waitForFunction(() => /^#\/people\/\d+$/.test(location.hash));
    await page.locator('#person-title').waitFor();
    assert.equal((await page.locator('#person-title').textContent()).trim(), name);
    const shown = (await page.locator('#person-id-number').textContent()).trim();
    assert.equal(shown, `${good.slice(0, 6)}********${good.slice(14)}`, 'the new page shows the masked number');
    await expectSections(page);
    // The record starts with a status entry (建档).
    await page.locator('#status-table').waitFor();
    await page.screenshot({ path: `${OUT}person-created.png`, fullPage: true });
    await clean();
  } finally {
    await context.close();
  }
});

test('admin shows the full ID number with a reason', TIMEOUT, async () => {
  const { context, page, clean } = await openPage();
  try {
    await login(page, ADMIN);
    await openPeopleList(page);
    await page.locator('#people-table a.person-link').first().click();
    await page.locator('#person-unmask').waitFor();
    assert.match((await page.locator('#person-id-number').textContent()).trim(), /\*{8}/, 'masked first');

    await page.locator('#person-unmask').click();
    await page.locator('#unmask-dialog').waitFor();
    // No reason, no view.
    await page.locator('#unmask-dialog button[type="submit"]').click();
    await page.locator('#unmask-reason-error').waitFor();
    await page.locator('#unmask-reason').fill('办理优待证核对身份');
    await page.locator('#unmask-dialog button[type="submit"]').click();
    await page.locator('#person-unmask-note').waitFor();
    const full = (await page.locator('#person-id-number').textContent()).trim();
    assert.equal(full.length, 18, `18 characters: ${full}`);
    assert.match(full, /^\d{17}[\dX]$/);
    assert.match(await page.locator('#person-unmask-note').textContent(), /已记录查看事由/);
    assert.equal(await page.locator('#person-unmask').count(), 0, 'button gone once shown');
    await page.screenshot({ path: `${OUT}person-unmasked.png`, fullPage: true });

    // The export menu offers the full export to admin, behind a reason dialog.
    await page.locator('#nav a[data-route="people"]').click();
    await page.locator('#people-table').waitFor();
    await page.locator('#people-export summary').click();
    await page.locator('#people-export-unmasked').click();
    await page.locator('#export-dialog').waitFor();
    await page.screenshot({ path: `${OUT}people-export-dialog.png` });
    await page.keyboard.press('Escape');
    await page.locator('#export-dialog').waitFor({ state: 'detached' });
    await clean();
  } finally {
    await context.close();
  }
});

test('auditor reads people without any edit button', TIMEOUT, async () => {
  const { context, page, clean } = await openPage();
  try {
    await login(page, AUDITOR);
    await openPeopleList(page);
    assert.equal(await page.locator('#person-create').count(), 0, 'no 新建档案');
    await page.locator('#people-export summary').click();
    await page.locator('#people-export-csv').waitFor();
    assert.equal(await page.locator('#people-export-unmasked').count(), 0, 'no unmasked export');
    await page.locator('#people-export summary').click();

    await page.locator('#people-table a.person-link').first().click();
    await page.locator('#person-title').waitFor();
    await expectSections(page);
    for (const sel of WRITE_BUTTONS) assert.equal(await page.locator(sel).count(), 0, `auditor lacks ${sel}`);
    assert.equal(await page.locator('#main .write-action').count(), 0, 'no write actions at all');
    assert.equal(await page.locator('#main [data-action="end-category"]').count(), 0);
    await page.locator('#person-readonly').waitFor();
    await page.screenshot({ path: `${OUT}person-auditor.png`, fullPage: true });
    await clean();
  } finally {
    await context.close();
  }
});

test('a person opens 我的档案 and sees their own record, read-only', TIMEOUT, async () => {
  const { context, page, clean } = await openPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  try {
    await login(page, PERSON);
    await page.locator('#nav-toggle').click();
    const mine = page.locator('#nav a', { hasText: '我的档案' });
    assert.match(await mine.getAttribute('href'), /^#\/people\/\d+$/);
    assert.equal(await page.locator('#nav a[data-route="people"]').count(), 0, 'no people list for a person');
    await mine.click();
    await page.locator('#person-title').waitFor();
    await expectSections(page);
    for (const sel of WRITE_BUTTONS) assert.equal(await page.locator(sel).count(), 0, `person lacks ${sel}`);
    assert.ok(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'fits a phone');
    await page.screenshot({ path: `${OUT}person-own-phone.png`, fullPage: true });
    await clean();
  } finally {
    await context.close();
  }
});

test('officer links a relative, records a martyr, adds service and a category; the relative shows why', TIMEOUT, async () => {
  const { context, page, clean } = await openPage();
  try {
    await login(page, OFFICER);
    // Two fresh people through the API, as any client could.
    const tag = Math.random().toString(36).slice(2, 5).replace(/\d/g, 'a');
    const made = await page.evaluate(async ({ ids, tag }) => {
      const me = await (await fetch('/api/v1/auth/me')).json();
      const mk = async (id_number, name) => (await fetch('/api/v1/people', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: JSON.stringify({ id_number, name, region_code: '130902', address: '新华区解放西路8号' }),
      })).json();
      return { parent: await mk(ids[0], `测试父${tag}`), child: await mk(ids[1], `测试子${tag}`) };
    }, { ids: [freshIdNumber(), freshIdNumber()], tag });
    const { parent, child } = made;
    assert.ok(parent.id && child.id, `created: ${JSON.stringify(made)}`);

    // On the child's page: the parent is their 父母.
    await page.goto(`${BASE}/#/people/${child.id}`);
    await page.locator('#family-empty').waitFor();
    await page.locator('#family-add').click();
    await page.locator('#family-dialog').waitFor();
    const parentIdNumber = await page.evaluate(async id => {
      const me = await (await fetch('/api/v1/auth/me')).json();
      return (await (await fetch(`/api/v1/people/${id}/unmask`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': me.csrf_token },
        body: JSON.stringify({ reason: '浏览器测试：查找亲属' }),
      })).json()).id_number;
    }, parent.id);
    await page.locator('#family-q').fill(parentIdNumber);
    await page.locator('#family-q').press('Enter');
    await page.waitForFunction(id => document.querySelector('#family-pick').value === String(id), parent.id);
    await page.locator('#family-relation').selectOption('parent');
    assert.ok(await page.locator('#family-supported').isDisabled(), '"supported" is for siblings only');
    await page.screenshot({ path: `${OUT}person-family-dialog.png` });
    await page.locator('#family-dialog button[type="submit"]').click();
    await page.locator(`#family-table a.person-link[data-id="${parent.id}"]`).click();

    // On the parent's page: died as a martyr.
    await page.waitForFunction(id => location.hash === `#/people/${id}`, parent.id);
    await page.locator('#status-add').waitFor();
    await page.locator('#status-add').click();
    await page.locator('#status-dialog').waitFor();
    assert.ok(await page.locator('#status-death-kind').isHidden(), 'death kind only for the deceased');
    await page.locator('#status-value').selectOption('serving_sentence');
    await page.locator('#status-bars-warning').waitFor();
    await page.locator('#status-value').selectOption('deceased');
    await page.locator('#status-death-kind').selectOption('martyr');
    await page.locator('#status-reason').fill('经批准评定为烈士');
    await page.locator('#status-dialog button[type="submit"]').click();
    await page.locator('#person-death-kind').waitFor();
    assert.equal(await page.locator('#person-status').getAttribute('data-status'), 'deceased');
    assert.equal(await page.locator('#status-table tbody tr').count(), 2, 'creation and the change');

    // A service record with a wartime award and an island period.
    await page.locator('#service-add').click();
    await page.locator('#service-dialog').waitFor();
    await page.locator('#service-branch').selectOption('navy');
    await page.locator('#service-rank').fill('上士');
    await page.locator('#service-enlist').fill('1979-11-01');
    await page.locator('#service-discharge').fill('1986-12-01');
    await page.locator('#service-exit-mode').selectOption('demobilised');
    await page.locator('#service-award-add').click();
    await page.locator('#service-awards .award-level').selectOption('merit_2');
    await page.locator('#service-awards .award-wartime').check();
    await page.locator('#service-awards .award-date').fill('1984-07-12');
    await page.locator('#service-period-add').click();
    await page.locator('#service-periods .period-kind').selectOption('island');
    await page.locator('#service-periods .period-start').fill('1980-03-01');
    await page.locator('#service-periods .period-end').fill('1983-10-01');
    await page.screenshot({ path: `${OUT}person-service-dialog.png` });
    await page.locator('#service-dialog button[type="submit"]').click();
    const card = page.locator('#service-cards .service-card').first();
    await card.waitFor();
    const cardText = await card.textContent();
    for (const want of ['海军', '二等功', '战时', '海岛', '复员']) assert.ok(cardText.includes(want), `card shows ${want}`);

    // A category with a disability grade, then ended.
    await page.locator('#category-add').click();
    await page.locator('#category-code').selectOption('disabled_veteran');
    await page.locator('#category-grade').selectOption('4');
    await page.locator('#category-cause').selectOption('combat');
    await page.locator('#category-start').fill('1985-01-01');
    await page.locator('#category-dialog button[type="submit"]').click();
    await page.locator('#categories-table [data-action="end-category"]').click();
    await page.locator('#category-end-dialog button[type="submit"]').click();
    await page.locator('#categories-table >> text=已结束').waitFor();
    assert.match(await page.locator('#categories-table').textContent(), /4级.*因战/);
    await page.screenshot({ path: `${OUT}person-martyr.png`, fullPage: true });

    // Back on the child's page: 烈士遗属, and why, with a link to the parent.
    await page.locator(`#family-table a.person-link[data-id="${child.id}"]`).click();
    await page.waitForFunction(id => location.hash === `#/people/${id}`, child.id);
    const why = page.locator('#categories-table .why-derived');
    await why.waitFor();
    assert.equal((await why.textContent()).trim(), `因其父母（${parent.name}）为烈士`);
    assert.equal(await why.locator('a.via-link').getAttribute('href'), `#/people/${parent.id}`);
    assert.match(await page.locator('#categories-table').textContent(), /烈士遗属/);
    await page.screenshot({ path: `${OUT}person-derived.png`, fullPage: true });
    await clean();
  } finally {
    await context.close();
  }
});

test('organisations list filters by type and switches to English', TIMEOUT, async () => {
  const { context, page, clean } = await openPage();
  try {
    await login(page, OFFICER);
    await page.locator('#nav a[data-route="orgs"]').click();
    await page.locator('#orgs-table').waitFor();
    await page.locator('#orgs-type').selectOption('merchant');
    await page.waitForFunction(() => location.hash.includes('type=merchant'));
    await page.locator('#orgs-results:not([aria-busy])').waitFor();
    const types = await page.locator('#orgs-table .badge-type').allTextContents();
    assert.ok(types.length > 0 && types.every(x => x === '拥军商户'), `only merchants: ${types.join(',')}`);
    assert.match(await page.locator('#orgs-export-csv').getAttribute('href'), /type=merchant.*format=csv|format=csv.*type=merchant/);
    await page.screenshot({ path: `${OUT}orgs.png`, fullPage: true });

    await page.locator('#orgs-q').fill('查无此单位甲乙丙');
    await page.locator('#orgs-search').click();
    await page.locator('#orgs-empty').waitFor();

    await page.locator('#lang-switch').click();
    await page.locator('#nav >> text=Organisations').waitFor();
    await page.locator('#orgs-empty').waitFor();
    assert.match(await page.locator('#orgs-empty').textContent(), /No organisations/);
    await page.locator('#nav a[data-route="people"]').click();
    await page.locator('#people-table').waitFor();
    await page.locator('#people-table a.person-link').first().click();
    await page.locator('#sec-service').waitFor();
    assert.match(await page.locator('#sec-service-title').textContent(), /Military service/);
    await page.screenshot({ path: `${OUT}person-english.png`, fullPage: true });
    await clean();
  } finally {
    await context.close();
  }
});
