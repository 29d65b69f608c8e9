// One 阳光安置 batch for officers: candidates (eligibility and reasons), posts,
// scores, 公示 and its versions, objections, the live session or preferences,
// results, and the export anyone can verify.
import { h, mount, select } from '../dom.js';
import { t, fmtTime, getLang } from '../i18n.js';
import { get, post, patch, API } from '../api.js';
import { toast, emptyState, errorState, field, fieldError, openDialog, dataTable, resultsArea, pageHeader, section,
  downloadFile } from '../ui.js';
import { breakdown, receipt, postList, changesList, digest, statusLabel, outcomeLabel } from './placement-common.js';

const EDU = ['none', 'junior', 'senior', 'college', 'bachelor', 'postgrad'];

export function render(ctx) {
  const id = ctx.params.id;
  const writer = ['admin', 'officer'].includes(ctx.user.role);
  const area = h('div', { id: 'batch-page' });
  mount(ctx.main, area);
  const base = `/placement/batches/${id}`;

  const act = (fn, okMsg) => async () => {
    try {
      await fn();
      if (okMsg) toast(okMsg, 'ok');
      if (ctx.alive()) load();
    } catch (err) {
      if (err.status !== 401) toast(err.message);
    }
  };

  async function load() {
    const show = resultsArea(area);
    try {
      const b = await get(base);
      const extra = {};
      if (!b.scoring_error) extra.scores = await get(`${base}/scores`);
      if (b.mode === 'live' && ['choosing', 'closed'].includes(b.status)) {
        extra.session = await get(`${base}/session`);
        extra.steps = (await get(`${base}/session/steps`)).items;
      }
      if (b.status === 'closed') extra.results = await get(`${base}/results`);
      if (b.versions.length) extra.versions = (await get(`${base}/versions`)).items;
      if (!ctx.alive()) return;
      ctx.setTitle(b.name);
      show(...page(b, extra));
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, load));
    }
  }

  function page(b, x) {
    const draft = b.status === 'draft';
    const actions = writer ? [
      draft ? h('button', { type: 'button', class: 'btn', id: 'batch-draw', onclick: act(() => post(`${base}/draw`, {}), t('placement.drawn')) }, t('placement.draw')) : null,
      // A batch that cannot be scored cannot be published either: the reason is shown below the header.
      ['draft', 'published'].includes(b.status) ? h('button', { type: 'button', class: 'btn btn-primary', id: 'batch-publish',
        disabled: !!b.scoring_error, title: b.scoring_error ? t('placement.publish_blocked') : null,
        'aria-describedby': b.scoring_error ? 'batch-scoring-error' : null,
        onclick: () => publishDialog(b) }, t('placement.publish')) : null,
      b.status === 'published' && b.mode === 'live' ? h('button', { type: 'button', class: 'btn', id: 'batch-start',
        onclick: act(() => post(`${base}/session/start`, {}), t('placement.started')) }, t('placement.start')) : null,
      (b.status === 'published' && b.mode === 'preferences') || (b.status === 'choosing' && x.session && x.session.over)
        ? h('button', { type: 'button', class: 'btn btn-primary', id: 'batch-close', onclick: act(() => post(`${base}/results`, {}), t('placement.closed')) },
          t('placement.close')) : null,
    ] : [];
    return [
      pageHeader(b.name, ...actions,
        !draft ? h('button', { type: 'button', class: 'btn', id: 'batch-export', onclick: act(() => downloadFile(API + `${base}/export`, `placement-${id}.json`)) }, t('placement.export')) : null,
        !draft ? h('a', { class: 'btn', href: `#/public/placement/${id}`, id: 'batch-public-link' }, t('nav.placement_public')) : null,
        b.mode === 'live' && !draft ? h('a', { class: 'btn', href: `#/projector/${id}`, id: 'batch-projector-link' }, t('nav.placement_projector')) : null),
      h('p', { class: 'placement-meta', id: 'batch-status' },
        `${statusLabel(b.status)} · ${t(`placement.mode.${b.mode}`)} · ${t('placement.absence_rule')}：${t(`placement.absence.${b.absence_rule}`)}`
        + ` · ${t('placement.tie_break')}：${b.tie_break} · ${t('placement.policy')}：${b.policy_in_force}`
        + ` · ${t('placement.window', { from: b.discharged_from, to: b.discharged_to })}`
        + ` · ${t('placement.days', { p: b.publicity_days, o: b.objection_days })}`),
      b.scoring_error ? h('div', { class: 'state state-error', role: 'alert', id: 'batch-scoring-error' },
        h('strong', null, t('placement.cannot_score')), h('span', null, b.scoring_error[getLang() === 'en' ? 'message_en' : 'message_zh']),
        h('a', { href: '#/placement-policies' }, t('nav.placement_policies'))) : null,
      x.versions ? section('versions', t('placement.versions'), null, versions(x.versions)) : null,
      x.session ? section('session', t('placement.session'), null, sessionPanel(b, x.session, x.steps)) : null,
      x.results ? section('results', t('placement.results'), h('a', { class: 'btn btn-link', href: `${API}${base}/results?format=xlsx`, download: '' }, t('common.export_xlsx')),
        resultsPanel(x.results)) : null,
      section('candidates', t('placement.candidates'),
        writer && draft ? h('button', { type: 'button', class: 'btn', id: 'candidate-add', onclick: () => addCandidate() }, t('placement.add_candidate')) : null,
        candidates(b, x.scores)),
      section('posts', t('placement.posts'),
        writer && draft ? h('button', { type: 'button', class: 'btn', id: 'post-add', onclick: () => addPost() }, t('placement.add_post')) : null,
        b.posts.length ? postList(b.posts, 'posts-table') : emptyState(t('placement.no_posts'), 'posts-empty')),
      x.scores ? section('scores', t('placement.scores'),
        h('a', { class: 'btn btn-link', id: 'scores-xlsx', href: `${API}${base}/scores?format=xlsx`, download: '' }, t('common.export_xlsx')),
        h('div', null, digest(t('placement.scores_digest_now'), x.scores.digests.scores, 'scores-digest-now'))) : null,
      !draft ? section('objections', t('placement.objections'),
        writer || ctx.user.role === 'person' ? h('button', { type: 'button', class: 'btn', id: 'objection-add', onclick: () => addObjection(b) }, t('placement.add_objection')) : null,
        objections(b)) : null,
    ];
  }

  function candidates(b, scores) {
    if (!b.candidates.length) return emptyState(t('placement.no_candidates'), 'candidates-empty');
    const byId = new Map((scores ? scores.items : []).map(s => [s.candidate_id, s]));
    const prefs = b.mode === 'preferences' && b.status === 'published' && writer;
    return dataTable([
      { label: t('placement.number'), cell: c => c.number },
      { label: t('placement.name'), cell: c => c.name },
      { label: t('placement.eligible'), cell: c => (c.eligible ? h('span', { class: 'badge badge-on' }, t('placement.yes'))
        : h('span', { class: 'placement-reason', title: c.reason_en }, c.reason_zh)) },
      { label: t('placement.rank'), cell: c => (c.rank ? String(c.rank) : '—') },
      { label: t('placement.total_col'), cell: c => (byId.get(c.id) ? byId.get(c.id).total : '—') },
      { label: t('placement.education'), cell: c => t(`placement.edu.${c.inputs.education}`) },
      { label: t('common.actions'), class: 'actions', cell: c => [
        h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'detail', number: c.number }, onclick: () => detail(c) }, t('placement.detail')),
        writer && ['draft', 'published'].includes(b.status) ? h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'edit', number: c.number },
          onclick: () => editCandidate(b, c) }, t('placement.edit')) : null,
        prefs && c.eligible ? h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'prefs', number: c.number },
          onclick: () => preferences(c) }, t('placement.preferences')) : null,
      ] },
    ], b.candidates, { id: 'candidates-table', caption: t('placement.candidates') });
  }

  async function detail(c) {
    try {
      const p = await get(`${base}/candidates/${c.id}`);
      openDialog({ id: 'candidate-dialog', title: `${p.number} ${p.name}`, submitLabel: t('common.close'),
        body: [breakdown(p.score, 'candidate-breakdown'), p.reason_zh ? h('p', { class: 'placement-reason' }, p.reason_zh) : null,
          p.receipt ? receipt(p.receipt) : null], onSubmit: async () => {} });
    } catch (err) { if (err.status !== 401) toast(err.message); }
  }

  function editCandidate(b, c) {
    const edu = select({ id: 'cand-education', name: 'education' }, EDU.map(v => ({ value: v, label: t(`placement.edu.${v}`) })), c.inputs.education);
    const honour = select({ id: 'cand-honour', name: 'honour' }, ['none', 'bayi', 'title'].map(v => ({ value: v, label: t(`placement.honour.${v}`) })), c.inputs.honour);
    const reason = h('input', { id: 'cand-reason', name: 'reason', type: 'text', maxlength: '200' });
    openDialog({ id: 'candidate-edit', title: `${c.number} ${c.name}`,
      body: [field(t('placement.education'), edu), field(t('placement.honour'), honour),
        b.status === 'published' ? field(t('placement.reason'), reason, t('placement.hint.reason')) : null],
      submitLabel: t('common.save'),
      onSubmit: async () => {
        if (b.status === 'published' && !reason.value.trim()) throw fieldError('reason', t('placement.hint.reason'));
        await patch(`${base}/candidates/${c.id}`, { inputs: { education: edu.value, honour: honour.value }, reason: reason.value.trim() || undefined });
        if (ctx.alive()) load();
      } });
  }

  function preferences(c) {
    const posts = h('input', { id: 'pref-posts', name: 'posts', type: 'text', value: (c.preferences || []).join(','), placeholder: 'P01,P03' });
    openDialog({ id: 'pref-dialog', title: `${t('placement.preferences')} · ${c.number}`, body: [field(t('placement.preferences'), posts, t('placement.hint.prefs'))],
      submitLabel: t('common.save'),
      onSubmit: async () => {
        await post(`${base}/preferences`, { candidate_id: c.id, posts: posts.value.split(/[,，\s]+/).filter(Boolean) });
        if (ctx.alive()) load();
      } });
  }

  function addCandidate() {
    const pid = h('input', { id: 'cand-person', name: 'person_id', type: 'number', min: '1', required: true });
    openDialog({ id: 'candidate-add-dialog', title: t('placement.add_candidate'), body: [field(t('placement.person_id'), pid)],
      submitLabel: t('common.create'),
      onSubmit: async () => { await post(`${base}/candidates`, { person_id: Number(pid.value) }); if (ctx.alive()) load(); } });
  }

  function addPost() {
    const inp = (name, type = 'text', extra = {}) => h('input', { id: `post-${name}`, name, type, ...extra });
    const employer = inp('employer', 'text', { maxlength: '99', required: true });
    const title = inp('title', 'text', { maxlength: '95', required: true });
    const places = inp('places', 'number', { min: '1', max: '10000', value: '1', required: true });
    const edu = select({ id: 'post-min_education', name: 'min_education' }, EDU.map(v => ({ value: v, label: t(`placement.edu.${v}`) })), 'none');
    openDialog({ id: 'post-dialog', title: t('placement.add_post'),
      body: [field(t('placement.employer'), employer), field(t('placement.post_title'), title), field(t('placement.places'), places),
        field(t('placement.min_education'), edu)],
      submitLabel: t('common.create'),
      onSubmit: async () => {
        if (!employer.value.trim()) throw fieldError('employer', t('users.required'));
        await post(`${base}/posts`, { employer: employer.value.trim(), title: title.value.trim(), places: Number(places.value), min_education: edu.value });
        if (ctx.alive()) load();
      } });
  }

  function publishDialog(b) {
    const reason = h('input', { id: 'publish-reason', name: 'reason', type: 'text', maxlength: '200', value: b.version ? '' : t('placement.first_publication') });
    openDialog({ id: 'publish-dialog', title: t('placement.publish'), body: [h('p', null, t('placement.publish_explain')), field(t('placement.reason'), reason)],
      submitLabel: t('placement.publish'),
      onSubmit: async () => {
        const v = await post(`${base}/publish`, { reason: reason.value.trim() || undefined });
        toast(v.unchanged ? t('placement.unchanged') : t('placement.published', { v: v.version }), 'ok');
        if (ctx.alive()) load();
      } });
  }

  function versions(list) {
    return h('div', null, list.slice().reverse().map(v => h('div', { class: 'placement-version', dataset: { version: v.version } },
      h('h3', null, t('placement.version', { v: v.version }), ' · ', fmtTime(v.published_at), v.reason ? ` · ${v.reason}` : ''),
      digest(t('placement.scores_digest'), v.scores_digest, `version-${v.version}-scores`),
      digest(t('placement.posts_digest'), v.posts_digest, `version-${v.version}-posts`),
      v.changes ? h('div', null, h('h4', null, t('placement.changes')), changesList(v.changes, `version-${v.version}-changes`)) : null)));
  }

  function objections(b) {
    const rows = b.objections;
    if (!rows.length) return emptyState(t('placement.no_objections'), 'objections-empty');
    return dataTable([
      { label: t('placement.number'), cell: o => `${o.number} ${o.name}` },
      { label: t('placement.version_col'), cell: o => String(o.version) },
      { label: t('placement.objection_text'), cell: o => o.text },
      { label: t('placement.filed_by'), cell: o => (o.by_candidate ? t('placement.by_candidate') : o.filed_by) },
      { label: t('placement.status'), cell: o => t(`placement.objection.${o.status}`) },
      { label: t('placement.outcome_note'), cell: o => o.outcome || '' },
      { label: t('common.actions'), class: 'actions', cell: o => (writer && o.status === 'open'
        ? h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'decide', id: o.id }, onclick: () => decide(o) }, t('placement.decide')) : null) },
    ], rows, { id: 'objections-table', caption: t('placement.objections') });
  }

  function addObjection(b) {
    const who = select({ id: 'objection-candidate', name: 'candidate_id' }, b.candidates.map(c => ({ value: String(c.id), label: `${c.number} ${c.name}` })));
    const text = h('textarea', { id: 'objection-text', name: 'text', maxlength: '2000', required: true });
    openDialog({ id: 'objection-dialog', title: t('placement.add_objection'), body: [field(t('placement.candidate'), who), field(t('placement.objection_text'), text)],
      submitLabel: t('common.create'),
      onSubmit: async () => {
        if (!text.value.trim()) throw fieldError('text', t('users.required'));
        await post(`${base}/objections`, { candidate_id: Number(who.value), text: text.value.trim() });
        if (ctx.alive()) load();
      } });
  }

  function decide(o) {
    const outcome = select({ id: 'decide-outcome', name: 'outcome' }, ['rejected', 'upheld'].map(v => ({ value: v, label: t(`placement.objection.${v}`) })), 'rejected');
    const note = h('textarea', { id: 'decide-note', name: 'note', maxlength: '2000', required: true });
    openDialog({ id: 'decide-dialog', title: `${t('placement.decide')} · ${o.number}`, body: [field(t('placement.outcome'), outcome), field(t('placement.outcome_note'), note)],
      submitLabel: t('common.save'),
      onSubmit: async () => {
        if (!note.value.trim()) throw fieldError('note', t('users.required'));
        await post(`${base}/objections/${o.id}/decide`, { outcome: outcome.value, note: note.value.trim() });
        if (ctx.alive()) load();
      } });
  }

  function sessionPanel(b, s, steps) {
    const choosing = b.status === 'choosing' && !s.over && writer;
    const open = s.posts.filter(p => p.left > 0);
    const postSel = select({ id: 'step-post', name: 'post' }, open.map(p => ({ value: p.number, label: `${p.number} ${p.employer} ${p.title}（${t('placement.left', { n: p.left })}）` })));
    const record = body => act(async () => {
      const r = await post(`${base}/session/steps`, { candidate: s.current.number, ...body });
      printConfirmation(r.confirmation);
    })();
    return h('div', null,
      s.over ? h('p', { id: 'session-over' }, t('placement.session_over'))
        : h('p', { class: 'placement-turn', id: 'session-current' }, t('placement.now_turn', { number: s.current.number, name: s.current.name, rank: s.current.rank, total: s.current.total })),
      choosing ? h('div', { class: 'placement-step' },
        field(t('placement.choose_post'), postSel),
        h('button', { type: 'button', class: 'btn btn-primary', id: 'step-choose', disabled: !open.length, onclick: () => record({ choice: 'post', post: postSel.value }) }, t('placement.record_choice')),
        h('button', { type: 'button', class: 'btn', id: 'step-none', onclick: () => record({ choice: 'none' }) }, t('placement.record_none')),
        h('button', { type: 'button', class: 'btn', id: 'step-absent', onclick: () => record({ choice: 'absent' }) }, t('placement.record_absent'))) : null,
      h('h3', null, t('placement.posts_left')),
      dataTable([
        { label: t('placement.post_number'), cell: p => p.number },
        { label: t('placement.employer'), cell: p => p.employer },
        { label: t('placement.post_title'), cell: p => p.title },
        { label: t('placement.left_col'), cell: p => `${p.left} / ${p.places}` },
      ], s.posts, { id: 'session-posts' }),
      h('h3', null, t('placement.steps')),
      steps.length ? dataTable([
        { label: '#', cell: c => String(c.seq) },
        { label: t('placement.candidate'), cell: c => `${c.candidate.number} ${c.candidate.name}` },
        { label: t('placement.choice'), cell: c => (c.post ? `${c.post.number} ${c.post.employer} ${c.post.title}` : t(`placement.choice.${c.choice}`)) },
        { label: t('placement.recorded_by'), cell: c => `${c.recorded_by} ${fmtTime(c.recorded_at)}` },
        { label: t('common.actions'), class: 'actions', cell: c => h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'print', seq: c.seq },
          onclick: () => printConfirmation(c) }, t('placement.print')) },
      ], steps, { id: 'steps-table' }) : emptyState(t('placement.no_steps'), 'steps-empty'));
  }

  // The 选岗确认表 for the candidate to sign: what they chose, at which turn, recorded by whom.
  function printConfirmation(c) {
    openDialog({ id: 'confirmation-dialog', title: t('placement.confirmation'), submitLabel: t('common.close'),
      body: [h('dl', { class: 'placement-confirmation', id: 'confirmation' },
        h('dt', null, t('placement.batch_name')), h('dd', null, `${c.batch}（${c.region_name}）`),
        h('dt', null, t('placement.candidate')), h('dd', { id: 'confirmation-candidate' }, `${c.candidate.number} ${c.candidate.name}`),
        h('dt', null, t('placement.rank')), h('dd', null, `${c.candidate.rank} · ${c.candidate.total}`),
        h('dt', null, t('placement.choice')), h('dd', { id: 'confirmation-choice' }, c.post ? `${c.post.number} ${c.post.employer} ${c.post.title}` : t(`placement.choice.${c.choice}`)),
        h('dt', null, t('placement.step_no')), h('dd', null, String(c.seq)),
        h('dt', null, t('placement.recorded_by')), h('dd', null, `${c.recorded_by} ${fmtTime(c.recorded_at)}`),
        h('dt', null, t('placement.signature')), h('dd', { class: 'placement-sign' }, '')),
      h('button', { type: 'button', class: 'btn', id: 'confirmation-print', onclick: () => window.print() }, t('placement.print'))],
      onSubmit: async () => {} });
  }

  function resultsPanel(r) {
    return h('div', null, digest(t('placement.results_digest'), r.results_digest, 'results-digest'),
      dataTable([
        { label: t('placement.rank'), cell: x => String(x.rank) },
        { label: t('placement.number'), cell: x => x.number },
        { label: t('placement.name'), cell: x => x.name },
        { label: t('placement.outcome'), cell: x => outcomeLabel(x.outcome) },
        { label: t('placement.post'), cell: x => (x.post ? `${x.post} ${x.employer} ${x.title}` : '—') },
      ], r.items, { id: 'results-table' }));
  }

  load();
}
