// sw.js - the service worker that lets the app open with no network, so a
// merchant's phone reaches the offline e-card verifier (#/offline-verify,
// web/js/offline.js) exactly when it is needed. Served from /sw.js so its
// scope is the whole app; registered by web/js/app.js.
//
// What it does:
// - install: stores the app shell the verifier needs (SHELL below: the page,
//   the CSS, app.js and every module it and the verifier import statically).
// - fetch: /api/ is never touched (not even answered by the worker: the
//   browser sends it as if there were no worker, so nothing of the API, the
//   session or an export is ever stored). Every other same-origin GET goes to
//   the network first and the answer refreshes the stored copy; only when the
//   network fails is the stored copy used, and a page load (navigation) falls
//   back to the stored index.html.
//
// Why network first rather than stale-while-revalidate: static.c already
// makes every file revalidate (ETag, 304), so online the app is always the
// deployed one. Stale-while-revalidate would run one load behind a deploy and,
// since ES modules load piece by piece, could mix an old app.js with a new
// module. The stored copies exist for the no-network case only.
//
// Bump VERSION when SHELL changes: the new worker stores the shell afresh and
// deletes the older caches. A deploy that only changes file contents needs no
// bump: the next online load refreshes every file it fetches.
'use strict';

const VERSION = 'sy-shell-v1';
const PREFIX = 'sy-shell-';

// The offline verifier's shell. Other pages are stored once they are fetched
// online (they need the network to be useful anyway); the big vendor files
// (charts, maps) are not fetched here for the same reason.
const SHELL = [
  '/index.html',
  '/css/app.css',
  '/favicon.svg',
  '/js/app.js',
  '/js/api.js',
  '/js/dom.js',
  '/js/i18n.js',
  '/js/lookups.js',
  '/js/nav.js',
  '/js/offline.js',
  '/js/ui.js',
  '/js/pages/cards.js',
  '/js/pages/login.js',
  '/js/pages/offline-verify.js',
  '/js/pages/people.js',
];

self.addEventListener('install', event => {
  // 'no-cache': revalidate with the server, never take the browser's HTTP cache on trust.
  event.waitUntil(caches.open(VERSION)
    .then(cache => cache.addAll(SHELL.map(url => new Request(url, { cache: 'no-cache' }))))
    // Safe to take over at once: online every answer still comes from the network.
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', event => {
  event.waitUntil(caches.keys()
    .then(names => Promise.all(names.filter(n => n.startsWith(PREFIX) && n !== VERSION).map(n => caches.delete(n))))
    // Control the page that registered the worker, so it works offline after one visit.
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', event => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== 'GET' || url.origin !== self.location.origin || url.pathname.startsWith('/api/')) return;
  // Only what the page loads as such (page, script, style, image, font): a
  // fetch() from a script (destination '') of /healthz or /metrics is not the app.
  if (req.destination === '') return;
  event.respondWith(networkFirst(event));
});

/**
 * The network's answer, storing a copy of a good one; when the network fails,
 * the stored copy (for a page load: the stored index.html, since every route
 * of the app is a hash on the one page). With nothing stored the failure
 * stands, as it would without a worker.
 */
async function networkFirst(event) {
  const req = event.request;
  const navigation = req.mode === 'navigate';
  const key = navigation ? '/index.html' : req;
  try {
    const res = await fetch(req);
    // Only whole same-origin answers the server lets be stored: not errors,
    // not a 206 range. A page load is stored only for the app's own page.
    const path = new URL(req.url).pathname;
    if (res.status === 200 && res.type === 'basic' && !/no-store/.test(res.headers.get('Cache-Control') || '')
        && (!navigation || path === '/' || path === '/index.html')) {
      const copy = res.clone();
      // The worker may be stopped once the answer is sent; keep it alive until the copy is stored.
      event.waitUntil(caches.open(VERSION).then(cache => cache.put(key, copy)));
    }
    return res;
  } catch (err) {
    const cached = await caches.match(key, { cacheName: VERSION });
    if (cached) return cached;
    throw err;
  }
}
