// Audit log (admin, auditor): filter, page, export, and verify the hash chain.
import { h, mount } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { get, exportUrl } from '../api.js';
import { getRegions } from '../lookups.js';
import {
  emptyState, errorState, field, dataTable, CursorPager, pagerBar, resultsArea, pageHeader, exportLinks,
} from '../ui.js';

const FILTERS = ['action', 'actor', 'object_type', 'from', 'to'];

export function render(ctx) {
  ctx.setTitle(t('audit.title'));
  const filters = Object.fromEntries(FILTERS.map(k => [k, ctx.query.get(k) || '']));
  const pager = new CursorPager();

  const inputs = {
    action: h('input', { id: 'audit-action', name: 'action', type: 'text', maxlength: '64', value: filters.action }),
    actor: h('input', { id: 'audit-actor', name: 'actor', type: 'text', maxlength: '64', value: filters.actor }),
    object_type: h('input', { id: 'audit-object-type', name: 'object_type', type: 'text', maxlength: '64', value: filters.object_type }),
    from: h('input', { id: 'audit-from', name: 'from', type: 'date', value: filters.from }),
    to: h('input', { id: 'audit-to', name: 'to', type: 'date', value: filters.to }),
  };
  const filterForm = h('form', { id: 'audit-filter', class: 'filter-bar', role: 'search', 'aria-label': t('common.filters') },
    FILTERS.map(k => field(t(`audit.filter.${k}`), inputs[k])),
    h('div', { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'audit-search' }, t('common.search')),
      h('button', { type: 'button', class: 'btn', onclick: () => { FILTERS.forEach(k => { inputs[k].value = ''; }); apply(); } },
        t('common.reset'))));
  filterForm.addEventListener('submit', e => { e.preventDefault(); apply(); });

  const verifyBtn = h('button', { type: 'button', class: 'btn', id: 'audit-verify', onclick: verify }, t('audit.verify'));
  const verifyResult = h('div', { id: 'audit-verify-result', class: 'verify-result', role: 'status', hidden: true });
  const exportsBox = h('div', { class: 'toolbar' });
  const results = h('div', { id: 'audit-results', class: 'results' });

  mount(ctx.main, pageHeader(t('audit.title'), verifyBtn), verifyResult, filterForm, exportsBox, results);

  function apply() {
    for (const k of FILTERS) filters[k] = inputs[k].value.trim();
    ctx.setQuery(filters);
    pager.reset();
    load();
  }

  async function load() {
    mount(exportsBox, exportLinks('audit', exportUrl('/audit', filters, 'csv'), exportUrl('/audit', filters, 'xlsx')));
    const show = resultsArea(results);
    try {
      // Rows carry only a region code; names come from the region list.
      const [data, regionNames] = await Promise.all([
        get('/audit', { ...filters, limit: 50, cursor: pager.cursor }),
        getRegions().then(rs => new Map(rs.map(r => [r.code, r.name]))).catch(() => new Map()),
      ]);
      if (!ctx.alive()) return;
      const items = (data && data.items) || [];
      pager.next = (data && data.next) || null;
      if (!items.length && !pager.hasPrev) { show(emptyState(t('audit.empty'), 'audit-empty')); return; }
      show(dataTable(columns(regionNames), items, { id: 'audit-table', caption: t('audit.title') }),
        pagerBar(pager, items.length, load, 'audit'));
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, load));
    }
  }

  async function verify() {
    verifyBtn.disabled = true;
    verifyResult.hidden = false;
    verifyResult.className = 'verify-result';
    verifyResult.textContent = t('audit.verifying');
    try {
      const r = await get('/audit/verify');
      if (!ctx.alive()) return;
      verifyResult.classList.add(r.ok ? 'verify-ok' : 'verify-broken');
      verifyResult.textContent = r.ok
        ? t('audit.verify_ok', { rows: r.rows })
        : t('audit.verify_broken', { id: r.broken_at, rows: r.rows, reason: r.reason || '' });
    } catch (err) {
      if (!ctx.alive()) return;
      verifyResult.classList.add('verify-broken');
      verifyResult.textContent = err.message;
    } finally {
      verifyBtn.disabled = false;
    }
  }

  load();
}

function columns(regionNames) {
  return [
    { label: t('audit.col.at'), class: 'nowrap', cell: r => fmtTime(r.at) },
    { label: t('audit.col.actor'), cell: r => r.actor ?? t('common.none') },
    { label: t('audit.col.action'), class: 'nowrap', cell: r => h('span', { title: r.action }, t(`audit.action.${r.action}`, null, r.action)) },
    { label: t('audit.col.object'), class: 'nowrap', cell: r => (r.object_type
      ? `${t(`audit.object.${r.object_type}`, null, r.object_type)}${r.object_id != null ? ` #${r.object_id}` : ''}` : t('common.none')) },
    { label: t('audit.col.region'), cell: r => regionNames.get(r.region_code) || r.region_code || t('common.none') },
    // The detail is whatever the server recorded; shown as JSON text, never as markup.
    { label: t('audit.col.detail'), class: 'detail', cell: r => (r.detail && Object.keys(r.detail).length
      ? h('code', { class: 'detail-json' }, JSON.stringify(r.detail)) : t('common.none')) },
    { label: t('audit.col.ip'), class: 'mono', cell: r => r.ip || t('common.none') },
    { label: t('audit.col.hash'), class: 'mono', cell: r => (r.hash ? h('span', { title: r.hash }, `${String(r.hash).slice(0, 12)}…`) : '') },
  ];
}
