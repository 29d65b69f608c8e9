// The admin's working-day calendar: public holidays and make-up working days
// (调休) of a year, added and removed one day at a time; and the deadlines in
// working days of each case type's steps, with the unset ones marked.
import { h, mount, select } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, del } from '../api.js';
import { toast, emptyState, errorState, field, dataTable, resultsArea, pageHeader, section, confirmDialog } from '../ui.js';
import { nm } from './cases.js';

export function render(ctx) {
  ctx.setTitle(t('calendar.title'));
  const thisYear = new Date().getFullYear();
  let year = Number(ctx.query.get('year')) || thisYear;
  const yearSel = select({ id: 'calendar-year', name: 'year' },
    [-1, 0, 1, 2].map(d => ({ value: thisYear + d, label: String(thisYear + d) })), year);
  yearSel.addEventListener('change', () => { year = Number(yearSel.value); ctx.setQuery({ year }); loadDays(); });

  const date = h('input', { id: 'calendar-date', name: 'date', type: 'date', required: true });
  const kind = select({ id: 'calendar-kind', name: 'kind' },
    [{ value: 'holiday', label: t('calendar.kind.holiday') }, { value: 'workday', label: t('calendar.kind.workday') }], 'holiday');
  const name = h('input', { id: 'calendar-name', name: 'name', maxlength: '50', placeholder: t('calendar.name_placeholder') });
  const formError = h('p', { class: 'form-error', role: 'alert' });
  const form = h('form', { id: 'calendar-form', class: 'filter-bar' },
    field(t('calendar.date'), date), field(t('calendar.kind'), kind), field(t('calendar.name'), name),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit', class: 'btn btn-primary', id: 'calendar-add' }, t('calendar.add'))),
    formError);
  form.addEventListener('submit', async e => {
    e.preventDefault();
    formError.textContent = '';
    try {
      await post('/calendar', { date: date.value, kind: kind.value, name: name.value.trim() || null });
      toast(t('calendar.saved'), 'success');
      name.value = '';
      loadDays();
    } catch (err) {
      formError.textContent = err.message;
    }
  });

  const days = h('div', { id: 'calendar-results', class: 'results' });
  const deadlines = h('div', { id: 'deadline-results', class: 'results' });
  mount(ctx.main,
    pageHeader(t('calendar.title')),
    h('p', { class: 'page-intro' }, t('calendar.intro')),
    section('days', t('calendar.sec.days'), field(t('calendar.year'), yearSel), [form, days]),
    section('deadlines', t('calendar.sec.deadlines'), null, deadlines));

  async function loadDays() {
    const show = resultsArea(days);
    try {
      const data = await get('/calendar', { year });
      if (!ctx.alive()) return;
      const items = (data && data.items) || [];
      if (!items.length) { show(emptyState(t('calendar.empty', { year }), 'calendar-empty')); return; }
      show(dataTable([
        { label: t('calendar.date'), class: 'nowrap', cell: d => d.date },
        { label: t('calendar.kind'), class: 'nowrap', cell: d => h('span', { class: ['badge', d.kind === 'holiday' ? 'badge-warn' : 'badge-type'] }, t(`calendar.kind.${d.kind}`)) },
        { label: t('calendar.name'), cell: d => d.name || t('common.none') },
        { label: t('calendar.actions'), cell: d => h('button', { type: 'button', class: 'btn btn-small', dataset: { date: d.date },
          onclick: async () => {
            if (!(await confirmDialog(t('calendar.remove_confirm', { date: d.date })))) return;
            try { await del(`/calendar/${d.date}`); loadDays(); } catch (err) { toast(err.message); }
          } }, t('calendar.remove')) },
      ], items, { id: 'calendar-table', caption: t('calendar.sec.days') }));
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, loadDays));
    }
  }

  async function loadDeadlines() {
    const show = resultsArea(deadlines);
    try {
      const data = await get('/case-types');
      if (!ctx.alive()) return;
      const types = (data && data.items) || [];
      if (!types.length) { show(emptyState(t('calendar.no_types'))); return; }
      show(...types.map(ty => h('div', { class: 'deadline-type' }, h('h3', null, nm(ty)), deadlineTable(ty))));
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, loadDeadlines));
    }
  }

  function deadlineTable(ty) {
    const stepName = code => (code === '*' ? t('calendar.every_step') : nm(ty.steps.find(s => s.code === code) || { name: code }));
    const stateName = st => nm(ty.states.find(s => s.state === st) || { name: st });
    return dataTable([
      { label: t('calendar.step'), cell: d => stepName(d.step) },
      { label: t('calendar.state'), cell: d => stateName(d.state) },
      { label: t('calendar.working_days'), cell: d => {
        const input = h('input', { type: 'number', min: '0', max: '365', class: 'input-narrow', value: d.working_days ?? '',
          'aria-label': t('calendar.working_days'), dataset: { step: d.step, state: d.state } });
        const save = h('button', { type: 'button', class: 'btn btn-small', onclick: async () => {
          try {
            const v = input.value.trim();
            await post(`/case-types/${ty.code}/deadlines`, { step: d.step, state: d.state, working_days: v === '' ? null : Number(v) });
            toast(t('calendar.saved'), 'success');
            loadDeadlines();
          } catch (err) { toast(err.message); }
        } }, t('common.save'));
        return h('span', { class: 'row-actions' }, input, save,
          d.working_days === null ? h('span', { class: 'badge badge-warn' }, t('cases.step.deadline_unset')) : null);
      } },
    ], ty.deadlines, { caption: nm(ty) });
  }

  loadDays();
  loadDeadlines();
}
