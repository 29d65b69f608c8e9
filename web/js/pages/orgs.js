// Organisations (all roles, scoped by the server): filter by type, area and
// name, page, export. Creating and editing organisations, and association
// membership, arrive with later modules; the page says so.
import { h, mount, select } from '../dom.js';
import { t } from '../i18n.js';
import { get, exportUrl } from '../api.js';
import { loadRegionSelect } from '../lookups.js';
import {
  emptyState, errorState, field, dataTable, CursorPager, pagerBar, resultsArea, pageHeader, exportLinks,
} from '../ui.js';

export const ORG_TYPES = ['unit', 'department', 'merchant', 'association', 'hospital', 'bank', 'school', 'employer',
  'training_base', 'supply_station'];

export const orgTypeLabel = type => t(`orgs.type.${type}`, null, type || '');

export function render(ctx) {
  ctx.setTitle(t('orgs.title'));
  const filters = { q: ctx.query.get('q') || '', type: ctx.query.get('type') || '', region: ctx.query.get('region') || '' };
  if (filters.type && !ORG_TYPES.includes(filters.type)) filters.type = '';
  const pager = new CursorPager();

  const qInput = h('input', { id: 'orgs-q', name: 'q', type: 'search', value: filters.q, autocomplete: 'off',
    placeholder: t('orgs.q_placeholder'), maxlength: '64' });
  const typeSel = select({ id: 'orgs-type', name: 'type' },
    [{ value: '', label: t('orgs.all_types') }, ...ORG_TYPES.map(ty => ({ value: ty, label: orgTypeLabel(ty) }))], filters.type);
  const regionSel = select({ id: 'orgs-region', name: 'region' }, [{ value: '', label: t('orgs.all_regions') },
    ...(filters.region ? [{ value: filters.region, label: filters.region }] : [])], filters.region);
  // Organisation roles see only their own organisation: an area filter means nothing to them.
  const byRegion = !!ctx.user.region_code && !ctx.user.org_id;
  if (byRegion) loadRegionSelect(regionSel, t('orgs.all_regions'), filters.region, ctx.user.region_code);

  const filterForm = h('form', { id: 'orgs-filter', class: 'filter-bar', role: 'search', 'aria-label': t('common.filters') },
    field(t('orgs.q'), qInput),
    field(t('orgs.filter.type'), typeSel),
    byRegion ? field(t('orgs.filter.region'), regionSel) : null,
    h('div', { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'orgs-search' }, t('common.search')),
      h('button', { type: 'button', class: 'btn', onclick: resetFilters }, t('common.reset'))));
  filterForm.addEventListener('submit', e => { e.preventDefault(); applyFilters(); });
  typeSel.addEventListener('change', applyFilters);
  regionSel.addEventListener('change', applyFilters);

  const exportsBox = h('div', { class: 'toolbar' });
  const results = h('div', { id: 'orgs-results', class: 'results' });

  mount(ctx.main,
    pageHeader(t('orgs.title')),
    h('p', { class: 'page-intro', id: 'orgs-note' }, t('orgs.building_note')),
    filterForm, exportsBox, results);

  function applyFilters() {
    filters.q = qInput.value.trim();
    filters.type = typeSel.value;
    filters.region = byRegion ? regionSel.value : '';
    ctx.setQuery(filters);
    pager.reset();
    load();
  }

  function resetFilters() {
    qInput.value = '';
    typeSel.value = '';
    regionSel.value = '';
    applyFilters();
  }

  async function load() {
    mount(exportsBox, exportLinks('orgs', exportUrl('/orgs', filters, 'csv'), exportUrl('/orgs', filters, 'xlsx')));
    const show = resultsArea(results);
    try {
      const data = await get('/orgs', { ...filters, limit: 50, cursor: pager.cursor });
      if (!ctx.alive()) return;
      const items = (data && data.items) || [];
      pager.next = (data && data.next) || null;
      if (!items.length && !pager.hasPrev) { show(emptyState(t('orgs.empty'), 'orgs-empty')); return; }
      show(dataTable(columns(), items, { id: 'orgs-table', caption: t('orgs.title') }),
        pagerBar(pager, items.length, load, 'orgs'));
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, load));
    }
  }

  load();
}

function columns() {
  const coord = v => (v === null || v === undefined ? null : Number(v).toFixed(4));
  return [
    { label: t('orgs.col.name'), cell: o => h('strong', null, o.name) },
    { label: t('orgs.col.type'), class: 'nowrap', cell: o => h('span', { class: 'badge badge-type', dataset: { type: o.type } }, orgTypeLabel(o.type)) },
    { label: t('orgs.col.region'), class: 'nowrap', cell: o => o.region_name || o.region_code || t('common.none') },
    { label: t('orgs.col.address'), cell: o => o.address || t('common.none') },
    { label: t('orgs.col.location'), class: 'nowrap', cell: o => (coord(o.lat) !== null && coord(o.lon) !== null
      ? h('span', { class: 'mono' }, `${coord(o.lat)}, ${coord(o.lon)}`) : t('common.none')) },
  ];
}
