// The inbox: steps waiting on the signed-in officer (their region, states
// their role may act on) or department (the steps it handles), optionally
// only the overdue ones, and for officers the 督办 list of cases with a step
// past its due date.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { get } from '../api.js';
import { emptyState, errorState, dataTable, resultsArea, pageHeader, section } from '../ui.js';
import { nm, progress } from './cases.js';

export function render(ctx) {
  ctx.setTitle(t('inbox.title'));
  let overdueOnly = ctx.query.get('overdue') === '1';
  const toggle = h('input', { type: 'checkbox', id: 'inbox-overdue', checked: overdueOnly });
  toggle.addEventListener('change', () => { overdueOnly = toggle.checked; ctx.setQuery({ overdue: overdueOnly ? '1' : '' }); loadInbox(); });
  const inbox = h('div', { id: 'inbox-results', class: 'results' });
  const supervise = h('div', { id: 'supervise-results', class: 'results' });
  const department = ctx.user.role === 'department'; /* the 督办 list is the bureau's */

  mount(ctx.main,
    pageHeader(t('inbox.title')),
    h('p', { class: 'page-intro' }, t(department ? 'inbox.intro_department' : 'inbox.intro')),
    section('inbox', t('inbox.sec.waiting'), h('label', { class: 'check' }, toggle, ' ', t('inbox.overdue_only')), inbox),
    department ? null : section('supervise', t('inbox.sec.supervise'), null, supervise));

  async function loadInbox() {
    const show = resultsArea(inbox);
    try {
      const data = await get('/inbox', { overdue: overdueOnly ? 1 : '', limit: 200 });
      if (!ctx.alive()) return;
      const items = (data && data.items) || [];
      if (!items.length) { show(emptyState(t(overdueOnly ? 'inbox.empty_overdue' : 'inbox.empty'), 'inbox-empty')); return; }
      show(dataTable([
        { label: t('cases.col.id'), class: 'nowrap', cell: s => h('a', { href: `#/cases/${s.case_id}`, class: 'case-link' }, `#${s.case_id}`) },
        { label: t('cases.col.applicant'), cell: s => s.applicant_name || t('common.none') },
        { label: t('cases.step.name'), cell: s => nm(s, 'step_name') },
        { label: t('cases.step.department'), cell: s => s.org_name },
        { label: t('cases.step.state'), class: 'nowrap', cell: s => nm(s, 'state_name') },
        { label: t('cases.step.due'), class: 'nowrap', cell: s => (s.due_date
          ? h('span', null, s.due_date, s.overdue ? [' ', h('span', { class: 'badge badge-danger' }, t('cases.overdue'))] : null)
          : h('span', { class: 'badge badge-warn' }, t('cases.step.deadline_unset'))) },
      ], items, { id: 'inbox-table', caption: t('inbox.sec.waiting') }));
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, loadInbox));
    }
  }

  async function loadSupervise() {
    const show = resultsArea(supervise);
    try {
      const data = await get('/cases/overdue', { limit: 200 });
      if (!ctx.alive()) return;
      const items = (data && data.items) || [];
      if (!items.length) { show(emptyState(t('inbox.supervise_empty'), 'supervise-empty')); return; }
      show(dataTable([
        { label: t('cases.col.id'), class: 'nowrap', cell: c => h('a', { href: `#/cases/${c.id}`, class: 'case-link' }, `#${c.id}`) },
        { label: t('cases.col.type'), cell: c => nm(c, 'type_name') },
        { label: t('cases.col.applicant'), cell: c => c.applicant_name || t('common.none') },
        { label: t('cases.col.region'), cell: c => c.region_name || c.region_code },
        { label: t('inbox.col.overdue_steps'), class: 'nowrap', cell: c => String(c.overdue_steps) },
        { label: t('cases.col.progress'), class: 'nowrap', cell: progress },
      ], items, { id: 'supervise-table', caption: t('inbox.sec.supervise') }));
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, loadSupervise));
    }
  }

  loadInbox();
  if (!department) loadSupervise();
}
