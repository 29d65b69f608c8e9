// 优待证: the list (state filter, search by card number or holder's name,
// paging, export) and one card's page (#/cards/{id}) with its timeline and
// the steps the signed-in user may take now (the server says which, and
// checks again). A person sees their own cards, read-only. Also exports the
// labels and the apply action the person page's card panel shares.
import { h, mount, select } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { get, post, exportUrl } from '../api.js';
import { STAFF } from '../nav.js';
import { loadRegionSelect } from '../lookups.js';
import {
  toast, loading, emptyState, errorState, field, fieldError, openDialog, showFormError, dataTable, CursorPager,
  pagerBar, resultsArea, pageHeader, exportLinks, section,
} from '../ui.js';
import { categoryLabel } from './people.js';

const PAGE_SIZE = 50;
export const CARD_STATES = ['applied', 'reviewed', 'approved', 'refused', 'made', 'handed_out', 'received',
  'returned', 'suspended', 'lost', 'revoked', 'replaced'];
const GOOD = new Set(['received']);
/** States whose card exists and stands: a code may be printed on it. */
const PRINTABLE = new Set(['made', 'handed_out', 'received']);
const ENDED = new Set(['refused', 'returned', 'revoked', 'replaced']);
/** Steps whose effect cannot be undone: asked about first, in red. */
const DANGER = new Set(['refuse', 'revoke', 'reissue', 'return', 'report-loss', 'suspend']);

export const cardStateLabel = s => t(`cards.state.${s}`, null, s || '');
export const cardKindLabel = k => t(`cards.kind.${k}`, null, k || '');
const actionLabel = a => t(`cards.action.${a}`, null, a);
const none = () => t('common.none');

export function cardStateBadge(state, id) {
  const cls = GOOD.has(state) ? 'badge-on' : ENDED.has(state) ? 'badge-off' : state === 'suspended' || state === 'lost' ? 'badge-warn' : 'badge-type';
  return h('span', { class: ['badge', cls], id, dataset: { state } }, cardStateLabel(state));
}

/** The number as printed: region · sequence · check character. */
export const cardNumber = no => (no ? `${no.slice(0, 6)} ${no.slice(6, 13)} ${no.slice(13)}` : t('cards.no_number'));

/** Apply for a card for a person; resolves with the new card. */
export function applyDialog(person) {
  return new Promise(resolve => {
    const reason = h('input', { id: 'card-apply-reason', name: 'reason', type: 'text', maxlength: '200',
      placeholder: t('cards.apply_reason_placeholder') });
    const { dialog } = openDialog({
      id: 'card-apply-dialog',
      title: t('cards.apply_title', { name: person.name }),
      body: [h('p', { class: 'hint' }, t('cards.apply_intro')), field(t('cards.field.note'), reason)],
      submitLabel: t('cards.apply'),
      onSubmit: async () => {
        const body = { person_id: Number(person.id) };
        if (reason.value.trim()) body.reason = reason.value.trim();
        const created = await post('/cards', body);
        toast(t('cards.applied'), 'ok');
        resolve(created);
      },
    });
    dialog.addEventListener('close', () => resolve(null));
  });
}

export function render(ctx) {
  if (ctx.params && ctx.params.id) return renderCard(ctx, ctx.params.id);
  return renderList(ctx);
}

