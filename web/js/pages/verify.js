// The merchant's verify screen, made for a phone at the counter: type the
// card number or scan the e-card (a handheld scanner types like a keyboard
// and ends with Enter; a phone uses its camera through BarcodeDetector when
// the browser has it, else the camera button stays hidden), see the answer
// in large type and colour, pick the offer, record the service in one tap.
// A refusal of the usage rule (used today, this visit) is shown as plainly
// as an invalid card.
import { h, mount } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { get, post } from '../api.js';
import { errorState } from '../ui.js';

const CODE_PREFIX = 'SY1:';

export function render(ctx) {
  ctx.setTitle(t('verify.title'));
  let offers = [];
  let last = null; // {input, verdict}: what the record button records

  const offerSel = h('select', { id: 'verify-offer', class: 'verify-offer', 'aria-label': t('verify.offer') });
  const input = h('input', {
    id: 'verify-input', class: 'verify-input', type: 'text', autocomplete: 'off', autocapitalize: 'characters',
    spellcheck: 'false', enterkeyhint: 'go', placeholder: t('verify.placeholder'), 'aria-label': t('verify.placeholder'),
  });
  const go = h('button', { type: 'submit', class: 'btn btn-primary verify-go', id: 'verify-submit' }, t('verify.check'));
  const camera = h('button', { type: 'button', class: 'btn verify-camera', id: 'verify-camera', hidden: true }, t('verify.camera'));
  const video = h('video', { class: 'verify-video', id: 'verify-video', hidden: true, playsinline: true, muted: true });
  const result = h('div', { class: 'verify-result', id: 'verify-result', 'aria-live': 'polite' });
  const form = h('form', { class: 'verify-form', id: 'verify-form' }, input, h('div', { class: 'verify-buttons' }, go, camera));

  form.addEventListener('submit', e => { e.preventDefault(); check(input.value); });
  offerSel.addEventListener('change', () => { if (last) check(last.input); });

  mount(ctx.main, h('div', { class: 'verify-page' },
    h('h1', { class: 'page-title' }, t('verify.title')),
    h('label', { class: 'verify-label', for: 'verify-offer' }, t('verify.offer')), offerSel,
    form, video, result));
  input.focus();
  setupCamera();
  loadOffers();

  async function loadOffers() {
    try {
      const data = await get('/offers', { active: 'true' });
      if (!ctx.alive()) return;
      offers = (data && data.items) || [];
      mount(offerSel, h('option', { value: '' }, t('verify.no_offer')),
        offers.map(o => h('option', { value: String(o.id) }, `${o.title}（${t(`verify.rule.${o.usage_rule}`)}）`)));
      if (offers.length) offerSel.value = String(offers[0].id);
    } catch (err) {
      if (ctx.alive() && err.status !== 401) mount(result, errorState(err, loadOffers));
    }
  }

  const offer = () => offers.find(o => String(o.id) === offerSel.value) || null;

  async function check(raw) {
    // A scanned code is kept exactly as scanned (base45 may end in a space); a typed number is trimmed.
    const isCode = raw.trimStart().startsWith(CODE_PREFIX);
    const value = isCode ? raw.trimStart() : raw.trim().toUpperCase();
    if (!value) return;
    const o = offer();
    mount(result, h('p', { class: 'verify-wait' }, t('common.loading')));
    try {
      const verdict = isCode
        ? await post('/cards/verify', { code: value, offer_id: o ? o.id : undefined })
        : await get(`/cards/${encodeURIComponent(value)}/verify`, { offer: o ? o.id : '' });
      if (!ctx.alive()) return;
      last = { input: value, isCode, verdict };
      showVerdict(verdict);
      input.value = '';
      input.focus();
    } catch (err) {
      if (ctx.alive() && err.status !== 401) showProblem(err.message);
    }
  }

  function showProblem(message, id = 'verify-error') {
    mount(result, h('div', { class: 'verdict verdict-bad', id, role: 'alert' },
      h('div', { class: 'verdict-big' }, t('verify.refused')), h('p', { class: 'verdict-msg' }, message)));
  }

  function showVerdict(v) {
    const o = offer();
    const facts = v.kind ? h('dl', { class: 'verdict-facts' },
      h('dt', null, t('verify.name')), h('dd', { id: 'verify-name' }, v.name),
      h('dt', null, t('verify.kind')), h('dd', null, t(`cards.kind.${v.kind}`, null, v.kind)),
      h('dt', null, t('verify.card')), h('dd', null, v.card_number),
      o && v.offer_categories && v.offer_categories.length
        ? [h('dt', null, t('verify.qualifies')), h('dd', null, v.offer_categories.map(c => t(`people.category.${c}`, null, c)).join('、'))]
        : null) : null;
    const recordArea = v.valid ? recordForm(o) : null;
    mount(result, h('div', { class: ['verdict', v.valid ? 'verdict-ok' : 'verdict-bad'], id: 'verify-verdict',
      dataset: { valid: String(v.valid), reason: v.reason || '' } },
    h('div', { class: 'verdict-big' }, v.valid ? t('verify.valid') : t('verify.invalid')),
    v.valid ? null : h('p', { class: 'verdict-msg', id: 'verify-reason' }, v.message),
    v.static_code ? h('p', { class: 'verdict-warn', id: 'verify-check-id' }, v.check_id_card) : null,
    facts, recordArea));
  }

  function recordForm(o) {
    const amount = h('input', { id: 'verify-amount', name: 'amount_saved', type: 'number', min: '0', step: '0.01', inputmode: 'decimal' });
    const companion = h('input', { id: 'verify-companion', type: 'checkbox' });
    const btn = h('button', { type: 'button', class: 'btn btn-primary verify-record', id: 'verify-record' },
      o ? t('verify.record', { offer: o.title }) : t('verify.record_plain'));
    const outcome = h('div', { id: 'verify-record-outcome', 'aria-live': 'polite' });
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      const body = { offer_id: o ? o.id : undefined, kind: o ? undefined : 'other', companion: companion.checked };
      if (amount.value !== '') body.amount_saved = Number(amount.value);
      if (last.isCode) body.code = last.input; else body.card_number = last.input;
      try {
        const row = await post('/services', body);
        if (!ctx.alive()) return;
        mount(outcome, h('p', { class: 'verdict-done', id: 'verify-recorded' }, t('verify.recorded', { time: fmtTime(row.at), id: row.id })));
      } catch (err) {
        if (!ctx.alive() || err.status === 401) return;
        btn.disabled = false;
        mount(outcome, h('div', { class: 'verdict verdict-bad verdict-inline', id: 'verify-refused', role: 'alert', dataset: { code: err.code || '' } },
          h('div', { class: 'verdict-big' }, t('verify.not_recorded')), h('p', { class: 'verdict-msg' }, err.message)));
      }
    });
    return h('div', { class: 'verify-record-area' },
      h('label', { class: 'verify-label', for: 'verify-amount' }, t('verify.amount')), amount,
      o && o.companion_allowed ? h('label', { class: 'check' }, companion, ' ', t('verify.companion')) : null,
      btn, outcome);
  }

  // The camera: only where the browser can read QR codes itself.
  async function setupCamera() {
    if (!('BarcodeDetector' in window) || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) return;
    try {
      const formats = await window.BarcodeDetector.getSupportedFormats();
      if (!formats.includes('qr_code')) return;
    } catch { return; }
    camera.hidden = false;
    let stream = null;
    const stop = () => {
      if (stream) stream.getTracks().forEach(tr => tr.stop());
      stream = null;
      video.hidden = true;
    };
    camera.addEventListener('click', async () => {
      if (stream) { stop(); return; }
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
      } catch (err) {
        showProblem(t('verify.camera_denied'));
        return;
      }
      video.srcObject = stream;
      video.hidden = false;
      await video.play();
      const detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      const scan = async () => {
        if (!stream || !ctx.alive()) { stop(); return; }
        try {
          const codes = await detector.detect(video);
          if (codes.length) { stop(); check(codes[0].rawValue); return; }
        } catch { /* a frame not ready yet */ }
        setTimeout(scan, 250);
      };
      scan();
    });
  }
}
