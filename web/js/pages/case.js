// A case's page: the applicant, each step with its department, state and due
// date (late ones marked), the actions the signed-in user may take on it,
// the timeline, and comments. For the applicant it is the one progress view
// of their case; the server decides who may do what and says so per step.
import { h, mount } from '../dom.js';
import { t, fmtTime, roleLabel } from '../i18n.js';
import { get, post } from '../api.js';
import { toast, loading, errorState, field, fieldError, openDialog, dataTable, section, emptyState } from '../ui.js';
import { nm, caseStateBadge, progress } from './cases.js';

export function render(ctx) {
  const id = ctx.params && ctx.params.id;
  const base = `/cases/${encodeURIComponent(id)}`;
  const back = () => h('p', { class: 'back-link' },
    h('a', { href: ctx.user.role === 'person' ? '#/my-cases' : '#/cases' }, t(ctx.user.role === 'person' ? 'cases.back_mine' : 'cases.back')));
  ctx.setTitle(t('nav.case'));

  async function load() {
    mount(ctx.main, loading());
    try {
      const c = await get(base);
      if (ctx.alive()) show(c);
    } catch (err) {
      if (ctx.alive() && err.status !== 401) mount(ctx.main, back(), errorState(err, load));
    }
  }

  function show(c) {
    ctx.setTitle(`${nm(c, 'type_name')} #${c.id}`);
    mount(ctx.main,
      back(),
      h('div', { class: 'page-header' },
        h('h1', { class: 'page-title', id: 'case-title' }, `${nm(c, 'type_name')} #${c.id}`),
        h('div', { class: 'page-actions' }, caseStateBadge(c.state),
          c.supervised ? h('span', { class: 'badge badge-danger', id: 'case-supervised' }, t('cases.supervised')) : null)),
      h('dl', { class: 'facts', id: 'case-facts' },
        h('dt', null, t('cases.col.applicant')), h('dd', null, c.applicant ? c.applicant.name : t('common.none')),
        h('dt', null, t('cases.col.region')), h('dd', null, c.region_name || c.region_code),
        h('dt', null, t('cases.col.opened_on')), h('dd', null, c.opened_on),
        h('dt', null, t('cases.col.progress')), h('dd', { id: 'case-progress' }, progress(c)),
        c.note ? [h('dt', null, t('cases.form.note')), h('dd', null, c.note)] : null),
      section('steps', t('cases.sec.steps'), null,
        dataTable(stepColumns(c), c.steps, { id: 'case-steps', caption: t('cases.sec.steps') })),
      section('timeline', t('cases.sec.timeline'),
        c.may_comment ? h('button', { type: 'button', class: 'btn', id: 'case-comment', onclick: () => commentDialog() }, t('cases.comment')) : null,
        timeline(c)));
  }

  function stepColumns(c) {
    return [
      { label: t('cases.step.name'), cell: s => h('strong', null, nm(s)) },
      { label: t('cases.step.department'), cell: s => s.org_name || t('common.none') },
      { label: t('cases.step.state'), class: 'nowrap', cell: s => h('span', {
        class: ['badge', s.final ? 'badge-on' : 'badge-type'], dataset: { step: s.code, state: s.state } }, nm(s, 'state_name')) },
      { label: t('cases.step.due'), class: 'nowrap', cell: s => dueCell(s) },
      { label: t('cases.step.actions'), cell: s => (s.actions.length
        ? h('div', { class: 'row-actions' }, s.actions.map(a => h('button', {
          type: 'button', class: 'btn btn-small', dataset: { step: s.code, action: a.action },
          onclick: () => actionDialog(c, s, a),
        }, nm(a))))
        : (s.final ? t('cases.step.ended', { at: fmtTime(s.ended_at) }) : t('common.none'))) },
    ];
  }

  function dueCell(s) {
    if (s.final) return t('common.none');
    if (!s.due_date) return h('span', { class: 'badge badge-warn' }, t('cases.step.deadline_unset'));
    return h('span', null, s.due_date, s.overdue ? [' ', h('span', { class: 'badge badge-danger' }, t('cases.overdue'))] : null);
  }

  function timeline(c) {
    if (!c.timeline.length) return emptyState(t('cases.timeline_empty'));
    return h('ol', { class: 'timeline', id: 'case-timeline' }, c.timeline.map(e => h('li', { class: 'timeline-item', dataset: { action: e.action } },
      h('span', { class: 'timeline-time' }, fmtTime(e.created_at)), ' ',
      h('strong', null, eventLabel(e)), ' ',
      h('span', { class: 'hint' }, `${e.actor}（${roleLabel(e.actor_role)}）`),
      e.materials && e.materials.length ? h('div', { class: 'hint' }, t('cases.materials_given', { list: e.materials.join('、') })) : null,
      e.comment ? h('div', { class: 'timeline-comment' }, e.comment) : null)));
  }

  function eventLabel(e) {
    if (e.action === 'open') return t('cases.event.open');
    if (e.action === 'close') return t('cases.event.close');
    if (e.action === 'comment') return t('cases.event.comment');
    return t('cases.event.step', { step: nm(e, 'step_name') || e.step, from: nm(e, 'from_name') || e.from_state, to: nm(e, 'to_name') || e.to_state });
  }

  function actionDialog(c, s, a) {
    const comment = h('input', { id: 'action-comment', name: 'comment', maxlength: '500', autocomplete: 'off' });
    const boxes = a.materials.map((m, i) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: 'materials', value: m, id: `material-${i}` }), ' ', t('cases.material_received', { name: m })));
    openDialog({
      id: 'action-dialog',
      title: `${nm(s)} · ${nm(a)}`,
      submitLabel: nm(a),
      danger: a.action === 'refuse',
      body: [
        h('p', null, t('cases.action_to', { state: a.to_name || a.to })),
        boxes.length ? h('fieldset', { class: 'field', name: 'materials' }, h('legend', null, t('cases.materials')), boxes) : null,
        field(t('cases.action_comment'), comment),
      ],
      onSubmit: async form => {
        const materials = [...form.querySelectorAll('input[name=materials]:checked')].map(x => x.value);
        const missing = a.materials.filter(m => !materials.includes(m));
        if (missing.length) throw fieldError('materials', t('cases.material_missing', { name: missing[0] }));
        const page = await post(`${base}/steps/${s.id}/transitions`, { action: a.action, comment: comment.value.trim() || null, materials });
        toast(t('cases.moved'), 'success');
        if (ctx.alive()) show(page);
      },
    });
  }

  function commentDialog() {
    const text = h('input', { id: 'comment-text', name: 'comment', maxlength: '500', autocomplete: 'off', required: true });
    openDialog({
      id: 'comment-dialog',
      title: t('cases.comment'),
      body: field(t('cases.comment_text'), text),
      onSubmit: async () => {
        if (!text.value.trim()) throw fieldError('comment', t('cases.comment_required'));
        const page = await post(`${base}/comments`, { comment: text.value.trim() });
        if (ctx.alive()) show(page);
      },
    });
  }

  load();
}
