// The shell: session, header, menu and hash routing (#/route?filters).
// Pages are modules with `render(ctx)`; they are loaded on demand from nav.js.
// With no network at start-up (the service worker, web/sw.js, serves the
// page itself) the app says so and opens only the offline e-card verifier.
import { h, mount, $ } from './dom.js';
import { t, getLang, setLang, onLangChange, applyDocumentLang, roleLabel } from './i18n.js';
import { get, post, qs, setCsrf, setUnauthorizedHandler } from './api.js';
import { navFor, findRoute } from './nav.js';
import { toast, loading, errorState } from './ui.js';
import * as loginPage from './pages/login.js';

const state = {
  user: null,
  wanted: null,   // where a signed-out visitor was going; restored after login
  cleanup: null,  // teardown of the current page (timers, charts, listeners)
  gen: 0,         // bumps on every render so late async results can tell they are stale
  offline: false, // the start-up session check could not reach the server at all
};

// The one page that works with no network and no session: it reads only what
// an earlier sync stored on this device (web/js/offline.js).
const OFFLINE_ROUTE = 'offline-verify';

function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const i = raw.indexOf('?');
  const route = i < 0 ? raw : raw.slice(0, i);
  return { route, query: new URLSearchParams(i < 0 ? '' : raw.slice(i + 1)) };
}

function navigate(route, params) {
  const hash = `#/${route}${qs(params)}`;
  if (location.hash === hash) render();
  else location.hash = hash;
}

function setSession(data) {
  state.user = data ? data.user : null;
  setCsrf(data ? data.csrf_token : null);
}

// ---------- header and menu ----------

function renderChrome(route) {
  const user = state.user;
  $('#brand-title').textContent = t('app.title');
  $('#brand-subtitle').textContent = t('app.subtitle');
  $('#skip-link').textContent = t('header.skip');

  const sw = $('#lang-switch');
  sw.textContent = t('lang.switch');
  sw.title = t('lang.switch_title');
  sw.lang = getLang() === 'en' ? 'zh-CN' : 'en';   // the label is in the other language

  $('#header-user').hidden = !user;
  $('#logout').hidden = !user;
  $('#logout').textContent = t('header.logout');
  $('#nav-toggle').hidden = !user;
  $('#nav-toggle').textContent = t('header.menu');
  if (user) {
    $('#header-user').title = t('header.user');
    $('#header-user-name').textContent = user.display_name || user.username;
    $('#header-user-role').textContent = roleLabel(user.role);
  }

  const nav = $('#nav');
  nav.setAttribute('aria-label', t('nav.label'));
  nav.hidden = !user;
  setMenuOpen(false);
  if (!user) { nav.replaceChildren(); return; }
  mount(nav, h('ul', { class: 'nav-list' }, navFor(user.role, user).map(e =>
    h('li', null, h('a', {
      href: `#/${e.route}`,
      class: ['nav-link', e.route === route && 'active'],
      'aria-current': e.route === route ? 'page' : null,
      dataset: { route: e.route },
    }, t(e.label_key))))));
}

function setMenuOpen(open) {
  $('#nav').classList.toggle('open', open);
  $('#nav-toggle').setAttribute('aria-expanded', String(open));
}

// ---------- routing ----------

async function render() {
  const gen = ++state.gen;
  if (state.cleanup) { try { state.cleanup(); } catch { /* a page's teardown must not block the next */ } }
  state.cleanup = null;
  document.querySelectorAll('dialog').forEach(d => d.remove());

  let { route, query } = parseHash();
  const main = $('#main');

  if (!state.user && state.offline) {
    renderOffline(route, query, main, gen);
    return;
  }

  // Pages anyone may open without signing in (the 公示 and the hall's projector).
  const open = !state.user && findRoute(route);
  if (open && open.public) {
    renderChrome(route);
    mount(main, loading());
    let mod;
    try { mod = await open.load(); } catch { if (gen === state.gen) mount(main, errorState({ message: t('error.page_load') }, () => render())); return; }
    if (gen === state.gen) state.cleanup = mod.render(makeCtx(route, query, main, gen)) || null;
    return;
  }
  if (!state.user) {
    if (route !== 'login') {
      if (route) state.wanted = location.hash;
      history.replaceState(null, '', '#/login');
      route = 'login';
    }
    renderChrome(route);
    state.cleanup = loginPage.render(makeCtx(route, query, main, gen)) || null;
    return;
  }
  if (route === '' || route === 'login') {
    history.replaceState(null, '', '#/home');
    route = 'home';
  }
  renderChrome(route);

  const entry = findRoute(route);
  if (!entry) {
    setTitle(t('error.page_not_found'));
    mount(main, h('div', { class: 'state state-error', role: 'alert' }, h('strong', null, t('error.page_not_found'))));
    return;
  }
  if (!entry.roles.includes(state.user.role)) {
    setTitle(t('error.forbidden'));
    mount(main, errorState({ status: 403, message: t('error.forbidden_detail') }));
    return;
  }

  mount(main, loading());
  let mod;
  try {
    mod = await entry.load();
  } catch {
    if (gen === state.gen) mount(main, errorState({ message: t('error.page_load') }, () => render()));
    return;
  }
  if (gen !== state.gen) return;
  state.cleanup = mod.render(makeCtx(route, query, main, gen)) || null;
}