function renderList(ctx) {
  ctx.setTitle(t('cards.title'));
  const staff = STAFF.includes(ctx.user.role);
  const q = k => ctx.query.get(k) || '';
  const filters = { q: q('q'), state: CARD_STATES.includes(q('state')) ? q('state') : '', region: q('region') };
  const pager = new CursorPager();

  const qInput = h('input', { id: 'cards-q', name: 'q', type: 'search', value: filters.q, autocomplete: 'off',
    placeholder: t('cards.q_placeholder'), maxlength: '64' });
  const stateSel = select({ id: 'cards-state', name: 'state' },
    [{ value: '', label: t('cards.all_states') }, ...CARD_STATES.map(s => ({ value: s, label: cardStateLabel(s) }))], filters.state);
  const regionSel = select({ id: 'cards-region', name: 'region' }, [{ value: '', label: t('people.all_regions') },
    ...(filters.region ? [{ value: filters.region, label: filters.region }] : [])], filters.region);
  if (staff) loadRegionSelect(regionSel, t('people.all_regions'), filters.region, ctx.user.region_code);

  const filterForm = h('form', { id: 'cards-filter', class: 'filter-bar', role: 'search', 'aria-label': t('common.filters') },
    staff ? field(t('cards.q'), qInput) : null,
    field(t('cards.filter.state'), stateSel),
    staff ? field(t('people.filter.region'), regionSel) : null,
    h('div', { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'cards-search' }, t('common.search')),
      h('button', { type: 'button', class: 'btn', id: 'cards-reset', onclick: resetFilters }, t('common.reset'))));
  filterForm.addEventListener('submit', e => { e.preventDefault(); applyFilters(); });
  stateSel.addEventListener('change', applyFilters);
  regionSel.addEventListener('change', applyFilters);

  const exportsBox = h('div', { class: 'toolbar' });
  const results = h('div', { id: 'cards-results', class: 'results' });
  mount(ctx.main, pageHeader(staff ? t('cards.title') : t('cards.my_title')), staff ? filterForm : null, exportsBox, results);

  function applyFilters() {
    filters.q = qInput.value.trim();
    filters.state = stateSel.value;
    filters.region = regionSel.value;
    ctx.setQuery(filters);
    pager.reset();
    load();
  }

  function resetFilters() {
    qInput.value = '';
    stateSel.value = '';
    regionSel.value = '';
    applyFilters();
  }

  async function load() {
    showFormError(filterForm, null);
    mount(exportsBox, staff ? exportLinks('cards', exportUrl('/cards', filters, 'csv'), exportUrl('/cards', filters, 'xlsx')) : null);
    const show = resultsArea(results);
    try {
      const data = await get('/cards', { ...filters, limit: PAGE_SIZE, cursor: pager.cursor });
      if (!ctx.alive()) return;
      const items = (data && data.items) || [];
      pager.next = (data && data.next) || null;
      if (!items.length && !pager.hasPrev) {
        show(h('div', { class: 'state state-empty', id: 'cards-empty' },
          h('strong', null, staff ? t('cards.empty') : t('cards.my_empty')), staff ? h('span', null, t('cards.empty_hint')) : null));
        return;
      }
      show(dataTable(columns(), items, { id: 'cards-table', caption: t('cards.title') }), pagerBar(pager, items.length, load, 'cards'));
    } catch (err) {
      if (!ctx.alive() || err.status === 401) return;
      if (err.field === 'q') {
        showFormError(filterForm, err);
        show(emptyState(t('cards.fix_query'), 'cards-query-error'));
      } else {
        show(errorState(err, load));
      }
    }
  }

  function columns() {
    return [
      { label: t('cards.col.number'), class: 'nowrap', cell: c => h('a', { href: `#/cards/${encodeURIComponent(c.id)}`, class: 'card-link mono',
        dataset: { id: c.id } }, c.number ? cardNumber(c.number) : t('cards.no_number')) },
      { label: t('cards.col.holder'), cell: c => c.person_name || none() },
      { label: t('people.col.id_number'), class: 'nowrap', cell: c => h('span', { class: 'mono' }, c.id_number) },
      { label: t('cards.col.kind'), cell: c => cardKindLabel(c.kind) },
      { label: t('cards.col.state'), cell: c => cardStateBadge(c.state) },
      { label: t('cards.col.region'), cell: c => c.region_name || c.region_code },
      { label: t('cards.col.applied'), class: 'nowrap', cell: c => fmtTime(c.applied_at) },
    ];
  }

  load();
  return null;
}

