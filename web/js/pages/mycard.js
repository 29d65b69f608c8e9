// 我的电子优待证: a card holder's own card and its rotating QR code. The code
// is fetched again at the server's refresh_at (before it expires), with a
// countdown, so a screenshot stops working within minutes. Clear states for no
// card, a card that is not valid (the server names its state) and a server
// that cannot sign.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { get } from '../api.js';
import { loading, errorState, section } from '../ui.js';
import { cardNumber, cardKindLabel, cardStateBadge } from './cards.js';
import { categoryLabel } from './people.js';

export function render(ctx) {
  ctx.setTitle(t('mycard.title'));
  let refreshTimer = null;
  let tickTimer = null;
  const stopTimers = () => { clearTimeout(refreshTimer); clearInterval(tickTimer); };

  async function load() {
    stopTimers();
    mount(ctx.main, loading());
    let card;
    try {
      card = await get('/me/card');
    } catch (err) {
      if (!ctx.alive() || err.status === 401) return;
      if (err.code === 'no_card') {
        mount(ctx.main, header(), h('div', { class: 'state state-empty', id: 'mycard-none' },
          h('strong', null, t('mycard.none')), h('span', null, t('mycard.none_hint'))));
      } else {
        mount(ctx.main, header(), errorState(err, load));
      }
      return;
    }
    if (!ctx.alive()) return;
    const codeBox = h('div', { class: 'ecard-code', id: 'mycard-code' }, loading());
    mount(ctx.main, header(), summary(card), section('mycard-ecard', t('mycard.ecard'), null, codeBox));
    if (card.valid) showCode(codeBox);
    else mount(codeBox, notValid(card));
  }

  const header = () => h('h1', { class: 'page-title', id: 'mycard-title', tabindex: '-1' }, t('mycard.title'));

  function summary(c) {
    return h('section', { class: 'panel person-header', id: 'mycard-summary' },
      h('div', { class: 'person-head-line' },
        h('span', { class: 'page-title mono', id: 'mycard-number' }, c.number ? cardNumber(c.number) : t('cards.no_number')),
        cardStateBadge(c.state, 'mycard-state')),
      h('p', null, cardKindLabel(c.kind)),
      h('p', { id: 'mycard-categories' }, (c.categories || []).map(c2 => categoryLabel(c2.code)).join('、')));
  }

  function notValid(c) {
    const why = c.holder_eligible === false ? t('mycard.not_eligible') : t('mycard.not_valid', { state: t(`cards.state.${c.state}`, null, c.state) });
    return h('div', { class: 'state state-error', id: 'mycard-not-valid', dataset: { state: c.state } }, h('strong', null, why),
      h('span', null, t('mycard.not_valid_hint')));
  }

  async function showCode(box) {
    stopTimers();
    let e;
    try {
      e = await get('/me/ecard');
    } catch (err) {
      if (!ctx.alive() || err.status === 401) return;
      if (err.code === 'no_signing_key') {
        mount(box, h('div', { class: 'state state-error', id: 'mycard-no-key' }, h('strong', null, t('mycard.no_key')),
          h('span', null, t('mycard.no_key_hint'))));
        refreshTimer = setTimeout(() => showCode(box), 30_000);
      } else if (err.status === 409 || err.status === 404) {
        load(); // the card changed meanwhile: show what it is now
      } else {
        mount(box, errorState(err, () => showCode(box)));
      }
      return;
    }
    if (!ctx.alive()) return;
    const expires = Date.parse(e.expires_at);
    // Refresh at the server's refresh_at, measured on our clock from now (clocks differ).
    const refreshIn = Math.max(1000, Date.parse(e.refresh_at) - Date.parse(e.issued_at));
    const countdown = h('span', { id: 'mycard-countdown', class: 'ecard-countdown', 'aria-live': 'off' });
    const localExpiry = Date.now() + (expires - Date.parse(e.issued_at));
    const tick = () => {
      const s = Math.max(0, Math.round((localExpiry - Date.now()) / 1000));
      countdown.textContent = t('mycard.expires_in', { m: Math.floor(s / 60), s: String(s % 60).padStart(2, '0') });
    };
    tick();
    mount(box,
      h('img', { id: 'mycard-qr', class: 'ecard-qr', alt: t('mycard.qr_alt'), dataset: { text: e.text, expires: e.expires_at },
        src: `data:image/svg+xml;charset=utf-8,${encodeURIComponent(e.svg)}` }),
      h('p', { class: 'ecard-meta' }, countdown),
      h('p', { class: 'hint' }, t('mycard.hint')),
      h('button', { type: 'button', class: 'btn', id: 'mycard-refresh', onclick: () => showCode(box) }, t('mycard.refresh')));
    tickTimer = setInterval(() => { if (ctx.alive()) tick(); else stopTimers(); }, 1000);
    refreshTimer = setTimeout(() => { if (ctx.alive()) showCode(box); }, refreshIn);
  }

  load();
  return stopTimers;
}
