// 阳光安置: the batches of the officer's region, and a new one.
import { h, mount, select } from '../dom.js';
import { t } from '../i18n.js';
import { get, post } from '../api.js';
import { emptyState, errorState, field, fieldError, openDialog, dataTable, resultsArea, pageHeader } from '../ui.js';
import { statusLabel } from './placement-common.js';

export function render(ctx) {
  ctx.setTitle(t('placement.title'));
  const results = h('div', { id: 'placement-results', class: 'results' });
  const writer = ['admin', 'officer'].includes(ctx.user.role);
  mount(ctx.main,
    pageHeader(t('placement.title'),
      h('a', { class: 'btn', href: '#/placement-policies', id: 'placement-policies-link' }, t('nav.placement_policies')),
      h('a', { class: 'btn', href: '#/public/placement' }, t('nav.placement_public')),
      writer ? h('button', { type: 'button', class: 'btn btn-primary', id: 'placement-create', onclick: () => createDialog() },
        t('placement.create')) : null),
    h('p', { class: 'page-intro' }, t('placement.intro')),
    results);

  async function load() {
    const show = resultsArea(results);
    try {
      const data = await get('/placement/batches');
      if (!ctx.alive()) return;
      if (!data.items.length) { show(emptyState(t('placement.empty'), 'placement-empty')); return; }
      show(dataTable([
        { label: t('placement.year'), cell: b => String(b.year) },
        { label: t('placement.batch_name'), cell: b => h('a', { href: `#/placement/${b.id}`, dataset: { batch: b.id } }, b.name) },
        { label: t('placement.region'), cell: b => b.region_name || b.region_code },
        { label: t('placement.mode'), cell: b => t(`placement.mode.${b.mode}`) },
        { label: t('placement.status'), cell: b => statusLabel(b.status) },
        { label: t('placement.candidates'), cell: b => String(b.candidates) },
        { label: t('placement.posts'), cell: b => String(b.posts) },
      ], data.items, { id: 'placement-table', caption: t('placement.title') }));
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, load));
    }
  }

  function createDialog() {
    const input = (name, type, value, extra = {}) => h('input', { id: `batch-${name}`, name, type, value, required: true, ...extra });
    const year = input('year', 'number', String(new Date().getFullYear()), { min: '1990', max: '2999' });
    const name = input('name', 'text', '', { maxlength: '100' });
    const mode = select({ id: 'batch-mode', name: 'mode' }, ['live', 'preferences'].map(v => ({ value: v, label: t(`placement.mode.${v}`) })), 'live');
    const absence = select({ id: 'batch-absence', name: 'absence_rule' },
      ['skip_to_end', 'forfeit'].map(v => ({ value: v, label: t(`placement.absence.${v}`) })), 'skip_to_end');
    const tie = input('tie_break', 'text', 'service_longer,older');
    const pub = input('publicity_days', 'number', '', { min: '1', max: '365' });
    const obj = input('objection_days', 'number', '', { min: '1', max: '365' });
    const from = input('discharged_from', 'date', '');
    const to = input('discharged_to', 'date', '');
    openDialog({
      id: 'batch-dialog',
      title: t('placement.create'),
      body: [field(t('placement.year'), year), field(t('placement.batch_name'), name), field(t('placement.mode'), mode),
        field(t('placement.absence_rule'), absence), field(t('placement.tie_break'), tie, t('placement.hint.tie_break')),
        field(t('placement.publicity_days'), pub, t('placement.hint.days')), field(t('placement.objection_days'), obj),
        field(t('placement.discharged_from'), from), field(t('placement.discharged_to'), to, t('placement.hint.window'))],
      submitLabel: t('common.create'),
      onSubmit: async () => {
        if (!name.value.trim()) throw fieldError('name', t('users.required'));
        const created = await post('/placement/batches', {
          year: Number(year.value), region_code: ctx.user.region_code, name: name.value.trim(), mode: mode.value,
          absence_rule: absence.value, tie_break: tie.value.trim() || undefined, publicity_days: Number(pub.value),
          objection_days: Number(obj.value), discharged_from: from.value, discharged_to: to.value,
        });
        ctx.navigate(`placement/${created.id}`);
      },
    });
  }

  load();
}
