// A case's page: the applicant, each step with its department, state and due
// date (late ones marked), the actions the signed-in user may take on it,
// the timeline, and comments. For the applicant it is the one progress view
// of their case; the server decides who may do what and says so per step.
import { h, mount } from '../dom.js';
import { t, fmtTime, roleLabel } from '../i18n.js';
import { get, post, upload, API } from '../api.js';
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
      section('attachments', t('cases.sec.attachments'),
        c.state === 'open' && ctx.user.role !== 'auditor'
          ? h('button', { type: 'button', class: 'btn', id: 'case-upload', onclick: () => uploadDialog(c) }, t('cases.upload')) : null,
        attachments(c)),
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

  function attachments(c) {
    const list = c.attachments || [];
    const onRecord = (c.materials_on_record || []).map(m => h('li', null, t('cases.on_record', { name: m.material, basis: m.basis })));
    if (!list.length && !onRecord.length) return emptyState(t('cases.no_attachments'), 'case-attachments-empty');
    return h('div', null,
      onRecord.length ? h('ul', { class: 'hint', id: 'case-on-record' }, onRecord) : null,
      list.length ? dataTable([
        { label: t('cases.att.file'), cell: a => h('a', { href: `${API}${base}/attachments/${a.id}`, class: 'attachment-link', dataset: { id: a.id } }, a.filename) },
        { label: t('cases.att.material'), cell: a => a.material || t('common.none') },
        { label: t('cases.step.name'), cell: a => nm((c.steps || []).find(s => s.id === a.step_id) || {}) || t('common.none') },
        { label: t('cases.att.size'), class: 'nowrap', cell: a => `${Math.ceil(a.size / 1024)} KB` },
        { label: t('cases.att.by'), cell: a => `${a.uploaded_by}（${fmtTime(a.created_at)}）` },
      ], list, { id: 'case-attachments', caption: t('cases.sec.attachments') }) : null);
  }

  function uploadDialog(c) {
    const file = h('input', { type: 'file', id: 'upload-file', name: 'file', accept: 'application/pdf,image/jpeg,image/png', required: true });
    const material = h('input', { id: 'upload-material', name: 'material', maxlength: '50', autocomplete: 'off', list: 'upload-materials' });
    const known = [...new Set((c.steps || []).flatMap(s => s.actions.flatMap(a => a.materials)).concat(['部队证明', '落户介绍信']))];
    const stepSel = h('select', { id: 'upload-step', name: 'step' }, h('option', { value: '' }, t('cases.att.whole_case')),
      (c.steps || []).map(s => h('option', { value: String(s.id) }, nm(s))));
    openDialog({
      id: 'upload-dialog',
      title: t('cases.upload'),
      submitLabel: t('cases.upload'),
      body: [
        h('p', { class: 'hint' }, t('cases.upload_hint')),
        field(t('cases.att.file'), file),
        field(t('cases.att.material'), material),
        h('datalist', { id: 'upload-materials' }, known.map(m => h('option', { value: m }))),
        field(t('cases.step.name'), stepSel),
      ],
      onSubmit: async () => {
        const f = file.files && file.files[0];
        if (!f) throw fieldError('file', t('cases.upload_pick'));
        const query = { name: f.name };
        if (material.value.trim()) query.material = material.value.trim();
        if (stepSel.value) query.step = stepSel.value;
        await upload(`${base}/attachments`, f, { query }).promise;
        toast(t('cases.uploaded'), 'success');
        load();
      },
    });
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

  // a material attached to the case (or this step) as that kind, or held on record, is already in hand
  function held(c, s, m) {
    return (c.attachments || []).some(x => x.material === m && (x.step_id == null || x.step_id === s.id))
      || (c.materials_on_record || []).some(x => x.material === m);
  }

  function actionDialog(c, s, a) {
    const comment = h('input', { id: 'action-comment', name: 'comment', maxlength: '500', autocomplete: 'off' });
    const boxes = a.materials.map((m, i) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: 'materials', value: m, id: `material-${i}`, checked: held(c, s, m) }), ' ', t('cases.material_received', { name: m })));
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
