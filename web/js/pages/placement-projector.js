// The placement hall's projector: whose turn it is and the posts with places
// left, in large type, refreshed every few seconds. Needs no sign-in.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { get } from '../api.js';
import { errorState } from '../ui.js';

const REFRESH_MS = 3000;

export function render(ctx) {
  const id = ctx.params.id;
  const area = h('div', { id: 'projector', class: 'projector' });
  mount(ctx.main, area);
  ctx.setTitle(t('nav.placement_projector'));
  let timer = null;

  async function load() {
    try {
      const s = await get(`/public/placement/${id}/projector`, null, { handle401: false });
      if (!ctx.alive()) return;
      mount(area,
        h('h1', { class: 'projector-title' }, s.batch),
        s.over ? h('p', { class: 'projector-turn', id: 'projector-over' }, t('placement.session_over'))
          : h('p', { class: 'projector-turn', id: 'projector-current' },
            t('placement.projector_turn', { number: s.current.number, name: s.current.name, rank: s.current.rank })),
        h('p', { class: 'projector-sub' }, t('placement.projector_open', { n: s.posts_open })),
        h('ul', { class: 'projector-posts', id: 'projector-posts' }, s.posts.map(p =>
          h('li', { class: ['projector-post', p.left ? null : 'projector-full'], dataset: { post: p.number } },
            h('span', { class: 'projector-post-no' }, p.number), ' ', `${p.employer} · ${p.title}`, ' ',
            h('strong', null, t('placement.left', { n: p.left }))))));
    } catch (err) {
      if (ctx.alive()) mount(area, errorState(err));
    }
    if (ctx.alive()) timer = setTimeout(load, REFRESH_MS);
  }

  load();
  return () => clearTimeout(timer);
}
