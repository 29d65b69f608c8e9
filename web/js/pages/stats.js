// Case statistics in the reader's scope: cases by type, state (of steps),
// handling department and region; the average handling time in working days
// and the share closed on time; filters (type, opened from/to); export.
import { h, mount, select } from '../dom.js';
import { t, fmtNumber } from '../i18n.js';
import { get, exportUrl } from '../api.js';
import { emptyState, errorState, field, dataTable, resultsArea, pageHeader, exportLinks, section } from '../ui.js';
import { barChart, ChartSet, chartBox, pct } from '../charts.js';
import { nm } from './cases.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function render(ctx) {
  ctx.setTitle(t('stats.title'));
  const charts = new ChartSet();
  const filters = { type: ctx.query.get('type') || '', from: ctx.query.get('from') || '', to: ctx.query.get('to') || '' };
  if (!DATE.test(filters.from)) filters.from = '';
  if (!DATE.test(filters.to)) filters.to = '';
  const typeSel = select({ id: 'stats-type', name: 'type' }, [{ value: '', label: t('stats.all_types') }], filters.type);
  const from = h('input', { type: 'date', id: 'stats-from', name: 'from', value: filters.from });
  const to = h('input', { type: 'date', id: 'stats-to', name: 'to', value: filters.to });
  const apply = () => {
    Object.assign(filters, { type: typeSel.value, from: from.value, to: to.value });
    ctx.setQuery(filters);
    load();
  };
  [typeSel, from, to].forEach(el => el.addEventListener('change', apply));
  const exportsBox = h('div', { class: 'toolbar' });
  const results = h('div', { id: 'stats-results', class: 'results' });

  mount(ctx.main,
    pageHeader(t('stats.title')),
    h('p', { class: 'page-intro' }, t('stats.intro')),
    h('div', { class: 'filter-bar' }, field(t('cases.col.type'), typeSel), field(t('stats.from'), from), field(t('stats.to'), to)),
    exportsBox, results);

  get('/case-types').then(data => {
    if (!ctx.alive()) return;
    for (const ty of (data && data.items) || []) typeSel.append(h('option', { value: ty.code, selected: ty.code === filters.type }, nm(ty)));
  }).catch(() => { /* the filter keeps "all types" */ });

  async function load() {
    const query = { type: filters.type, from: filters.from, to: filters.to };
    mount(exportsBox, exportLinks('stats', exportUrl('/cases/stats', query, 'csv'), exportUrl('/cases/stats', query, 'xlsx')));
    const show = resultsArea(results);
    charts.clear();
    try {
      const s = await get('/cases/stats', query);
      if (!ctx.alive()) return;
      if (!s.total) { show(emptyState(t('stats.empty'), 'stats-empty')); return; }
      const groups = [
        { key: 'type', rows: s.by_type, done: 'closed' },
        { key: 'state', rows: s.by_step_state, done: null },
        { key: 'department', rows: s.by_department, done: 'done', horizontal: true },
        { key: 'region', rows: s.by_region, done: 'closed' },
      ];
      const boxes = groups.map(g => chartBox(`stats-chart-${g.key}`, t(`stats.by_${g.key}`)));
      show(
        h('section', { class: 'home-cards', 'aria-label': t('stats.title') },
          card('total', fmtNumber(s.total)), card('closed', fmtNumber(s.closed)),
          card('avg_working_days', s.avg_working_days == null ? t('common.none') : (Math.round(s.avg_working_days * 10) / 10).toString()),
          card('on_time_share', pct(s.on_time_share))),
        h('div', { class: 'stats-grid' }, groups.map((g, i) => section(`stats-${g.key}`, t(`stats.by_${g.key}`), null,
          h('div', null, boxes[i], groupTable(g))))));
      groups.forEach((g, i) => charts.add(barChart(boxes[i], {
        categories: g.rows.map(r => r.name || r.key), horizontal: !!g.horizontal,
        series: [{ name: t('stats.total'), data: g.rows.map(r => r.total) },
          g.done ? { name: t(`stats.${g.done}`), data: g.rows.map(r => r[g.done]) } : null,
          'overdue' in (g.rows[0] || {}) ? { name: t('stats.overdue'), data: g.rows.map(r => r.overdue) } : null].filter(Boolean),
      })));
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, load));
    }
  }

  const card = (key, value) => h('div', { class: 'stat-card', dataset: { key }, id: `stats-${key}` },
    h('span', { class: 'stat-value' }, value), h('span', { class: 'stat-label' }, t(`stats.card.${key}`)));

  function groupTable(g) {
    return dataTable([
      { label: t(`stats.by_${g.key}`), cell: r => r.name || r.key },
      { label: t('stats.total'), class: 'num', cell: r => fmtNumber(r.total) },
      g.done ? { label: t(`stats.${g.done}`), class: 'num', cell: r => fmtNumber(r[g.done]) } : null,
      'overdue' in (g.rows[0] || {}) ? { label: t('stats.overdue'), class: 'num', cell: r => fmtNumber(r.overdue) } : null,
    ].filter(Boolean), g.rows, { id: `stats-table-${g.key}`, caption: t(`stats.by_${g.key}`) });
  }

  load();
  return () => charts.dispose();
}
