// 阳光安置 公示, open to anyone without signing in: the published batches, and
// one batch's masked score list, posts, digests (with the exact text they hash),
// its versions and what changed, and once chosen the result list.
import { h, mount } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { get, API } from '../api.js';
import { emptyState, errorState, dataTable, resultsArea, pageHeader, section } from '../ui.js';
import { scoreList, postList, changesList, digest, statusLabel, outcomeLabel } from './placement-common.js';

export function render(ctx) {
  const id = ctx.params && ctx.params.id;
  const area = h('div', { id: 'public-placement' });
  mount(ctx.main, area);
  ctx.setTitle(t('nav.placement_public'));
  if (!id) list(); else one();

  async function list() {
    const show = resultsArea(area);
    try {
      const d = await get('/public/placement', null, { handle401: false });
      if (!ctx.alive()) return;
      show(pageHeader(t('nav.placement_public')), h('p', { class: 'page-intro' }, t('placement.public_intro')),
        d.items.length ? dataTable([
          { label: t('placement.year'), cell: b => String(b.year) },
          { label: t('placement.batch_name'), cell: b => h('a', { href: `#/public/placement/${b.id}` }, b.name) },
          { label: t('placement.region'), cell: b => b.region_name },
          { label: t('placement.status'), cell: b => statusLabel(b.status) },
          { label: t('placement.published_at'), cell: b => fmtTime(b.published_at) },
        ], d.items, { id: 'public-batches' }) : emptyState(t('placement.public_empty'), 'public-empty'));
    } catch (err) { if (ctx.alive()) show(errorState(err, list)); }
  }

  async function one() {
    const show = resultsArea(area);
    try {
      const b = await get(`/public/placement/${id}`, null, { handle401: false });
      if (!ctx.alive()) return;
      ctx.setTitle(b.name);
      const canon = list => `${API}/public/placement/${id}/canonical?list=${list}`;
      show(pageHeader(b.name, h('a', { class: 'btn', href: '#/public/placement' }, t('placement.all_batches')),
        b.mode === 'live' && b.status !== 'published' ? h('a', { class: 'btn', href: `#/projector/${id}` }, t('nav.placement_projector')) : null),
      h('p', { class: 'placement-meta', id: 'public-status' }, `${b.region_name} · ${statusLabel(b.status)} · ${t('placement.version', { v: b.version })} · `
        + t('placement.public_dates', { at: fmtTime(b.published_at), obj: fmtTime(b.objection_until), pub: fmtTime(b.publicity_until) })),
      section('digests', t('placement.digests'), null, h('div', null,
        digest(t('placement.scores_digest'), b.scores_digest, 'public-scores-digest'),
        digest(t('placement.posts_digest'), b.posts_digest, 'public-posts-digest'),
        b.results_digest ? digest(t('placement.results_digest'), b.results_digest, 'public-results-digest') : null,
        h('p', { class: 'hint' }, t('placement.digest_howto'), ' ',
          h('a', { href: canon('scores'), id: 'canon-scores' }, t('placement.canon_scores')), ' · ',
          h('a', { href: canon('posts') }, t('placement.canon_posts')),
          b.results_digest ? [' · ', h('a', { href: canon('results') }, t('placement.canon_results'))] : null))),
      b.results ? section('public-results', t('placement.results'), null, dataTable([
        { label: t('placement.rank'), cell: x => String(x.rank) },
        { label: t('placement.number'), cell: x => x.number },
        { label: t('placement.name'), cell: x => x.name },
        { label: t('placement.outcome'), cell: x => outcomeLabel(x.outcome) },
        { label: t('placement.post'), cell: x => (x.post ? `${x.post} ${x.employer} ${x.title}` : '—') },
      ], b.results, { id: 'public-results-table' })) : null,
      section('public-scores', t('placement.score_list'), null, scoreList(b.scores, 'public-scores')),
      section('public-posts', t('placement.posts'), null, postList(b.posts, 'public-posts')),
      section('public-versions', t('placement.versions'), null, h('div', null, b.versions.slice().reverse().map(v =>
        h('div', { class: 'placement-version' }, h('h3', null, t('placement.version', { v: v.version }), ' · ', fmtTime(v.published_at), v.reason ? ` · ${v.reason}` : ''),
          digest(t('placement.scores_digest'), v.scores_digest),
          v.changes ? changesList(v.changes, `public-version-${v.version}-changes`) : null)))));
    } catch (err) { if (ctx.alive()) show(errorState(err, one)); }
  }
}
