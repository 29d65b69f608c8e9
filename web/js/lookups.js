// Reference data used by several forms: regions (a small, stable tree, fetched
// once per language) and organisations (many; searched on demand).
import { h, fillSelect } from './dom.js';
import { t, getLang } from './i18n.js';
import { get } from './api.js';

let regionCache = null; // {lang, promise}

/** Regions in tree order, each with `depth` (0 = city) for indenting. */
export function getRegions() {
  if (!regionCache || regionCache.lang !== getLang()) {
    const promise = get('/regions').then(data => treeOrder((data && data.items) || []));
    promise.catch(() => { regionCache = null; });  // retry next time instead of caching a failure
    regionCache = { lang: getLang(), promise };
  }
  return regionCache.promise;
}

function treeOrder(items) {
  const byCode = new Map(items.map(r => [r.code, r]));
  const kids = new Map();
  const roots = [];
  for (const r of items) {
    if (r.parent_code && byCode.has(r.parent_code)) {
      if (!kids.has(r.parent_code)) kids.set(r.parent_code, []);
      kids.get(r.parent_code).push(r);
    } else roots.push(r);
  }
  const out = [];
  const walk = (r, depth) => {
    out.push({ ...r, depth });
    for (const k of (kids.get(r.code) || []).sort((a, b) => a.code.localeCompare(b.code))) walk(k, depth + 1);
  };
  roots.sort((a, b) => a.code.localeCompare(b.code)).forEach(r => walk(r, 0));
  return out;
}

/** <option>s for a region select; the ideographic space indents without markup. */
export const regionOptions = (regions, emptyLabel) => [
  ...(emptyLabel !== undefined ? [{ value: '', label: emptyLabel }] : []),
  ...regions.map(r => ({ value: r.code, label: '\u3000'.repeat(r.depth) + r.name })),
];

/**
 * The regions at or under `code` (a user's scope), in tree order, with depth
 * counted from there. No code, or one not in the list: all of them.
 */
export function regionsWithin(regions, code) {
  const root = code && regions.find(r => r.code === code);
  if (!root) return regions;
  const parent = new Map(regions.map(r => [r.code, r.parent_code]));
  const inside = r => {
    for (let c = r.code; c; c = parent.get(c)) if (c === code) return true;
    return false;
  };
  return regions.filter(inside).map(r => ({ ...r, depth: r.depth - root.depth }));
}

/**
 * Fills a region <select> once regions arrive; keeps `selected`. With
 * `within`, offers only that region and the ones under it.
 */
export function loadRegionSelect(sel, emptyLabel, selected, within) {
  return getRegions().then(regions => {
    fillSelect(sel, regionOptions(regionsWithin(regions, within), emptyLabel), selected ?? sel.value);
    return regions;
  }).catch(() => { /* the select keeps its placeholder; the save will report problems */ });
}

/**
 * Organisation chooser: a search box plus a select of up to 50 matches of one
 * type. `el` is the widget; `setType(type)` switches the type (or hides the
 * widget for null); `value()` is the chosen org id or null.
 */
export function orgPicker({ idPrefix, selectedId = null, selectedName = null, label = null, fieldName = 'org_id' }) {
  let type = null;
  let timer = null;
  let seq = 0;
  const search = h('input', { id: `${idPrefix}-org-q`, type: 'search', autocomplete: 'off', class: 'org-search' });
  const sel = h('select', { id: `${idPrefix}-org`, name: fieldName });
  const status = h('small', { class: 'hint', 'aria-live': 'polite' });
  const el = h('div', { class: 'field org-picker', hidden: true },
    h('label', { for: sel.id }, label || t('users.field.org')),
    h('div', { class: 'org-picker-row' },
      h('label', { for: search.id, class: 'visually-hidden' }, t('users.field.org_search')),
      search, sel),
    status);
  search.placeholder = t('users.field.org_search');

  async function refresh() {
    const mine = ++seq;
    const keep = sel.value || (selectedId != null ? String(selectedId) : '');
    status.textContent = t('common.loading');
    try {
      const data = await get('/orgs', { type, q: search.value.trim(), limit: 50 });
      if (mine !== seq) return;  // a newer search already answered
      const items = (data && data.items) || [];
      const opts = [{ value: '', label: t('users.org_none') }, ...items.map(o => ({ value: o.id, label: o.name }))];
      // Keep the current organisation selectable even when the search does not list it.
      if (selectedId != null && !items.some(o => String(o.id) === String(selectedId))) {
        opts.splice(1, 0, { value: selectedId, label: selectedName || `#${selectedId}` });
      }
      fillSelect(sel, opts, keep);
      status.textContent = items.length ? '' : t('users.org_no_match');
    } catch (err) {
      if (mine === seq) status.textContent = err.message;
    }
  }

  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 300);  // do not query on every keystroke
  });
  search.addEventListener('keydown', e => { if (e.key === 'Enter') { e.preventDefault(); clearTimeout(timer); refresh(); } });

  return {
    el,
    setType(next) {
      el.hidden = !next;
      if (next && next !== type) { type = next; refresh(); }
      if (!next) type = null;
    },
    value: () => (el.hidden || !sel.value ? null : Number(sel.value)),
  };
}

/**
 * Person chooser (for family links): a search box using the people search
 * (name, last 4+ ID digits, phone) and a select of up to 20 matches.
 * `value()` is the chosen person's id or null.
 */
export function personPicker({ idPrefix, excludeId = null, label, fieldName = 'relative_id' }) {
  let timer = null;
  let seq = 0;
  const search = h('input', { id: `${idPrefix}-q`, type: 'search', autocomplete: 'off', maxlength: '64',
    placeholder: t('people.q_placeholder') });
  const sel = h('select', { id: `${idPrefix}-pick`, name: fieldName },
    h('option', { value: '' }, t('person.fam.choose')));
  const status = h('small', { class: 'hint', 'aria-live': 'polite' }, t('person.fam.type_more'));
  const el = h('div', { class: 'field person-picker' },
    h('label', { for: sel.id }, label),
    h('div', { class: 'org-picker-row' },
      h('label', { for: search.id, class: 'visually-hidden' }, t('person.fam.find')),
      search, sel),
    status);

  async function refresh() {
    const q = search.value.trim();
    const mine = ++seq;
    if (!q) { status.textContent = t('person.fam.type_more'); return; }
    status.textContent = t('common.loading');
    try {
      const data = await get('/people', { q, limit: 20 });
      if (mine !== seq) return;  // a newer search already answered
      const items = ((data && data.items) || []).filter(p => String(p.id) !== String(excludeId));
      const keep = sel.value;
      fillSelect(sel, [{ value: '', label: t('person.fam.choose') }, ...items.map(p => ({
        value: p.id,
        label: `${p.name}（${p.id_number || ''}${p.birth_date ? `，${p.birth_date}` : ''}）`,
      }))], keep);
      if (items.length === 1) sel.value = String(items[0].id);
      status.textContent = items.length ? t('person.fam.found', { n: items.length }) : t('person.fam.none_found');
    } catch (err) {
      if (mine === seq) status.textContent = err.message;
    }
  }

  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(refresh, 350);  // do not query on every keystroke
  });
  search.addEventListener('keydown', e => { if (e.key === 'Enter') { e.preventDefault(); clearTimeout(timer); refresh(); } });

  return { el, search, value: () => (sel.value ? Number(sel.value) : null) };
}
