// What the placement pages share: the score breakdown a veteran checks line by
// line against the table, the receipt, the published list and its digests.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { dataTable, emptyState } from '../ui.js';

/** The label of a policy item code ("years.first" → 服役年限内每年). */
export const itemLabel = code => t(`placement.item.${code.split('.').slice(0, 2).join('.')}`, null, code);

/** A score's lines: item, quantity × per unit = points, and the total. */
export function breakdown(score, id) {
  if (!score) return emptyState(t('placement.no_score'), id && `${id}-empty`);
  if (score.status === 'first') return h('p', { class: 'placement-first', id }, t('placement.placed_first'));
  return h('div', { id },
    dataTable([
      { label: t('placement.col.item'), cell: l => h('span', { title: l.item }, itemLabel(l.item), ' ', h('code', null, l.item)) },
      { label: t('placement.col.quantity'), cell: l => l.quantity },
      { label: t('placement.col.per_unit'), cell: l => l.per_unit },
      { label: t('placement.col.points'), cell: l => l.points },
    ], score.lines, { caption: t('placement.breakdown') }),
    h('p', { class: 'placement-total' }, t('placement.total', { total: score.total }),
      score.tie_rule ? h('span', { class: 'hint' }, ' ', t('placement.tie_by', { rule: tieLabel(score.tie_rule) })) : null));
}

export const tieLabel = rule => t(`placement.tie.${rule}`, null, rule);
export const outcomeLabel = o => t(`placement.outcome.${o}`, null, o);
export const statusLabel = s => t(`placement.status.${s}`, null, s);

/** A receipt: rank, the posts open at the turn, what came of it, who took the posts ranked higher. */
export function receipt(r) {
  if (!r) return emptyState(t('placement.no_receipt'), 'receipt-empty');
  return h('dl', { class: 'placement-receipt', id: 'receipt' },
    h('dt', null, t('placement.rank')), h('dd', { id: 'receipt-rank' }, String(r.rank)),
    h('dt', null, t('placement.outcome')), h('dd', { id: 'receipt-outcome' }, outcomeLabel(r.outcome),
      r.post ? ` · ${r.post.number} ${r.post.employer} ${r.post.title}` : ''),
    h('dt', null, t('placement.open_at_turn')), h('dd', null, r.open_at_turn.join('、') || t('common.none')),
    r.ranked_higher.length ? [h('dt', null, t('placement.ranked_higher')),
      h('dd', null, r.ranked_higher.map(x => t('placement.taken_by', { post: x.post, rank: x.taken_by_rank })).join('；'))] : null);
}

/** The published (masked) score list. */
export const scoreList = (items, id) => dataTable([
  { label: t('placement.rank'), cell: x => String(x.rank) },
  { label: t('placement.number'), cell: x => x.number },
  { label: t('placement.name'), cell: x => x.name },
  { label: t('placement.total_col'), cell: x => (x.status === 'first' ? t('placement.first_short') : x.total) },
  { label: t('placement.tie_col'), cell: x => (x.tie_rule ? tieLabel(x.tie_rule) : '') },
], items, { id, caption: t('placement.score_list') });

export const postList = (items, id) => dataTable([
  { label: t('placement.post_number'), cell: p => p.number },
  { label: t('placement.employer'), cell: p => p.employer },
  { label: t('placement.post_title'), cell: p => p.title },
  { label: t('placement.places'), cell: p => String(p.places) },
  { label: t('placement.min_education'), cell: p => t(`placement.edu.${p.min_education}`, null, p.min_education) },
], items, { id, caption: t('placement.posts') });

/** Which candidates a new version moved. */
export function changesList(changes, id) {
  if (!changes || !changes.length) return emptyState(t('placement.no_changes'), id);
  return dataTable([
    { label: t('placement.number'), cell: c => c.number },
    { label: t('placement.name'), cell: c => c.name },
    { label: t('placement.before'), cell: c => (c.before ? `${t('placement.rank')} ${c.before.rank} · ${c.before.total}` : '—') },
    { label: t('placement.after'), cell: c => (c.after ? `${t('placement.rank')} ${c.after.rank} · ${c.after.total}` : '—') },
  ], changes, { id, caption: t('placement.changes') });
}

export const digest = (label, value, id) =>
  h('p', { class: 'placement-digest' }, h('span', null, label, '：'), h('code', { id }, value || '—'));
