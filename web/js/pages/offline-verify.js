// 离线核验: a merchant's phone checks a scanned e-card code with no call to the
// server. One sync (with the network on) stores the public keys, the signed
// revocation list and the category names (web/js/offline.js verifies them);
// after that a code is checked on the device: signature, times, revocation.
// A hardware scanner types the code into the field and presses Enter; the
// answer is shown in large type. The age of the list is always shown.
import { h, mount } from '../dom.js';
import { t, getLang, fmtTime } from '../i18n.js';
import { get } from '../api.js';
import { pageHeader } from '../ui.js';
import { REASONS, loadState, sync, verifyCode } from '../offline.js';
import { categoryLabel } from './people.js';
import { cardNumber } from './cards.js';

/** "3 分钟前" / "3 minutes ago" for an age in seconds. */
function ageText(seconds) {
  if (seconds < 60) return t('offline.age_now');
  if (seconds < 3600) return t('offline.age_min', { n: Math.floor(seconds / 60) });
  if (seconds < 86400) return t('offline.age_hour', { n: Math.floor(seconds / 3600) });
  return t('offline.age_day', { n: Math.floor(seconds / 86400) });
}

export function render(ctx) {
  ctx.setTitle(t('offline.title'));
  let state = null;
  let ageTimer = null;

  const status = h('div', { id: 'offline-status', class: 'offline-status', 'aria-live': 'polite' });
  const syncBtn = h('button', { type: 'button', class: 'btn btn-primary', id: 'offline-sync', onclick: doSync }, t('offline.sync'));
  const input = h('textarea', { id: 'offline-code', name: 'code', rows: '3', autocomplete: 'off', autocapitalize: 'characters',
    spellcheck: 'false', placeholder: t('offline.code_placeholder'), class: 'offline-code mono' });
  const verdict = h('div', { id: 'offline-verdict', class: 'offline-verdict', 'aria-live': 'assertive' });
  const form = h('form', { id: 'offline-form', class: 'offline-form' },
    h('label', { for: 'offline-code' }, t('offline.code')), input,
    h('div', { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary btn-big', id: 'offline-check' }, t('offline.check')),
      h('button', { type: 'button', class: 'btn', id: 'offline-clear', onclick: clear }, t('offline.clear'))));
  form.addEventListener('submit', e => { e.preventDefault(); check(); });
  // A scanner ends its text with Enter: check at once (the code itself has no line breaks).
  input.addEventListener('keydown', e => { if (e.key === 'Enter') { e.preventDefault(); check(); } });

  mount(ctx.main, h('div', { class: 'offline-page' },
    pageHeader(t('offline.title'), syncBtn), h('p', { class: 'hint' }, t('offline.intro')), status, form, verdict));

  function showStatus(error) {
    clearInterval(ageTimer);
    if (!state) {
      mount(status, h('div', { class: 'state state-error', id: 'offline-not-synced' },
        h('strong', null, error || t('offline.not_synced')), h('span', null, t('offline.not_synced_hint'))));
      return;
    }
    const line = h('span', { id: 'offline-age' });
    const update = () => {
      const now = Math.floor(Date.now() / 1000);
      const stale = now >= state.list.nextUpdate;
      line.textContent = t('offline.list_line', { age: ageText(now - state.list.issuedAt), count: state.list.count,
        synced: fmtTime(new Date(state.syncedAt * 1000).toISOString()) });
      status.dataset.stale = stale ? 'true' : 'false';
      staleNote.hidden = !stale;
    };
    const staleNote = h('strong', { id: 'offline-stale', class: 'offline-stale' }, t('offline.stale'));
    mount(status, h('div', { class: ['panel', 'offline-synced'] }, line, staleNote, error ? h('p', { class: 'offline-sync-error', id: 'offline-sync-error' }, error) : null));
    update();
    ageTimer = setInterval(() => { if (ctx.alive()) update(); else clearInterval(ageTimer); }, 30_000);
  }

  async function doSync() {
    syncBtn.disabled = true;
    try {
      state = await sync(path => get(path.replace(/^\/api\/v1/, '')));
      if (ctx.alive()) showStatus();
    } catch (err) {
      if (!ctx.alive() || err.status === 401) return;
      const msg = err.code === 'bad_list' ? t('offline.bad_list') : err.code === 'old_list' ? t('offline.old_list')
        : err.status ? err.message : t('offline.offline_now');
      showStatus(msg); // the list held (if any) stays in use
    } finally {
      syncBtn.disabled = false;
    }
  }

  function clear() {
    input.value = '';
    mount(verdict);
    input.focus();
  }

  async function check() {
    // Scanners and pasting may add a line break at the end; base45 itself may end in a space, so only line breaks go.
    const text = input.value.replace(/[\r\n]+$/, '');
    if (!text) return;
    const r = await verifyCode(text, state);
    if (!ctx.alive()) return;
    const en = getLang() === 'en';
    // A printed code is valid with a condition: "valid" in large type, the ID check on its own line.
    const shown = r.result === 'check_id' ? REASONS.ok : r;
    const words = en ? shown.en : shown.zh;
    mount(verdict, h('div', { class: ['offline-answer', r.valid ? 'answer-ok' : 'answer-no'], id: 'offline-answer',
      dataset: { result: r.result } },
      h('div', { class: 'answer-mark', 'aria-hidden': 'true' }, r.valid ? '✓' : '✗'),
      h('div', { class: 'answer-words', id: 'offline-answer-words' }, words),
      r.result === 'check_id' ? h('div', { class: 'answer-check-id', id: 'offline-check-id' }, t('offline.check_id')) : null,
      r.card_number ? h('div', { class: 'answer-card mono', id: 'offline-answer-card' }, cardNumber(r.card_number)) : null,
      r.categories && r.categories.length ? h('div', { class: 'answer-cats', id: 'offline-answer-cats' },
        r.categories.map(c => categoryLabel(c.code, { label_zh: c.zh, label_en: c.en })).join('、')) : null,
      r.list_stale ? h('div', { class: 'offline-stale' }, t('offline.stale')) : null));
  }

  (async () => {
    state = await loadState().catch(() => null);
    if (ctx.alive()) showStatus();
  })();
  input.focus();
  return () => clearInterval(ageTimer);
}
