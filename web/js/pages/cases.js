// Cases: staff see the cases of their area (newest first) and open a new
// 一门受理 application for a person picked from the registry; a person sees
// "我的事项", their own applications with their progress. Each row opens the
// case's page (case.js). Also exports the helpers the case pages share.
import { h, mount, select } from '../dom.js';
import { t, getLang } from '../i18n.js';
import { get, post, exportUrl } from '../api.js';
import { personPicker } from '../lookups.js';
import {
  emptyState, errorState, field, fieldError, openDialog, dataTable, CursorPager, pagerBar, resultsArea,
  pageHeader, exportLinks, toast,
} from '../ui.js';

/** A name the server gives in both languages (name / name_en, type_name / type_name_en). */
export const nm = (o, key = 'name') => (getLang() === 'en' && o[`${key}_en`]) || o[key] || '';

export const caseStateBadge = state =>
  h('span', { class: ['badge', state === 'closed' ? 'badge-on' : 'badge-type'], dataset: { state } },
    t(`cases.state.${state}`, null, state));

/** "3 / 7" with the overdue mark when a step is late. */
export const progress = c => h('span', { class: 'case-progress' },
  t('cases.progress', { done: c.steps_done, total: c.steps_total }),
  c.overdue ? [' ', h('span', { class: 'badge badge-danger' }, t('cases.overdue'))] : null);

export function render(ctx) {
  const mine = ctx.user.role === 'person';
  const writer = ['admin', 'officer'].includes(ctx.user.role);
  const title = t(mine ? 'cases.my_title' : 'cases.title');
  ctx.setTitle(title);
  const filters = { state: ctx.query.get('state') || '' };
  if (!['', 'open', 'closed'].includes(filters.state)) filters.state = '';
  const pager = new CursorPager();

  const stateSel = select({ id: 'cases-state', name: 'state' }, [
    { value: '', label: t('cases.all_states') },
    { value: 'open', label: t('cases.state.open') },
    { value: 'closed', label: t('cases.state.closed') },
  ], filters.state);
  stateSel.addEventListener('change', () => { filters.state = stateSel.value; ctx.setQuery(filters); pager.reset(); load(); });
  const exportsBox = h('div', { class: 'toolbar' });
  const results = h('div', { id: 'cases-results', class: 'results' });

  mount(ctx.main,
    pageHeader(title, writer ? h('button', { type: 'button', class: 'btn btn-primary write-action', id: 'case-create',
      onclick: () => createDialog(ctx) }, t('cases.create'))
      : mine ? h('button', { type: 'button', class: 'btn btn-primary', id: 'case-apply', onclick: () => applyDialog(ctx) }, t('cases.apply'))
        : null),
    h('p', { class: 'page-intro' }, t(mine ? 'cases.my_intro' : 'cases.intro')),
    h('div', { class: 'filter-bar' }, field(t('cases.filter.state'), stateSel)),
    mine ? null : exportsBox, results);

  async function load() {
    mount(exportsBox, exportLinks('cases', exportUrl('/cases', filters, 'csv'), exportUrl('/cases', filters, 'xlsx')));
    const show = resultsArea(results);
    try {
      const data = await get('/cases', { ...filters, limit: 50, cursor: pager.cursor });
      if (!ctx.alive()) return;
      const items = (data && data.items) || [];
      pager.next = (data && data.next) || null;
      if (!items.length && !pager.hasPrev) {
        show(emptyState(t(mine ? 'cases.my_empty' : 'cases.empty'), 'cases-empty'));
        return;
      }
      show(dataTable(columns(mine), items, { id: 'cases-table', caption: title }), pagerBar(pager, items.length, load, 'cases'));
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, load));
    }
  }
  load();
}

function columns(mine) {
  return [
    { label: t('cases.col.id'), class: 'nowrap', cell: c => h('a', { href: `#/cases/${c.id}`, class: 'case-link', dataset: { id: c.id } }, `#${c.id}`) },
    { label: t('cases.col.type'), cell: c => nm(c, 'type_name') },
    mine ? null : { label: t('cases.col.applicant'), cell: c => c.applicant_name || t('common.none') },
    mine ? null : { label: t('cases.col.region'), class: 'nowrap', cell: c => c.region_name || c.region_code },
    { label: t('cases.col.opened_on'), class: 'nowrap', cell: c => c.opened_on },
    { label: t('cases.col.state'), class: 'nowrap', cell: c => caseStateBadge(c.state) },
    { label: t('cases.col.progress'), class: 'nowrap', cell: progress },
  ].filter(Boolean);
}

/** New 一门受理 application: the applicant from the registry; departments picked by the server. */
function createDialog(ctx) {
  const picker = personPicker({ idPrefix: 'case-person', label: t('cases.form.applicant'), fieldName: 'person_id' });
  const note = h('input', { id: 'case-note', name: 'note', maxlength: '500', autocomplete: 'off' });
  openDialog({
    id: 'case-dialog',
    title: t('cases.form.title'),
    submitLabel: t('cases.form.submit'),
    body: [
      h('p', { class: 'hint' }, t('cases.form.intro')),
      picker.el,
      field(t('cases.form.note'), note),
    ],
    onSubmit: async () => {
      const personId = picker.value();
      if (!personId) throw fieldError('person_id', t('cases.form.pick_person'));
      const c = await post('/cases', { type: 'one_window', person_id: personId, note: note.value.trim() || null });
      toast(t('cases.created', { id: c.id }), 'success');
      ctx.navigate(`cases/${c.id}`);
    },
  });
}

// The veteran files a 一门受理 application for themselves: the departments are
// picked by the server (the nearest whose name fits each step).
function applyDialog(ctx) {
  const note = h('input', { id: 'apply-note', name: 'note', maxlength: '500', autocomplete: 'off' });
  openDialog({
    id: 'apply-dialog',
    title: t('cases.apply'),
    submitLabel: t('cases.apply_submit'),
    body: [h('p', null, t('cases.apply_intro')), field(t('cases.form.note'), note)],
    onSubmit: async () => {
      const c = await post('/cases', { type: 'one_window', note: note.value.trim() || null });
      toast(t('cases.applied'), 'success');
      ctx.navigate(`cases/${c.id}`);
    },
  });
}
