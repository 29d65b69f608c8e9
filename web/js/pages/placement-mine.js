// The veteran's own placement page: each candidacy, the score line by line as
// it was computed from the table, the reasons when not eligible, the receipt.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { get } from '../api.js';
import { emptyState, errorState, resultsArea, pageHeader, section } from '../ui.js';
import { breakdown, receipt, statusLabel, digest } from './placement-common.js';

export function render(ctx) {
  ctx.setTitle(t('nav.my_placement'));
  const area = h('div', { id: 'my-placement' });
  mount(ctx.main, pageHeader(t('nav.my_placement')), area);

  async function load() {
    const show = resultsArea(area);
    try {
      const d = await get('/placement/mine');
      if (!ctx.alive()) return;
      if (!d.items.length) { show(emptyState(t('placement.mine_empty'), 'mine-empty')); return; }
      show(...d.items.map((c, i) => section(`mine-${i}`, `${c.batch} · ${c.number}`,
        h('a', { class: 'btn btn-link', href: `#/public/placement/${c.batch_id}` }, t('nav.placement_public')),
        h('div', null,
          h('p', { class: 'placement-meta' }, statusLabel(c.batch_status)),
          c.eligible ? null : h('p', { class: 'placement-reason' }, c.reason_zh),
          h('h3', null, t('placement.breakdown')), breakdown(c.score, `mine-breakdown-${i}`),
          h('h3', null, t('placement.receipt')), receipt(c.receipt),
          c.results_digest ? digest(t('placement.results_digest'), c.results_digest) : null))));
    } catch (err) { if (ctx.alive() && err.status !== 401) show(errorState(err, load)); }
  }
  load();
}
