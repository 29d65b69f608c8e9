// Checks on the web/ sources that need no server or browser: the house rules
// that keep the UI safe under the CSP, and English/Chinese staying in step.
//
//   node --test tests/e2e/web-static.test.mjs
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB = fileURLToPath(new URL('../../web/', import.meta.url));

function sources(dir = WEB, out = []) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (name === 'vendor' || name === 'node_modules') continue;  // third-party, copied by the build
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.(js|mjs|html|css)$/.test(name)) out.push(p);
  }
  return out;
}

test('web sources avoid HTML injection sinks, inline styles and eval', () => {
  const rules = [
    [/\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write/, 'builds markup from strings (use h() from dom.js)'],
    [/\beval\s*\(|new\s+Function\s*\(|setTimeout\s*\(\s*['"`]/, 'evaluates strings as code (CSP forbids it)'],
    [/\sstyle\s*=|\.style\.|setAttribute\(\s*['"]style['"]|cssText/, 'sets inline styles (CSP style-src \'self\'; use classes)'],
    [/\son[a-z]+\s*=\s*["']/, 'inline event handler attribute (CSP script-src \'self\')'],
    [/https?:\/\/(?!www\.w3\.org\/2000\/svg)/, 'external URL (everything is served from the same origin)'],
  ];
  const problems = [];
  for (const file of sources()) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      if (/^\s*(\/\/|\*|\/\*)/.test(line)) return;  // comments may name what they avoid
      for (const [re, why] of rules) {
        if (re.test(line)) problems.push(`${relative(WEB, file)}:${i + 1}: ${why}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(problems, []);
});

test('index.html has no inline script or style', () => {
  const html = readFileSync(join(WEB, 'index.html'), 'utf8');
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    assert.match(m[1], /\bsrc=/, 'every <script> has src');
    assert.equal(m[2].trim(), '', 'no inline script body');
  }
  assert.doesNotMatch(html, /<style\b/, 'no <style> element');
});

test('Chinese and English dictionaries have the same keys and placeholders', async () => {
  const { DICT } = await import(new URL('../../web/js/i18n.js', import.meta.url));
  const placeholders = v => [...String(Array.isArray(v) ? v.join() : v).matchAll(/\{(\w+)\}/g)].map(m => m[1]).sort();
  const zhKeys = Object.keys(DICT.zh).sort();
  const enKeys = Object.keys(DICT.en).sort();
  assert.deepEqual(zhKeys.filter(k => !(k in DICT.en)), [], 'keys missing in en');
  assert.deepEqual(enKeys.filter(k => !(k in DICT.zh)), [], 'keys missing in zh');
  for (const k of zhKeys) {
    assert.deepEqual(placeholders(DICT.en[k]), placeholders(DICT.zh[k]), `placeholders of ${k}`);
    assert.equal(Array.isArray(DICT.en[k]), Array.isArray(DICT.zh[k]), `list-ness of ${k}`);
  }
});

test('every literal t(\'key\') and nav label_key exists in the dictionary', async () => {
  const { DICT } = await import(new URL('../../web/js/i18n.js', import.meta.url));
  const missing = [];
  for (const file of sources().filter(f => f.endsWith('.js'))) {
    const src = readFileSync(file, 'utf8');
    for (const m of src.matchAll(/\b(?:t|tl)\('([a-z0-9_.]+)'|label_key: '([a-z0-9_.]+)'/g)) {
      const key = m[1] || m[2];
      if (!(key in DICT.zh)) missing.push(`${relative(WEB, file)}: ${key}`);
    }
  }
  assert.deepEqual(missing, []);
});

test('every role has a label, a description and a duties list in both languages', async () => {
  const { DICT } = await import(new URL('../../web/js/i18n.js', import.meta.url));
  const { ROLES } = await import(new URL('../../web/js/nav.js', import.meta.url));
  for (const lang of ['zh', 'en']) {
    for (const r of ROLES) {
      assert.equal(typeof DICT[lang][`role.${r}`], 'string', `${lang} role.${r}`);
      assert.equal(typeof DICT[lang][`role.${r}.who`], 'string', `${lang} role.${r}.who`);
      assert.ok(Array.isArray(DICT[lang][`role.${r}.duties`]) && DICT[lang][`role.${r}.duties`].length, `${lang} role.${r}.duties`);
    }
  }
});
