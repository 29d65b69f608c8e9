// Home for every role: who you are, your scope, the numbers the server picks
// for your role, and (until the modules land) what this role will be able to do.
import { h, mount } from '../dom.js';
import { t, tl, roleLabel, fmtNumber } from '../i18n.js';
import { get } from '../api.js';
import { loading, errorState } from '../ui.js';

export function render(ctx) {
  const { user } = ctx;
  ctx.setTitle(t('nav.home'));

  const scope = user.org_name ? t('home.scope_org', { scope: user.org_name })
    : user.region_name ? t('home.scope_region', { scope: user.region_name }) : null;
  const dataArea = h('div', { class: 'home-data' }, loading());

  mount(ctx.main,
    h('section', { class: 'home-intro' },
      h('h1', { id: 'home-title', class: 'page-title' }, t('home.welcome', { name: user.display_name || user.username })),
      h('p', { class: 'home-role' }, t('home.role_line', { role: roleLabel(user.role), who: t(`role.${user.role}.who`, null, '') })),
      scope ? h('p', { id: 'home-scope', class: 'home-scope' }, scope) : null),
    dataArea,
    h('section', { id: 'home-building', class: 'panel panel-building' },
      h('h2', null, t('home.building')),
      h('p', null, t('home.building_intro')),
      h('ul', { class: 'duty-list' }, tl(`role.${user.role}.duties`).map(d => h('li', null, d)))));

  let chart = null;
  const onResize = () => chart && chart.resize();

  get('/home').then(data => {
    if (!ctx.alive()) return;
    const cards = Array.isArray(data && data.cards) ? data.cards : [];
    const byRole = Array.isArray(data && data.users_by_role) ? data.users_by_role : null;
    const chartBox = byRole && byRole.length
      ? h('div', { id: 'home-chart', class: 'chart', role: 'img', 'aria-label': chartSummary(byRole) }) : null;
    mount(dataArea,
      cards.length ? h('section', { class: 'home-cards', 'aria-label': t('home.overview') },
        cards.map(c => h('div', { class: 'stat-card', dataset: { key: c.key } },
          h('span', { class: 'stat-value' }, fmtNumber(c.value)),
          h('span', { class: 'stat-label' }, t(`home.card.${c.key}`, null, c.key))))) : null,
      chartBox ? h('section', { class: 'panel' }, h('h2', null, t('home.chart_title')), chartBox) : null);
    if (chartBox) {
      chart = drawChart(chartBox, byRole);
      window.addEventListener('resize', onResize);
    }
  }).catch(err => {
    if (ctx.alive() && err.status !== 401) mount(dataArea, errorState(err, () => ctx.navigate('home')));
  });

  return () => {
    window.removeEventListener('resize', onResize);
    if (chart) chart.dispose();
  };
}

function chartSummary(rows) {
  return `${t('home.chart_title')}: ${rows.map(r => `${roleLabel(r.role)} ${r.count}`).join(', ')}`;
}

/** Bar chart of users by role. Falls back to a plain list if ECharts did not load. */
function drawChart(el, rows) {
  const echarts = window.echarts;
  if (!echarts) {
    mount(el, h('p', { class: 'hint' }, t('home.chart_unavailable')),
      h('ul', null, rows.map(r => h('li', null, `${roleLabel(r.role)}: ${fmtNumber(r.count)}`))));
    el.classList.add('chart-fallback');
    return null;
  }
  // Canvas renderer and a rich-text tooltip: the HTML tooltip would inject
  // style attributes, which the CSP (style-src 'self') refuses.
  const chart = echarts.init(el, null, { renderer: 'canvas' });
  chart.setOption({
    animation: false,
    color: ['#b3261e'],
    grid: { left: 8, right: 40, top: 8, bottom: 8, containLabel: true },
    tooltip: { trigger: 'axis', renderMode: 'richText', axisPointer: { type: 'shadow' } },
    // Horizontal bars: role names stay readable on a phone without rotating them.
    yAxis: { type: 'category', inverse: true, data: rows.map(r => roleLabel(r.role)), axisLabel: { interval: 0 } },
    xAxis: { type: 'value', minInterval: 1 },
    series: [{ type: 'bar', name: t('home.chart_title'), data: rows.map(r => r.count), barMaxWidth: 22,
      label: { show: true, position: 'right' } }],
  });
  return chart;
}
