// Shared widgets: toasts, loading/empty/error states, dialogs, tables, form
// fields, paging. Pages compose these so every page behaves the same way.
import { h, mount } from './dom.js';
import { t, acceptLanguage } from './i18n.js';
import { ApiError } from './api.js';

// ---------- toasts ----------

/** Short message in the corner; errors stay longer and are announced assertively. */
export function toast(message, kind = 'error') {
  const box = document.getElementById('toasts');
  if (!box) return;
  const item = h('div', { class: ['toast', `toast-${kind}`], role: kind === 'error' ? 'alert' : 'status' },
    h('span', { class: 'toast-text' }, message),
    h('button', { type: 'button', class: 'toast-close', 'aria-label': t('common.close'), onclick: () => item.remove() }, '×'));
  box.appendChild(item);
  // A burst of messages should not cover the page: keep the newest few.
  while (box.children.length > 4) box.firstElementChild.remove();
  setTimeout(() => item.remove(), kind === 'error' ? 8000 : 4000);
}

// ---------- states ----------

export const loading = () =>
  h('div', { class: 'state state-loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), t('common.loading'));

export const emptyState = (text, id) => h('div', { class: 'state state-empty', id }, text);

/** Error panel; 403 gets the fixed "无权访问" wording whatever the server said. */
export function errorState(err, onRetry) {
  const forbidden = err && err.status === 403;
  return h('div', { class: 'state state-error', role: 'alert' },
    h('strong', null, forbidden ? t('error.forbidden') : t('error.load')),
    h('span', null, forbidden ? (err.message || t('error.forbidden_detail')) : (err && err.message) || ''),
    onRetry && !forbidden ? h('button', { type: 'button', class: 'btn', onclick: onRetry }, t('common.retry')) : null);
}

// ---------- forms ----------

let fieldSeq = 0;

/** Label + control (+ hint). The control gets an id if it has none, for <label for>. */
export function field(label, control, hint) {
  if (!control.id) control.id = `f${++fieldSeq}`;
  let hintEl = null;
  if (hint) {
    hintEl = h('small', { class: 'hint', id: `${control.id}-hint` }, hint);
    control.setAttribute('aria-describedby', hintEl.id);
  }
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl);
}

/**
 * Shows an error: under the offending input when the error names one (by the
 * input's name, which is the API's field name), else in the form's alert area.
 */
export function showFormError(form, err) {
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  for (const el of form.querySelectorAll('.field-error')) {
    const owner = el.dataset.for && form.querySelector(`#${CSS.escape(el.dataset.for)}`);
    if (owner) unlinkDescription(owner, el.id);
    el.remove();
  }
  let input = err && err.field ? form.elements.namedItem(err.field) : null;
  if (input && !input.setAttribute) input = null;  // several controls share the name: no single place
  const box = form.querySelector('.form-error');
  if (box) box.textContent = err && !input ? err.message : '';
  if (!input) return;
  if (!input.id) input.id = `f${++fieldSeq}`;
  input.setAttribute('aria-invalid', 'true');
  const msg = h('p', { class: 'field-error', id: `${input.id}-error`, role: 'alert', dataset: { for: input.id } }, err.message);
  const holder = input.closest('.field') || (input.tagName === 'FIELDSET' ? input : input.parentNode);
  holder.appendChild(msg);
  input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), msg.id].filter(Boolean).join(' '));
  if (typeof input.focus === 'function') input.focus();
}

function unlinkDescription(el, id) {
  const rest = (el.getAttribute('aria-describedby') || '').split(/\s+/).filter(x => x && x !== id);
  if (rest.length) el.setAttribute('aria-describedby', rest.join(' '));
  else el.removeAttribute('aria-describedby');
}

/** A client-side validation error shaped like the server's. */
export const fieldError = (field, message) => ({ message, field });

// ---------- dialogs ----------

/**
 * Modal dialog with a form. `onSubmit(form)` may throw (ApiError or fieldError)
 * to keep the dialog open with the message shown; resolving closes it.
 * Returns {dialog, form, close}.
 */
export function openDialog({ title, body, submitLabel, cancelLabel, onSubmit, id, danger = false, dismissable = true }) {
  const errorBox = h('p', { class: 'form-error', role: 'alert' });
  const submit = h('button', { type: 'submit', class: ['btn', danger ? 'btn-danger' : 'btn-primary'] }, submitLabel || t('common.save'));
  const cancel = cancelLabel === null ? null
    : h('button', { type: 'button', class: 'btn', onclick: () => close() }, cancelLabel || t('common.cancel'));
  const form = h('form', { class: 'dialog-form', novalidate: true },
    h('h2', { class: 'dialog-title' }, title),
    h('div', { class: 'dialog-body' }, body),
    errorBox,
    h('div', { class: 'dialog-actions' }, cancel, submit));
  const dialog = h('dialog', { class: 'dialog', id, 'aria-label': title }, form);

  const close = () => { if (dialog.open) dialog.close(); };
  dialog.addEventListener('close', () => dialog.remove());
  dialog.addEventListener('cancel', e => { if (!dismissable) e.preventDefault(); });

  form.addEventListener('submit', async e => {
    e.preventDefault();
    if (submit.disabled) return;
    showFormError(form, null);
    submit.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      if (onSubmit) await onSubmit(form);
      close();
    } catch (err) {
      showFormError(form, err);
    } finally {
      submit.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });

  document.body.appendChild(dialog);
  dialog.showModal();
  return { dialog, form, close };
}