/**
 * No network at start-up: who is signed in is unknown, so no page that needs
 * the server is offered (no pretend login). The offline verifier opens under a
 * banner saying so; any other route shows the notice with the way there.
 */
async function renderOffline(route, query, main, gen) {
  renderChrome(route);
  const reconnect = h('button', { type: 'button', class: 'btn', id: 'offline-reconnect', onclick: reconnectNow },
    t('offline.reconnect'));
  if (route !== OFFLINE_ROUTE) {
    setTitle(t('offline.net_down'));
    mount(main, h('div', { class: 'state state-error', role: 'alert', id: 'offline-start' },
      h('strong', null, t('offline.net_down')),
      h('span', null, t('offline.net_down_detail')),
      h('div', { class: 'filter-actions' },
        h('a', { class: 'btn btn-primary', href: `#/${OFFLINE_ROUTE}`, id: 'offline-open' }, t('offline.open')),
        reconnect)));
    return;
  }
  const page = h('div');
  mount(main, h('div', { class: 'panel', role: 'status', id: 'offline-mode' },
    h('strong', { class: 'offline-stale' }, t('offline.mode')), reconnect), page);
  mount(page, loading());
  let mod;
  try {
    mod = await findRoute(OFFLINE_ROUTE).load();
  } catch {
    if (gen === state.gen) mount(page, errorState({ message: t('error.page_load') }, () => render()));
    return;
  }
  if (gen === state.gen) state.cleanup = mod.render(makeCtx(route, query, page, gen)) || null;
}

/** Ask the server again; signed in or not, a server that answers ends the offline mode. */
async function reconnectNow() {
  await checkSession();
  if (state.offline) toast(t('offline.still_down'));
  else render();
}

function setTitle(pageTitle) {
  document.title = pageTitle ? `${pageTitle} · ${t('app.title')}` : t('app.title');
}

/** What a page gets to work with. */
function makeCtx(route, query, main, gen) {
  return {
    user: state.user,
    main,
    query,
    navigate,
    setTitle,
    alive: () => gen === state.gen,
    // Keeps filters in the address (bookmarkable, survive a language switch)
    // without firing hashchange, so the page is not rebuilt under the user.
    setQuery: params => history.replaceState(null, '', `#/${route}${qs(params)}`),
    // Used by the login page.
    signedIn: data => {
      setSession(data);
      const wanted = state.wanted;
      state.wanted = null;
      // Only return to a page this user may open; someone else's bookmark goes home.
      const entry = wanted && findRoute(wanted.replace(/^#\/?/, '').split('?')[0]);
      if (entry && entry.roles.includes(state.user.role)) location.hash = wanted;
      else navigate('home');
    },
  };
}

// ---------- session events ----------

function sessionLost() {
  if (!state.user) return;          // several calls may fail at once; react once
  setSession(null);
  state.wanted = location.hash;
  toast(t('login.expired'));
  navigate('login');
}

async function logout() {
  try { await post('/auth/logout', undefined, { handle401: false }); } catch { /* signed out either way */ }
  setSession(null);
  state.wanted = null;
  toast(t('login.logged_out'), 'ok');
  navigate('login');
}

async function boot() {
  applyDocumentLang();
  setUnauthorizedHandler(sessionLost);
  $('#lang-switch').addEventListener('click', () => setLang(getLang() === 'en' ? 'zh' : 'en'));
  $('#logout').addEventListener('click', logout);
  $('#skip-link').addEventListener('click', () => $('#main').focus());
  $('#nav-toggle').addEventListener('click', () => setMenuOpen(!$('#nav').classList.contains('open')));
  $('#nav').addEventListener('click', e => { if (e.target.closest('a')) setMenuOpen(false); });
  onLangChange(() => render());
  window.addEventListener('hashchange', () => { window.scrollTo(0, 0); render(); });

  registerServiceWorker();

  mount($('#main'), loading());
  await checkSession();
  render();
}

/** Who is signed in; state.offline when the server could not be reached at all (not a 401 or a 5xx). */
async function checkSession() {
  try {
    setSession(await get('/auth/me', null, { handle401: false }));
    state.offline = false;
  } catch (err) {
    setSession(null);
    state.offline = err.code === 'network';
    if (err.status !== 401 && !state.offline) toast(err.message);
  }
}

// The worker (web/sw.js) keeps the page and the offline verifier's modules so
// the app opens with no network. Browsers offer it only on HTTPS or localhost;
// elsewhere, or if registering fails, the app works as before, online only.
function registerServiceWorker() {
  if (!('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/sw.js').catch(() => { /* online-only, as without a worker */ });
}

boot();
