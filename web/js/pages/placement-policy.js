// 阳光安置 policy tables: every item with its value; unset ones stand out. The
// admin sets or clears a value (audited); others read.
import { h, mount, select } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { get, patch } from '../api.js';
import { toast, errorState, field, fieldError, openDialog, dataTable, resultsArea, pageHeader } from '../ui.js';

export function render(ctx) {
  ctx.setTitle(t('nav.placement_policies'));
  const admin = ctx.user.role === 'admin';
  const results = h('div', { id: 'policy-results' });
  const picker = select({ id: 'policy-code', name: 'code' }, []);
  picker.addEventListener('change', () => { ctx.setQuery({ code: picker.value }); loadTable(); });
  mount(ctx.main, pageHeader(t('nav.placement_policies')), h('p', { class: 'page-intro' }, t('placement.policy_intro')),
    field(t('placement.policy'), picker), results);

  async function init() {
    try {
      const list = await get('/placement/policies');
      if (!ctx.alive()) return;
      mount(picker, ...list.items.map(p => h('option', { value: p.code, selected: p.code === (ctx.query.code || list.items[list.items.length - 1].code) },
        `${p.code} ${p.name_zh}（${t('placement.unset_count', { n: p.unset })}）`)));
      loadTable();
    } catch (err) { if (err.status !== 401) mount(results, errorState(err, init)); }
  }

  async function loadTable() {
    const show = resultsArea(results);
    try {
      const p = await get(`/placement/policies/${encodeURIComponent(picker.value)}`);
      if (!ctx.alive()) return;
      show(h('p', null, t('placement.applies', { from: p.effective_from || '…', to: p.effective_to || '…' })),
        dataTable([
          { label: t('placement.col.item'), cell: i => h('span', null, i.label_zh, ' ', h('code', null, i.code)) },
          { label: t('placement.unit'), cell: i => t(`placement.unit.${i.unit}`, null, i.unit) },
          { label: t('placement.value'), cell: i => (i.value === null ? h('span', { class: 'badge badge-warn placement-unset', dataset: { item: i.code } }, t('placement.unset')) : i.value) },
          { label: t('placement.updated'), cell: i => (i.updated_by ? `${i.updated_by} ${fmtTime(i.updated_at)}` : '') },
          { label: t('common.actions'), class: 'actions', cell: i => (admin ? h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'set', item: i.code },
            onclick: () => edit(p, i) }, t('placement.set_value')) : null) },
        ], p.items, { id: 'policy-table', caption: p.name_zh }));
    } catch (err) { if (ctx.alive() && err.status !== 401) show(errorState(err, loadTable)); }
  }

  function edit(p, item) {
    const value = h('input', { id: 'policy-value', name: 'value', type: 'text', inputmode: 'decimal', value: item.value ?? '' });
    openDialog({ id: 'policy-dialog', title: `${p.code} · ${item.label_zh}`,
      body: [h('p', null, h('code', null, item.code)), field(t('placement.value'), value, t('placement.hint.value'))],
      submitLabel: t('common.save'),
      onSubmit: async () => {
        const v = value.value.trim();
        if (v && !/^\d+(\.\d{1,2})?$/.test(v)) throw fieldError('value', t('placement.hint.value'));
        await patch(`/placement/policies/${encodeURIComponent(p.code)}/items/${encodeURIComponent(item.code)}`, { value: v || null });
        toast(t('placement.value_saved'), 'ok');
        if (ctx.alive()) loadTable();
      } });
  }

  init();
}
