// Bar charts with ECharts (web/vendor/echarts.min.js, loaded by index.html).
// Without ECharts the same numbers show as a plain list, so a page never
// loses its data to a missing script.
import { h, mount } from './dom.js';
import { t, fmtNumber } from './i18n.js';

/** "62.5%" for a share 0..1, "—" for none. */
export const pct = v => (v == null ? t('common.none') : `${Math.round(v * 1000) / 10}%`);

const COLORS = ['#b3261e', '#1f6f8b', '#c77700', '#4b7f52'];

/**
 * A bar chart in el: categories along one axis, one bar per series
 * ({name, data}). horizontal: bars left to right (long names stay readable
 * on a phone); percent: values are shares 0..1, shown as percentages.
 * Returns the chart (dispose it when the page goes) or null for the fallback.
 */
export function barChart(el, { categories, series, horizontal = false, percent = false }) {
  const fmt = v => (percent || v == null ? pct(v) : fmtNumber(v));
  const echarts = window.echarts;
  if (!echarts) {
    el.classList.add('chart-fallback');
    mount(el, h('p', { class: 'hint' }, t('home.chart_unavailable')),
      h('ul', null, categories.map((c, i) => h('li', null,
        `${c}: ${series.map(s => (series.length > 1 ? `${s.name} ${fmt(s.data[i])}` : fmt(s.data[i]))).join('，')}`))));
    return null;
  }
  // Canvas and a rich-text tooltip: the HTML tooltip would inject style
  // attributes, which the CSP (style-src 'self') refuses.
  const chart = echarts.init(el, null, { renderer: 'canvas' });
  const category = { type: 'category', data: categories, axisLabel: { interval: 0, hideOverlap: true }, inverse: horizontal };
  const value = { type: 'value', minInterval: percent ? 0 : 1, max: percent ? 1 : null,
    axisLabel: { formatter: v => fmt(v) } };
  chart.setOption({
    animation: false,
    color: COLORS,
    grid: { left: 8, right: 48, top: series.length > 1 ? 32 : 8, bottom: 8, containLabel: true },
    legend: series.length > 1 ? { top: 0 } : undefined,
    tooltip: { trigger: 'axis', renderMode: 'richText', axisPointer: { type: 'shadow' }, valueFormatter: v => fmt(v) },
    xAxis: horizontal ? value : category,
    yAxis: horizontal ? category : value,
    series: series.map(s => ({ type: 'bar', name: s.name, data: s.data, barMaxWidth: 22,
      label: { show: true, position: horizontal ? 'right' : 'top', formatter: p => fmt(p.value) } })),
  });
  return chart;
}

/** Charts drawn on a page, resized with the window and disposed when the page goes. */
export class ChartSet {
  constructor() {
    this.charts = [];
    this.onResize = () => this.charts.forEach(c => c.resize());
    window.addEventListener('resize', this.onResize);
  }
  add(chart) { if (chart) this.charts.push(chart); }
  clear() { this.charts.forEach(c => c.dispose()); this.charts = []; }
  dispose() { this.clear(); window.removeEventListener('resize', this.onResize); }
}

/** A chart's box: role img with the numbers as its label, for screen readers. */
export const chartBox = (id, label) => h('div', { id, class: 'chart', role: 'img', 'aria-label': label });

