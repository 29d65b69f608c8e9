// Ledger statistics: person-times and distinct persons in the caller's scope
// (a merchant its own services), grouped by month, kind, region, organisation
// or association, between two dates, as an ECharts chart and a table; the
// rows themselves exportable as CSV or xlsx.
import { h, mount, select } from '../dom.js';
import { t, fmtNumber } from '../i18n.js';
import { get, exportUrl } from '../api.js';
import { emptyState, errorState, dataTable, resultsArea, pageHeader, exportLinks, field } from '../ui.js';

const GROUPINGS = ['month', 'kind', 'region', 'org', 'association'];

export function render(ctx) {
  ctx.setTitle(t('ledger.title'));
  let by = GROUPINGS.includes(ctx.query.get('by')) ? ctx.query.get('by') : 'month';
  const bySel = select({ id: 'ledger-by' }, GROUPINGS.map(g => ({ value: g, label: t(`ledger.by.${g}`) })), by);
  const from = h('input', { id: 'ledger-from', type: 'date', value: ctx.query.get('from') || '' });
  const to = h('input', { id: 'ledger-to', type: 'date', value: ctx.query.get('to') || '' });
  const totals = h('div', { class: 'home-cards', id: 'ledger-totals' });
  const chartEl = h('div', { class: 'chart ledger-chart', id: 'ledger-chart', role: 'img', 'aria-label': t('ledger.chart') });
  const table = h('div', { class: 'results', id: 'ledger-results' });
  const links = h('div');
  let chart = null;

  const refresh = () => {
    by = bySel.value;
    ctx.setQuery({ by, from: from.value, to: to.value });
    load();
  };
  for (const el of [bySel, from, to]) el.addEventListener('change', refresh);

  mount(ctx.main,
    pageHeader(t('ledger.title')),
    h('p', { class: 'page-intro' }, t('ledger.intro')),
    h('div', { class: 'filter-bar' }, field(t('ledger.group'), bySel), field(t('ledger.from'), from), field(t('ledger.to'), to)),
    totals, chartEl, table, links);

  async function load() {
    const show = resultsArea(table);
    const q = { by, from: from.value, to: to.value };
    mount(links, exportLinks('ledger', exportUrl('/ledger', { from: q.from, to: q.to }, 'csv'),
      exportUrl('/ledger', { from: q.from, to: q.to }, 'xlsx')));
    try {
      const data = await get('/ledger/stats', q);
      if (!ctx.alive()) return;
      mount(totals,
        h('div', { class: 'stat-card' }, h('span', { class: 'stat-value', id: 'ledger-person-times' }, fmtNumber(data.total.person_times)),
          h('span', { class: 'stat-label' }, t('ledger.person_times'))),
        h('div', { class: 'stat-card' }, h('span', { class: 'stat-value', id: 'ledger-persons' }, fmtNumber(data.total.persons)),
          h('span', { class: 'stat-label' }, t('ledger.persons'))));
      const items = data.items || [];
      if (!items.length) { show(emptyState(t('ledger.empty'), 'ledger-empty')); drawChart([]); return; }
      drawChart(items);
      show(dataTable([
        { label: t(`ledger.by.${by}`), cell: r => r.label },
        { label: t('ledger.person_times'), class: 'num', cell: r => fmtNumber(r.person_times) },
        { label: t('ledger.persons'), class: 'num', cell: r => fmtNumber(r.persons) },
      ], items, { id: 'ledger-table', caption: t('ledger.title') }));
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, load));
    }
  }

  function drawChart(items) {
    const echarts = window.echarts;
    if (!echarts) { chartEl.hidden = true; return; }
    chartEl.hidden = items.length === 0;
    if (!chart) chart = echarts.init(chartEl, null, { renderer: 'canvas' });
    const labels = items.map(r => r.label);
    chart.setOption({
      animation: false,
      color: ['#b3261e', '#1b7a36'],
      legend: { data: [t('ledger.person_times'), t('ledger.persons')] },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      // rich-text tooltips: the HTML ones would set style attributes, which the CSP refuses
      tooltip: { trigger: 'axis', renderMode: 'richText' },
      xAxis: { type: 'category', data: labels, axisLabel: { interval: 0, rotate: by === 'month' ? 0 : 30 } },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { type: by === 'month' ? 'line' : 'bar', name: t('ledger.person_times'), data: items.map(r => r.person_times) },
        { type: by === 'month' ? 'line' : 'bar', name: t('ledger.persons'), data: items.map(r => r.persons) },
      ],
    }, true);
    chart.resize();
  }

  load();
}