/** Yes/no question; resolves true when confirmed. */
export function confirmDialog(message, { okLabel, danger = true } = {}) {
  return new Promise(resolve => {
    let ok = false;
    const { dialog } = openDialog({
      title: t('common.confirm'),
      body: h('p', null, message),
      submitLabel: okLabel || t('common.confirm'),
      danger,
      id: 'confirm-dialog',
      onSubmit: () => { ok = true; },
    });
    dialog.addEventListener('close', () => resolve(ok));
  });
}

// ---------- tables and paging ----------

/**
 * columns: [{label, cell: row => node|string, class?}]
 * Each cell carries data-label so the phone layout can show it as "label: value".
 */
export function dataTable(columns, rows, { id, caption } = {}) {
  return h('div', { class: 'table-wrap' },
    h('table', { class: 'data-table', id },
      caption ? h('caption', { class: 'visually-hidden' }, caption) : null,
      h('thead', null, h('tr', null, columns.map(c => h('th', { scope: 'col', class: c.class }, c.label)))),
      h('tbody', null, rows.map(row =>
        h('tr', null, columns.map(c => h('td', { class: c.class, 'data-label': c.label }, c.cell(row))))))));
}

/**
 * Cursor paging: the API only gives "next", so we keep the cursors we came
 * through to offer "previous" as well.
 */
export class CursorPager {
  constructor() { this.stack = []; this.cursor = ''; this.next = null; }
  reset() { this.stack = []; this.cursor = ''; this.next = null; }
  forward() { this.stack.push(this.cursor); this.cursor = this.next || ''; }
  back() { this.cursor = this.stack.pop() || ''; }
  get hasPrev() { return this.stack.length > 0; }
  get hasNext() { return !!this.next; }
}

export function pagerBar(pager, count, onMove, idPrefix) {
  return h('nav', { class: 'pager', 'aria-label': t('common.paging') },
    h('span', { class: 'pager-count' }, t('common.page_results', { n: count })),
    h('button', { type: 'button', class: 'btn', id: `${idPrefix}-prev`, disabled: !pager.hasPrev,
      onclick: () => { pager.back(); onMove(); } }, t('common.prev')),
    h('button', { type: 'button', class: 'btn', id: `${idPrefix}-next`, disabled: !pager.hasNext,
      onclick: () => { pager.forward(); onMove(); } }, t('common.next')));
}

/** Replaces a results area with a loading indicator, returns a setter for the outcome. */
export function resultsArea(el) {
  mount(el, loading());
  el.setAttribute('aria-busy', 'true');
  return (...nodes) => { el.removeAttribute('aria-busy'); mount(el, ...nodes); };
}

/** Page header: title plus optional action buttons on the right. */
export const pageHeader = (title, ...actions) =>
  h('div', { class: 'page-header' }, h('h1', { class: 'page-title' }, title), h('div', { class: 'page-actions' }, actions));

/** Download links that carry the page's current filters. */
export const exportLinks = (idPrefix, csvUrl, xlsxUrl) =>
  h('div', { class: 'export-links' },
    h('a', { class: 'btn btn-link', id: `${idPrefix}-export-csv`, href: csvUrl, download: '' }, t('common.export_csv')),
    h('a', { class: 'btn btn-link', id: `${idPrefix}-export-xlsx`, href: xlsxUrl, download: '' }, t('common.export_xlsx')));

/**
 * Drop-down menu of actions (links or buttons) behind one button; a
 * <details> element, so it opens without script and closes after a choice.
 */
export function menuButton(label, id, items) {
  // A plain group of buttons (no role=menu: that would promise arrow-key handling).
  const list = h('div', { class: 'menu-list' }, items.filter(Boolean).map(it => {
    it.classList.add('menu-item');
    return it;
  }));
  const menu = h('details', { class: 'menu', id }, h('summary', { class: 'btn' }, label), list);
  list.addEventListener('click', () => { menu.open = false; });
  const outside = e => { if (menu.open && !menu.contains(e.target)) menu.open = false; };
  menu.addEventListener('toggle', () => {
    if (menu.open) document.addEventListener('click', outside);
    else document.removeEventListener('click', outside);
  });
  return menu;
}

/**
 * Fetches a file (an export) and hands it to the browser as a download, so
 * that a refusal (a missing reason, no permission) comes back as an ApiError
 * the caller can show, instead of a downloaded error page.
 */
export async function downloadFile(url, fallbackName) {
  let res;
  try {
    res = await fetch(url, { credentials: 'same-origin', cache: 'no-store',
      headers: { 'Accept-Language': acceptLanguage() } });
  } catch {
    throw new ApiError(0, 'network', t('error.network'));
  }
  if (!res.ok) {
    let e = {};
    try { e = ((await res.json()) || {}).error || {}; } catch { /* not JSON */ }
    throw new ApiError(res.status, e.code || `http_${res.status}`, e.message || t('error.http', { status: res.status }), e.field);
  }
  const blob = await res.blob();
  const m = /filename="?([^";]+)"?/.exec(res.headers.get('Content-Disposition') || '');
  const href = URL.createObjectURL(blob);
  const a = h('a', { href, download: m ? m[1] : fallbackName, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
}

/** A titled panel of a record's page (a person, an organisation), with an optional action button. */
export function section(key, title, action, body) {
  return h('section', { class: 'panel person-section', id: `sec-${key}`, 'aria-labelledby': `sec-${key}-title` },
    h('div', { class: 'section-head' }, h('h2', { id: `sec-${key}-title` }, title), action),
    body);
}
