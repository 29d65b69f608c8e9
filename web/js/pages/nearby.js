// The merchant map (拥军商户地图): the 拥军商户 within N minutes' walk of a
// point, nearest first, with distance, walking minutes and their offers today.
// The point is where the user clicks, their device's location, or "around
// me" (the server's choice: a person's home, an organisation's place, the
// region's seat) — the default when the page opens without ?lat=&lon=.
import { h, mount, select } from '../dom.js';
import { t, fmtNumber } from '../i18n.js';
import { get } from '../api.js';
import { emptyState, errorState, resultsArea, pageHeader, field, toast } from '../ui.js';
import { createMap, fmtMetres } from '../map.js';

const MINUTES = [5, 10, 15, 20, 30];

export function render(ctx) {
  ctx.setTitle(t('nearby.title'));
  const minutes = select({ id: 'nearby-minutes' }, [{ value: '', label: t('nearby.default_minutes') },
    ...MINUTES.map(m => ({ value: m, label: t('nearby.minutes_n', { n: m }) }))], ctx.query.get('minutes') || '');
  const category = select({ id: 'nearby-category' }, [{ value: '', label: t('network.all') }], '');
  const home = h('button', { type: 'button', class: 'btn', id: 'nearby-home' }, t('nearby.around_me'));
  const locate = h('button', { type: 'button', class: 'btn', id: 'nearby-locate', hidden: !navigator.geolocation },
    t('nearby.my_location'));
  const mapEl = h('div', { id: 'nearby-map', role: 'region', 'aria-label': t('nearby.map') });
  const summary = h('p', { id: 'nearby-summary', class: 'page-intro' });
  const results = h('div', { class: 'results', id: 'nearby-results' });
  // A point in the address (#/nearby?lat=…&lon=…, a link from elsewhere), else null: around me.
  const qlat = Number(ctx.query.get('lat')), qlon = Number(ctx.query.get('lon'));
  let point = ctx.query.get('lat') && ctx.query.get('lon') && Number.isFinite(qlat) && Number.isFinite(qlon)
    ? { lat: qlat, lon: qlon } : null;
  let view = null, marks = null, categories = [];

  mount(ctx.main, pageHeader(t('nearby.title')), h('p', { class: 'page-intro' }, t('nearby.intro')),
    h('div', { class: 'filter-bar' }, field(t('nearby.minutes'), minutes), field(t('network.col.category'), category),
      home, locate),
    h('div', { class: 'map-layout' }, mapEl, h('div', { class: 'map-side' }, summary, results)));

  minutes.addEventListener('change', () => load());
  category.addEventListener('change', () => load());
  home.addEventListener('click', () => { point = null; load(); });
  locate.addEventListener('click', () => {
    navigator.geolocation.getCurrentPosition(
      pos => { point = { lat: pos.coords.latitude, lon: pos.coords.longitude }; load(); },
      () => toast(t('nearby.no_location')), { timeout: 10000 });
  });

  get('/merchant-categories').then(v => {
    if (!ctx.alive()) return;
    categories = v.categories || [];
    mount(category, h('option', { value: '' }, t('network.all')),
      categories.map(c => h('option', { value: c.code }, c.label)));
  }).catch(() => {});

  createMap(mapEl).then(m => {
    if (!m || !ctx.alive()) return;
    view = m;
    marks = m.layer();
    m.map.on('click', e => { point = { lat: e.latlng.lat, lon: e.latlng.lng }; load(); });
    load();
  }).catch(err => {
    // No map (Leaflet missing): the list still works.
    mount(mapEl, errorState(err));
    load();
  });

  const catLabel = code => (categories.find(c => c.code === code) || {}).label || code || t('common.none');

  function offerLine(o) {
    const who = o.categories.length ? o.categories.map(c => c.label).join('、') : t('offers.everyone');
    return h('li', { class: 'nearby-offer' }, h('strong', null, o.title), ' · ', t(`nearby.rule.${o.usage_rule}`),
      ' · ', who, o.companion_allowed ? ` · ${t('nearby.companion')}` : '');
  }

  function item(m, i) {
    return h('li', { class: 'nearby-item', dataset: { org: String(m.org_id), minutes: String(m.minutes) } },
      h('div', { class: 'nearby-head' }, h('span', { class: 'nearby-rank' }, String(i + 1)),
        h('strong', { class: 'nearby-name' }, m.name),
        h('span', { class: 'nearby-walk' }, t('nearby.walk', { minutes: m.minutes, distance: fmtMetres(m.walk_m) }))),
      h('div', { class: 'nearby-meta' }, catLabel(m.category), m.address ? ` · ${m.address}` : ''),
      m.offers.length ? h('ul', { class: 'nearby-offers' }, m.offers.map(offerLine))
        : h('p', { class: 'nearby-meta' }, t('nearby.no_offers')));
  }

  function draw(data) {
    if (!view) return;
    const { L, map } = view;
    marks.clearLayers();
    const c = [data.center.lat, data.center.lon];
    L.circle(c, { radius: data.reach_m, color: '#b22', weight: 1, fillOpacity: 0.06, interactive: false }).addTo(marks);
    L.circleMarker(c, { radius: 7, color: '#b22', fillColor: '#b22', fillOpacity: 1 })
      .bindTooltip(h('span', null, point ? t('nearby.here') : t('nearby.around_me'))).addTo(marks);
    data.items.forEach((m, i) => {
      L.circleMarker([m.lat, m.lon], { radius: 6, color: '#1f5fa8', fillColor: '#1f5fa8', fillOpacity: 0.8, className: 'nearby-point' })
        .bindPopup(h('div', null, h('strong', null, `${i + 1}. ${m.name}`), h('br'),
          t('nearby.walk', { minutes: m.minutes, distance: fmtMetres(m.walk_m) })))
        .addTo(marks);
    });
    map.setView(c, Math.max(map.getZoom(), data.reach_m < 1500 ? 15 : 13));
  }

  async function load() {
    const show = resultsArea(results);
    const q = { limit: 50, minutes: minutes.value, category: category.value, ...(point || {}) };
    ctx.setQuery({ minutes: minutes.value, ...(point || {}) });
    try {
      const data = await get('/circle/nearby', q);
      if (!ctx.alive()) return;
      draw(data);
      mount(summary, t('nearby.summary', { minutes: data.minutes, walk: fmtMetres(data.walk_m), n: fmtNumber(data.items.length) }));
      if (!data.items.length) { show(emptyState(t('nearby.empty'), 'nearby-empty')); return; }
      show(h('ol', { class: 'nearby-list', id: 'nearby-list' }, data.items.map(item)));
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, load));
    }
  }
}