function renderCard(ctx, id) {
  const staff = STAFF.includes(ctx.user.role);
  ctx.setTitle(t('cards.card_title'));

  async function load() {
    mount(ctx.main, loading());
    try {
      const c = await get(`/cards/${encodeURIComponent(id)}`);
      if (ctx.alive()) show(c);
    } catch (err) {
      if (ctx.alive() && err.status !== 401) mount(ctx.main, backLink(), errorState(err, load));
    }
  }

  const backLink = () => h('p', { class: 'back-link' }, h('a', { href: '#/cards', id: 'card-back' }, t('cards.back')));

  function show(c) {
    ctx.setTitle(c.number ? cardNumber(c.number) : t('cards.card_title'));
    const fact = (label, value, fid) => [h('dt', null, label), h('dd', { id: fid }, value === null || value === undefined || value === '' ? none() : value)];
    mount(ctx.main,
      backLink(),
      h('section', { class: 'panel person-header', 'aria-labelledby': 'card-title' },
        h('div', { class: 'person-head-line' },
          h('h1', { class: 'page-title mono', id: 'card-title', tabindex: '-1' }, c.number ? cardNumber(c.number) : t('cards.no_number')),
          cardStateBadge(c.state, 'card-state'),
          h('span', { class: ['badge', c.valid ? 'badge-on' : 'badge-off'], id: 'card-valid' }, t(c.valid ? 'cards.valid' : 'cards.not_valid'))),
        h('p', null, cardKindLabel(c.kind))),
      section('card-facts', t('cards.sec.facts'), null,
        h('dl', { class: 'facts' },
          fact(t('cards.col.holder'), staff ? h('a', { href: `#/people/${encodeURIComponent(c.person_id)}`, id: 'card-holder' }, c.person_name) : c.person_name),
          fact(t('people.col.id_number'), h('span', { class: 'mono' }, c.id_number)),
          fact(t('cards.field.categories'), (c.categories || []).map(categoryLabel).join('、')),
          fact(t('cards.col.region'), `${c.region_name || c.region_code}（${t(`cards.via.${c.applied_via}`, null, c.applied_via)}）`),
          fact(t('cards.field.national_number'), c.national_number),
          fact(t('cards.col.applied'), fmtTime(c.applied_at)),
          fact(t('cards.field.issued'), fmtTime(c.issued_at)),
          fact(t('cards.field.handed_out'), fmtTime(c.handed_out_at)),
          fact(t('cards.field.received'), fmtTime(c.received_at)),
          c.return_after ? fact(t('cards.field.return_after'), c.return_after, 'card-return-after') : null,
          c.replaces_id ? fact(t('cards.field.replaces'), h('a', { href: `#/cards/${c.replaces_id}`, id: 'card-replaces' }, cardNumber(c.replaces_number))) : null,
          c.replaced_by_id ? fact(t('cards.field.replaced_by'), h('a', { href: `#/cards/${c.replaced_by_id}`, id: 'card-replaced-by' },
            c.replaced_by_number ? cardNumber(c.replaced_by_number) : t('cards.no_number'))) : null)),
      staff ? section('card-actions', t('cards.sec.actions'), null, [actionsBody(c), printedCode(c)]) : null,
      section('card-events', t('cards.sec.events'), null, timeline(c)));
  }

  /** The static code for the physical card: opened as a picture to print (each opening is signed and audited). */
  function printedCode(c) {
    if (!PRINTABLE.has(c.state) || !c.number || !['admin', 'officer'].includes(ctx.user.role)) return null;
    const url = fmt => `/api/v1/cards/${encodeURIComponent(c.id)}/printed-code?format=${fmt}`;
    return h('div', { class: 'toolbar card-print', id: 'card-print' },
      h('a', { class: 'btn', id: 'card-print-code', href: url('svg'), target: '_blank', rel: 'noopener' }, t('cards.print_code')),
      h('a', { class: 'btn btn-link', id: 'card-print-png', href: `${url('png')}&scale=12`, download: `ecard-${c.number}.png` }, t('cards.print_png')),
      h('span', { class: 'hint' }, t('cards.print_hint')));
  }

  function actionsBody(c) {
    const actions = c.actions || [];
    if (!actions.length) return h('div', { class: 'state state-empty', id: 'card-no-actions' }, t('cards.no_actions'));
    return h('div', { class: 'service-actions card-actions', id: 'card-action-buttons' }, actions.map(a =>
      h('button', { type: 'button', class: ['btn', 'write-action', DANGER.has(a.action) ? 'btn-danger-outline' : 'btn-primary'],
        id: `card-do-${a.action}`, dataset: { action: a.action }, onclick: () => stepDialog(c, a) }, actionLabel(a.action))));
  }

  /** Every step is confirmed in a dialog; a reason where the step needs one, an optional note otherwise. */
  function stepDialog(c, a) {
    const reason = h('input', { id: 'card-step-reason', name: 'reason', type: 'text', maxlength: '200', required: a.reason_required });
    const national = a.action === 'make' ? h('input', { id: 'card-step-national', name: 'national_number', type: 'text', maxlength: '32',
      class: 'mono', autocomplete: 'off' }) : null;
    openDialog({
      id: 'card-step-dialog',
      title: actionLabel(a.action),
      danger: DANGER.has(a.action),
      body: [
        h('p', null, t(`cards.confirm.${a.action}`, null, t('cards.confirm.generic'))),
        field(a.reason_required ? t('cards.field.reason') : t('cards.field.note'), reason),
        national ? field(t('cards.field.national_number'), national, t('cards.hint.national')) : null,
      ],
      submitLabel: actionLabel(a.action),
      onSubmit: async () => {
        const body = {};
        const why = reason.value.trim();
        if (a.reason_required && !why) throw fieldError('reason', t('cards.reason_required'));
        if (why) body.reason = why;
        if (national && national.value.trim()) body.national_number = national.value.trim();
        const next = await post(`/cards/${encodeURIComponent(c.id)}/${a.action}`, body);
        toast(t('cards.done', { action: actionLabel(a.action) }), 'ok');
        if (!ctx.alive()) return;
        if (String(next.id) !== String(c.id)) ctx.navigate(`cards/${next.id}`);
        else show(next);
      },
    });
  }

  function timeline(c) {
    const events = c.events || [];
    if (!events.length) return h('div', { class: 'state state-empty' }, t('cards.no_events'));
    return dataTable([
      { label: t('cards.ev.at'), class: 'nowrap', cell: e => fmtTime(e.at) },
      { label: t('cards.ev.action'), cell: e => actionLabel(e.action) },
      { label: t('cards.ev.state'), cell: e => [e.from_state ? `${cardStateLabel(e.from_state)} → ` : '', cardStateLabel(e.to_state)] },
      { label: t('cards.ev.reason'), cell: e => e.reason || none() },
      { label: t('cards.ev.actor'), cell: e => e.actor },
    ], events, { id: 'card-events-table', caption: t('cards.sec.events') });
  }

  load();
  return null;
}
