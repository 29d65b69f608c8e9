// Coverage of the 10-minute circle (拥军圈覆盖): per county, the card holders
// with a member within the walk and the share; the heat map (grid cells
// coloured by uncovered holders); the uncovered holders (paged, exported);
// and where recruiting would cover the most of them — candidate
// organisations and grid cells — on the map and in a table. Staff, scoped.
import { h, mount, select } from '../dom.js';
import { t, fmtNumber } from '../i18n.js';
import { get, exportUrl } from '../api.js';
import { emptyState, errorState, dataTable, resultsArea, pageHeader, exportLinks, field, CursorPager, pagerBar } from '../ui.js';
import { createMap, heat, fmtMetres } from '../map.js';

const share = s => (s == null ? t('common.none') : `${(s * 100).toFixed(1)}%`);

export function render(ctx) {
  ctx.setTitle(t('coverage.title'));
  const region = select({ id: 'coverage-region' }, [{ value: '', label: t('coverage.all_scope') }], '');
  const minutes = h('input', { id: 'coverage-minutes', type: 'number', min: '1', max: '60', step: '1',
    value: ctx.query.get('minutes') || '', placeholder: t('nearby.default_minutes') });
  const mapEl = h('div', { id: 'coverage-map', role: 'region', 'aria-label': t('coverage.map') });
  const legend = h('p', { class: 'map-legend', id: 'coverage-legend' });
  const totals = h('div', { id: 'coverage-total' });
  const table = h('div', { class: 'results', id: 'coverage-results' });
  const suggestions = h('div', { class: 'results', id: 'suggestions-results' });
  const uncovered = h('div', { class: 'results', id: 'uncovered-results' });
  const links = h('div');
  const pager = new CursorPager();
  let view = null, heatLayer = null, suggestLayer = null;

  mount(ctx.main, pageHeader(t('coverage.title')), h('p', { class: 'page-intro' }, t('coverage.intro')),
    h('div', { class: 'filter-bar' }, field(t('coverage.region'), region), field(t('nearby.minutes'), minutes)),
    totals, table,
    h('h2', null, t('coverage.map_title')), mapEl, legend,
    h('h2', null, t('coverage.suggestions')), h('p', { class: 'page-intro' }, t('coverage.suggestions_intro')), suggestions,
    h('h2', null, t('coverage.uncovered')), links, uncovered);

  const filters = () => ({ region: region.value, minutes: minutes.value });
  const again = () => { pager.reset(); ctx.setQuery(filters()); loadAll(); };
  region.addEventListener('change', again);
  minutes.addEventListener('change', again);

  get('/regions').then(r => {
    if (!ctx.alive()) return;
    const counties = (r.items || []).filter(x => x.code.length === 6 && x.level !== 'province' && x.level !== 'city');
    const keep = ctx.query.get('region') || '';
    mount(region, h('option', { value: '' }, t('coverage.all_scope')),
      counties.map(c => h('option', { value: c.code, selected: c.code === keep }, c.name)));
  }).catch(() => {});

  createMap(mapEl, { zoom: 9 }).then(m => {
    if (!m || !ctx.alive()) return;
    view = m;
    heatLayer = m.layer();
    suggestLayer = m.layer();
    loadMap();
  }).catch(err => { mount(mapEl, errorState(err)); loadMap(); });

  async function loadTable() {
    const show = resultsArea(table);
    try {
      const c = await get('/circle/coverage', filters());
      if (!ctx.alive()) return;
      const tt = c.total;
      mount(totals, h('p', { class: 'coverage-total', id: 'coverage-share' },
        t('coverage.total', { minutes: c.minutes, walk: fmtMetres(c.walk_m), holders: fmtNumber(tt.holders),
          covered: fmtNumber(tt.covered), share: share(tt.share) })));
      if (!c.regions.length) { show(emptyState(t('coverage.empty'), 'coverage-empty')); return; }
      show(dataTable([
        { label: t('coverage.col.region'), cell: r => r.name },
        { label: t('coverage.col.holders'), class: 'num', cell: r => fmtNumber(r.holders) },
        { label: t('coverage.col.covered'), class: 'num', cell: r => fmtNumber(r.covered) },
        { label: t('coverage.col.uncovered'), class: 'num', cell: r => fmtNumber(r.uncovered) },
        { label: t('coverage.col.share'), class: 'num', cell: r => share(r.share) },
      ], c.regions, { id: 'coverage-table', caption: t('coverage.title') }));
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, loadTable));
    }
  }

  async function loadMap() {
    const show = resultsArea(suggestions);
    try {
      const [grid, sug] = await Promise.all([get('/circle/grid', filters()), get('/circle/suggestions', { ...filters(), k: 10 })]);
      if (!ctx.alive()) return;
      drawHeat(grid);
      drawSuggestions(sug);
      const rows = [...sug.orgs.map(o => ({ ...o, kind: 'org' })), ...sug.cells.map(c => ({ ...c, kind: 'cell' }))];
      if (!rows.length) { show(emptyState(t('coverage.no_suggestions'), 'suggestions-empty')); return; }
      show(dataTable([
        { label: t('coverage.col.rank'), class: 'num', cell: r => String(r.rank) },
        { label: t('coverage.col.kind'), cell: r => t(`coverage.kind.${r.kind}`) },
        { label: t('coverage.col.where'), cell: r => (r.kind === 'org' ? h('a', { href: `#/orgs/${r.org_id}` }, r.name)
          : `${r.lat.toFixed(4)}, ${r.lon.toFixed(4)}`) },
        { label: t('coverage.col.new_covered'), class: 'num', cell: r => fmtNumber(r.new_covered) },
        { label: t('coverage.col.cumulative'), class: 'num', cell: r => fmtNumber(r.cumulative) },
      ], rows, { id: 'suggestions-table', caption: t('coverage.suggestions') }));
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, loadMap));
    }
  }

  function drawHeat(grid) {
    if (!view) return;
    const { L, map } = view;
    heatLayer.clearLayers();
    const max = Math.max(0, ...grid.cells.map(c => c.uncovered));
    for (const c of grid.cells) {
      L.rectangle([[c.lat_min, c.lon_min], [c.lat_max, c.lon_max]],
        { weight: 0.5, color: '#a33', fillColor: heat(c.uncovered, max), fillOpacity: 0.65, className: 'heat-cell' })
        .bindTooltip(h('span', null, t('coverage.cell', { holders: fmtNumber(c.holders), uncovered: fmtNumber(c.uncovered) })))
        .addTo(heatLayer);
    }
    mount(legend, grid.cells.length ? t('coverage.legend', { cell: fmtMetres(grid.cell_m), max: fmtNumber(max) })
      : t('coverage.no_cells'));
    if (grid.cells.length) {
      const b = L.latLngBounds(grid.cells.flatMap(c => [[c.lat_min, c.lon_min], [c.lat_max, c.lon_max]]));
      map.fitBounds(b, { padding: [10, 10] });
    }
  }

  function drawSuggestions(sug) {
    if (!view) return;
    const { L } = view;
    suggestLayer.clearLayers();
    for (const o of sug.orgs) {
      L.circleMarker([o.lat, o.lon], { radius: 8, color: '#1f5fa8', weight: 2, fillColor: '#fff', fillOpacity: 1, className: 'suggest-org' })
        .bindTooltip(h('span', null, t('coverage.suggest_org', { rank: o.rank, name: o.name, n: fmtNumber(o.new_covered) })))
        .addTo(suggestLayer);
    }
    for (const c of sug.cells) {
      L.rectangle([[c.lat_min, c.lon_min], [c.lat_max, c.lon_max]],
        { weight: 2, color: '#1f5fa8', dashArray: '4 3', fill: false, className: 'suggest-cell' })
        .bindTooltip(h('span', null, t('coverage.suggest_cell', { rank: c.rank, n: fmtNumber(c.new_covered) })))
        .addTo(suggestLayer);
    }
  }

  async function loadUncovered() {
    const show = resultsArea(uncovered);
    const f = filters();
    mount(links, exportLinks('uncovered', exportUrl('/circle/uncovered', f, 'csv'), exportUrl('/circle/uncovered', f, 'xlsx')));
    try {
      const data = await get('/circle/uncovered', { ...f, limit: 50, cursor: pager.cursor });
      if (!ctx.alive()) return;
      pager.next = data.next;
      const items = data.items || [];
      if (!items.length) { show(emptyState(t('coverage.none_uncovered'), 'uncovered-empty')); return; }
      show(dataTable([
        { label: t('coverage.col.name'), cell: p => h('a', { href: `#/people/${p.id}` }, p.name) },
        { label: t('coverage.col.region'), cell: p => p.region_name },
        { label: t('coverage.col.nearest'), cell: p => p.nearest_org_name || t('coverage.far') },
        { label: t('coverage.col.walk'), class: 'num', cell: p => (p.walk_m == null ? t('coverage.far')
          : t('nearby.walk', { minutes: p.minutes, distance: fmtMetres(p.walk_m) })) },
      ], items, { id: 'uncovered-table', caption: t('coverage.uncovered') }), pagerBar(pager, items.length, loadUncovered, 'uncovered'));
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, loadUncovered));
    }
  }

  function loadAll() {
    loadTable();
    loadMap();
    loadUncovered();
  }
  loadTable();
  loadUncovered();
}
