// Maps for the pages of the 10-minute circle, with Leaflet (web/vendor/leaflet,
// loaded on first use so pages without a map do not pay for it).
//
// Tiles are configuration (the server's map-tiles option, read from /home):
// without them — the default, and the city's intranet — the map is drawn on a
// plain background with the county seats as labelled points, and no request
// leaves this server. With a URL template its tiles lie underneath and its
// credit line shows below the map (as text, never markup).
//
// Everything added to the map goes through Leaflet's vector layers (SVG) and
// DOM-element tooltips and popups built with h(): no HTML strings, no marker
// images.
import { h } from './dom.js';
import { get } from './api.js';
import { t } from './i18n.js';

let leaflet = null;
/** window.L once leaflet.js (and its stylesheet) have loaded. */
export function loadLeaflet() {
  if (window.L) return Promise.resolve(window.L);
  if (!leaflet) {
    leaflet = new Promise((resolve, reject) => {
      const js = h('script', { src: '/vendor/leaflet/leaflet.js' });
      js.addEventListener('load', () => resolve(window.L));
      js.addEventListener('error', () => { leaflet = null; js.remove(); reject(new Error(t('map.unavailable'))); });
      document.head.append(h('link', { rel: 'stylesheet', href: '/vendor/leaflet/leaflet.css' }), js);
    });
  }
  return leaflet;
}

let settings = null;
/** {tiles, attribution} from /home (null tiles: offline). */
function mapSettings() {
  if (!settings) settings = get('/home').then(home => home.map || { tiles: null }).catch(err => { settings = null; throw err; });
  return settings;
}

let seats = null;
/** The county-level regions with a seat: the offline map's landmarks. */
function countySeats() {
  if (!seats) {
    seats = get('/regions').then(r => (r.items || []).filter(x => x.level !== 'province' && x.level !== 'city' &&
      x.code.length === 6 && x.lat != null && x.lon != null)).catch(err => { seats = null; throw err; });
  }
  return seats;
}

// The city's seat, for a map that has nothing else to show yet.
const CITY = [38.304, 116.839];

/**
 * A map in `el` (the page keeps el in the document): resolves to
 * {L, map, layer()} where layer() gives a new layer group on the map.
 * data-tiles on el says which kind it is ("none" or "configured").
 */
export async function createMap(el, { zoom = 10 } = {}) {
  const [L, conf] = await Promise.all([loadLeaflet(), mapSettings()]);
  if (!el.isConnected) return null;
  el.classList.add('map');
  const map = L.map(el, { attributionControl: false, zoomControl: true }).setView(CITY, zoom);
  if (conf.tiles) {
    L.tileLayer(conf.tiles, { maxZoom: 19 }).addTo(map);
    el.dataset.tiles = 'configured';
    if (conf.attribution) el.after(h('p', { class: 'map-credit' }, conf.attribution));
  } else {
    el.classList.add('map-plain');
    el.dataset.tiles = 'none';
  }
  const landmarks = L.layerGroup().addTo(map);
  countySeats().then(list => {
    for (const r of list) {
      L.circleMarker([r.lat, r.lon], { radius: 3, color: '#777', weight: 1, fillOpacity: 0.6, interactive: false })
        .bindTooltip(h('span', null, r.name), { permanent: true, direction: 'right', className: 'map-label' })
        .addTo(landmarks);
    }
  }).catch(() => {});
  return { L, map, layer: () => L.layerGroup().addTo(map) };
}

/** A colour from white to red for v of max (the heat map). */
export function heat(v, max) {
  const x = max > 0 ? Math.min(1, v / max) : 0;
  const g = Math.round(235 - 200 * x), b = Math.round(220 - 200 * x);
  return `rgb(220, ${g}, ${b})`;
}

/** "320 米" / "1.2 公里" */
export function fmtMetres(m) {
  return m < 1000 ? t('map.metres', { n: Math.round(m) }) : t('map.km', { n: (m / 1000).toFixed(1) });
}
