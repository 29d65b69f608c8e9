// Shared by the browser tests: where the server is, the demo logins, one
// Chromium for the whole file, and a fresh page per test that records console
// errors and CSP violations.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export { makeIdNumber } from '../api/lib.mjs';

export const BASE = (process.env.SY_BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
export const ADMIN = { user: process.env.SY_ADMIN_USER || 'admin', pass: process.env.SY_ADMIN_PASS || 'admin-demo-2026' };
export const OFFICER = { user: process.env.SY_OFFICER_USER || 'officer.xinhua', pass: process.env.SY_OFFICER_PASS || 'officer-demo-2026' };
export const AUDITOR = { user: process.env.SY_AUDITOR_USER || 'auditor.xinhua', pass: process.env.SY_AUDITOR_PASS || 'auditor-demo-2026' };
export const MERCHANT = { user: process.env.SY_MERCHANT_USER || 'merchant', pass: process.env.SY_MERCHANT_PASS || 'merchant-demo-2026' };
export const DEPARTMENT = { user: process.env.SY_DEPARTMENT_USER || 'department', pass: process.env.SY_DEPARTMENT_PASS || 'department-demo-2026' };
export const PERSON = { user: process.env.SY_PERSON_USER || 'person', pass: process.env.SY_PERSON_PASS || 'person-demo-2026' };
export const OUT = fileURLToPath(new URL('./out/', import.meta.url));
export const TIMEOUT = { timeout: 90_000 };

let browser;

/** Launch Chromium before the file's tests and close it after. */
export function useBrowser() {

before(async () => {
  // Fail with one clear line instead of many timeouts when nothing is listening.
  try {
    await fetch(`${BASE}/`, { signal: AbortSignal.timeout(5000) });
  } catch (err) {
    throw new Error(`e2e: no server at ${BASE} (set SY_BASE_URL): ${err.cause?.code || err.message}`);
  }
  mkdirSync(OUT, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.SY_CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (browser) await browser.close();
});
}

/**
 * A fresh context per test, watching for page errors, console errors and CSP
 * violations; `clean()` asserts there were none.
 */
export async function openPage(options = {}) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 }, ...options });
  context.setDefaultTimeout(15_000);
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', e => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile || ''}:${e.lineNumber || ''}`);
    });
  });
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', err => problems.push(`pageerror: ${err.message}`));
  page.on('console', msg => {
    if (msg.type() !== 'error') return;
    const url = msg.location()?.url || '';
    // The start-up session check answers 401 before login by contract.
    if (/Failed to load resource.*401/.test(msg.text()) && url.endsWith('/api/v1/auth/me')) return;
    // Validation answers (400) are expected where a test provokes them on purpose.
    if (/Failed to load resource.*400/.test(msg.text()) && /\/api\/v1\/(people(\?|$)|imports\/|merchants$)/.test(url)) return;
    // A second use of a once-a-day offer is refused (409) where a test provokes it.
    if (/Failed to load resource.*409/.test(msg.text()) && url.endsWith('/api/v1/services')) return;
    problems.push(`console: ${msg.text()} @ ${url}`);
  });
  const clean = async () => {
    assert.deepEqual(await page.evaluate(() => window.__cspViolations || []), [], 'no CSP violations');
    assert.deepEqual(problems, [], 'no console errors');
  };
  return { context, page, clean };
}

export async function login(page, { user, pass }) {
  await page.goto(`${BASE}/#/login`);
  await page.locator('#login-username').fill(user);
  await page.locator('#login-password').fill(pass);
  await page.locator('#login-submit').click();
  await page.locator('#home-title').waitFor();
}

/**
 * On the offline verifier (#/offline-verify): type or paste a scanned code,
 * press Enter, and read the answer's result code (ok, revoked, bad_signature …).
 */
export async function checkOffline(page, text) {
  await page.locator('#offline-code').fill(text);
  await page.locator('#offline-code').press('Enter');
  await page.locator('#offline-answer').waitFor();
  return page.locator('#offline-answer').getAttribute('data-result');
}
