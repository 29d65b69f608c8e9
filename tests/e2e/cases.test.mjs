// Browser test of the cases pages: an officer files a 一门受理 application for
// the demo veteran picked from the registry, moves each of the seven steps
// as the departments would (恢复户口 needs its 落户介绍信 ticked), sees the
// case close; the veteran's "我的事项" shows the case complete. The
// department login (沧州市公安局) finds its inbox, moves the two steps its
// organisation handles and is offered no other; the officer moves the rest.
// Also the admin's calendar page and the inbox render. No console errors or
// CSP violations.
//
//   SY_BASE_URL=http://127.0.0.1:8080 node --test tests/e2e/cases.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, ADMIN, OFFICER, PERSON, DEPARTMENT, OUT, TIMEOUT, openPage, login, useBrowser } from './browser.mjs';

useBrowser();

const STEPS = ['report', 'allowance', 'hukou', 'id_card', 'reserve', 'social_security', 'insurance'];

/** A session over the API: cookie, CSRF token and user. */
async function apiLogin({ user, pass }) {
  const res = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: user, password: pass }),
  });
  assert.equal(res.status, 200);
  const j = await res.json();
  return { cookie: res.headers.get('set-cookie').split(';')[0], csrf: j.csrf_token, user: j.user };
}

/** The demo veteran's person id and name, as the API gives them to the veteran. */
async function demoVeteran() {
  const res = await fetch(`${BASE}/api/v1/auth/login`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: PERSON.user, password: PERSON.pass }),
  });
  const j = await res.json();
  const cookie = res.headers.get('set-cookie').split(';')[0];
  const p = await (await fetch(`${BASE}/api/v1/people/${j.user.person_id}`, { headers: { Cookie: cookie } })).json();
  return { id: j.user.person_id, name: p.name };
}

/** Takes one action on one step through its dialog and waits for the step's new state. */
async function act(page, step, action, state, material) {
  await page.locator(`button[data-step="${step}"][data-action="${action}"]`).click();
  await page.locator('#action-dialog').waitFor();
  if (material) await page.locator('#action-dialog input[name="materials"]').check();
  await page.locator('#action-dialog button[type="submit"]').click();
  await page.locator(`#case-steps [data-step="${step}"][data-state="${state}"]`).waitFor();
}

test('an officer files a 一门受理 application, moves every step, and the veteran sees it complete', TIMEOUT, async () => {
  const veteran = await demoVeteran();
  const { context, page, clean } = await openPage();
  let caseId;
  try {
    await login(page, OFFICER);
    await page.goto(`${BASE}/#/cases`);
    await page.locator('#case-create').click();
    await page.locator('#case-dialog').waitFor();
    // submitting without an applicant is caught before anything is sent
    await page.locator('#case-dialog button[type="submit"]').click();
    await page.locator('#case-dialog .form-error, #case-dialog .field-error').first().waitFor();
    await page.locator('#case-person-q').fill(veteran.name);
    await page.locator(`#case-person-pick option[value="${veteran.id}"]`).waitFor({ state: 'attached' });
    await page.locator('#case-person-pick').selectOption(String(veteran.id));
    await page.locator('#case-note').fill('窗口受理（浏览器测试）');
    await page.locator('#case-dialog button[type="submit"]').click();
    await page.locator('#case-title').waitFor();
    caseId = Number(new URL(page.url()).hash.split('/').at(-1));
    assert.ok(caseId > 0);
    assert.equal(await page.locator('#case-steps tbody tr').count(), 7);
    await page.screenshot({ path: `${OUT}case-opened.png`, fullPage: true });

    for (const step of STEPS) {
      await act(page, step, 'accept', 'processing');
      await act(page, step, 'complete', 'done', step === 'hukou');
    }
    await page.locator('.page-actions [data-state="closed"]').waitFor();
    assert.match(await page.locator('#case-timeline').textContent(), /全部环节办结/);
    await clean();
  } finally {
    await context.close();
  }

  const v = await openPage();
  try {
    await login(v.page, PERSON);
    await v.page.goto(`${BASE}/#/my-cases`);
    await v.page.locator(`a.case-link[data-id="${caseId}"]`).click();
    await v.page.locator('#case-title').waitFor();
    assert.match(await v.page.locator('#case-progress').textContent(), /7 \/ 7/);
    assert.equal(await v.page.locator('#case-steps [data-state="done"]').count(), 7);
    assert.equal(await v.page.locator('#case-steps button[data-action]').count(), 0, 'the applicant only watches');
    await v.page.screenshot({ path: `${OUT}case-veteran.png`, fullPage: true });
    await v.clean();
  } finally {
    await v.context.close();
  }
});

test('the veteran files a 一门受理 application, the departments move every step, and the progress view completes', TIMEOUT, async () => {
  let caseId;
  const v = await openPage();
  try {
    await login(v.page, PERSON);
    await v.page.goto(`${BASE}/#/my-cases`);
    await v.page.locator('#case-apply').click();
    await v.page.locator('#apply-dialog').waitFor();
    await v.page.locator('#apply-note').fill('本人网上申请（浏览器测试）');
    await v.page.locator('#apply-dialog button[type="submit"]').click();
    await v.page.locator('#case-title').waitFor();
    caseId = Number(new URL(v.page.url()).hash.split('/').at(-1));
    assert.ok(caseId > 0);
    assert.match(await v.page.locator('#case-progress').textContent(), /0 \/ 7/);
    // the veteran hands in the 落户介绍信 as a file, for the household-registration step
    await v.page.locator('#case-upload').click();
    await v.page.locator('#upload-dialog').waitFor();
    await v.page.locator('#upload-file').setInputFiles({ name: '落户介绍信.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n%%EOF\n') });
    await v.page.locator('#upload-material').fill('落户介绍信');
    await v.page.locator('#upload-dialog button[type="submit"]').click();
    await v.page.locator('#case-attachments a.attachment-link').waitFor();
    await v.clean();
  } finally {
    await v.context.close();
  }

  const { context, page, clean } = await openPage();
  try {
    await login(page, OFFICER);
    await page.goto(`${BASE}/#/cases/${caseId}`);
    await page.locator('#case-title').waitFor();
    for (const step of STEPS) {
      await act(page, step, 'accept', 'processing');
      await act(page, step, 'complete', 'done'); // hukou: the uploaded letter is already ticked
    }
    await page.locator('.page-actions [data-state="closed"]').waitFor();
    await clean();
  } finally {
    await context.close();
  }

  const w = await openPage();
  try {
    await login(w.page, PERSON);
    await w.page.goto(`${BASE}/#/my-cases`);
    await w.page.locator(`a.case-link[data-id="${caseId}"]`).click();
    await w.page.locator('#case-title').waitFor();
    assert.match(await w.page.locator('#case-progress').textContent(), /7 \/ 7/);
    assert.equal(await w.page.locator('#case-steps [data-state="done"]').count(), 7);
    await w.page.locator('.page-actions [data-state="closed"]').waitFor();
    await w.page.screenshot({ path: `${OUT}case-veteran-own.png`, fullPage: true });
    await w.clean();
  } finally {
    await w.context.close();
  }
});

test('the department moves the steps it handles, the officer the rest, and the veteran sees the case complete', TIMEOUT, async () => {
  const veteran = await demoVeteran();
  const admin = await apiLogin(ADMIN);
  const dept = await apiLogin(DEPARTMENT);
  const mine = ['hukou', 'id_card']; // 恢复户口 and 身份证: the police's
  const opened = await fetch(`${BASE}/api/v1/cases`, {
    method: 'POST',
    headers: { Cookie: admin.cookie, 'X-CSRF-Token': admin.csrf, 'Content-Type': 'application/json' },
    body: JSON.stringify({ type: 'one_window', person_id: veteran.id, departments: { hukou: dept.user.org_id, id_card: dept.user.org_id }, note: '窗口受理（部门浏览器测试）' }),
  });
  assert.equal(opened.status, 201);
  const caseId = (await opened.json()).id;

  const d = await openPage();
  try {
    await login(d.page, DEPARTMENT);
    // its own inbox, without the bureau's supervision list
    await d.page.goto(`${BASE}/#/inbox`);
    await d.page.locator('#inbox-table').waitFor();
    assert.equal(await d.page.locator('#supervise-results').count(), 0);
    assert.ok((await d.page.locator('#inbox-table tbody tr').count()) > 0);
    await d.page.goto(`${BASE}/#/cases/${caseId}`);
    await d.page.locator('#case-title').waitFor();
    assert.equal(await d.page.locator('#case-steps tbody tr').count(), 7);
    // actions are offered on its own steps only
    const offered = await d.page.locator('#case-steps button[data-action]').evaluateAll((bs) => [...new Set(bs.map((b) => b.dataset.step))].sort());
    assert.deepEqual(offered, [...mine].sort());
    for (const step of mine) {
      await act(d.page, step, 'accept', 'processing');
      await act(d.page, step, 'complete', 'done', step === 'hukou');
    }
    assert.match(await d.page.locator('#case-progress').textContent(), /2 \/ 7/);
    assert.match(await d.page.locator('#case-timeline').textContent(), /职能部门/);
    await d.page.screenshot({ path: `${OUT}case-department.png`, fullPage: true });
    await d.clean();
  } finally {
    await d.context.close();
  }

  const o = await openPage();
  try {
    await login(o.page, OFFICER);
    await o.page.goto(`${BASE}/#/cases/${caseId}`);
    await o.page.locator('#case-title').waitFor();
    for (const step of STEPS.filter((s) => !mine.includes(s))) {
      await act(o.page, step, 'accept', 'processing');
      await act(o.page, step, 'complete', 'done');
    }
    await o.page.locator('.page-actions [data-state="closed"]').waitFor();
    await o.clean();
  } finally {
    await o.context.close();
  }

  const v = await openPage();
  try {
    await login(v.page, PERSON);
    await v.page.goto(`${BASE}/#/my-cases`);
    await v.page.locator(`a.case-link[data-id="${caseId}"]`).click();
    await v.page.locator('#case-title').waitFor();
    assert.match(await v.page.locator('#case-progress').textContent(), /7 \/ 7/);
    await v.clean();
  } finally {
    await v.context.close();
  }
});

test('the inbox and the admin\'s calendar render', TIMEOUT, async () => {
  const { context, page, clean } = await openPage();
  try {
    await login(page, ADMIN);
    await page.goto(`${BASE}/#/inbox`);
    await page.locator('#inbox-results table, #inbox-empty').first().waitFor();
    await page.locator('#supervise-results table, #supervise-empty').first().waitFor();
    await page.goto(`${BASE}/#/calendar?year=2093`);
    await page.locator('#calendar-empty').waitFor();
    await page.locator('#deadline-results table').first().waitFor();
    await clean();
  } finally {
    await context.close();
  }
});
