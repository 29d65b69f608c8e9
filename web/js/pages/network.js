// The 拥军商户 network. Officers, auditors and the admin see the members,
// candidates and those that left in their scope (filters, paging, export);
// officers and the admin join a registered organisation (plaque number),
// mark candidates and record leaving; a merchant's clerk sees its own shop:
// the profile (category, opening hours) and its offers, which it adds (for
// whom, how often, with a companion or not) and switches on and off.
import { h, mount, select } from '../dom.js';
import { t, fmtNumber } from '../i18n.js';
import { get, post, patch, exportUrl } from '../api.js';
import { emptyState, errorState, dataTable, resultsArea, pageHeader, exportLinks, field, CursorPager, pagerBar,
  openDialog, toast } from '../ui.js';
import { orgPicker } from '../lookups.js';

let vocab = null;
async function vocabulary() {
  if (!vocab) vocab = await get('/merchant-categories');
  return vocab;
}
const labelOf = (list, code) => (list.find(x => x.code === code) || {}).label || code || t('common.none');

export function render(ctx) {
  if (ctx.user.role === 'merchant') return renderOwn(ctx);
  return renderList(ctx);
}

function renderList(ctx) {
  ctx.setTitle(t('network.title'));
  const pager = new CursorPager();
  const status = select({ id: 'network-status' }, [{ value: '', label: t('network.all') },
    ...['member', 'candidate', 'left'].map(s => ({ value: s, label: t(`network.status.${s}`) }))], ctx.query.get('status') || '');
  const category = select({ id: 'network-category' }, [{ value: '', label: t('network.all') }], '');
  const q = h('input', { id: 'network-q', type: 'search', value: ctx.query.get('q') || '', placeholder: t('network.q') });
  const results = h('div', { class: 'results', id: 'network-results' });
  const links = h('div');
  const filters = () => ({ status: status.value, category: category.value, q: q.value.trim() });
  const again = () => { pager.reset(); ctx.setQuery(filters()); load(); };
  status.addEventListener('change', again);
  category.addEventListener('change', again);
  q.addEventListener('change', again);

  const bureau = ['admin', 'officer'].includes(ctx.user.role);
  const join = bureau ? h('button', { type: 'button', class: 'btn btn-primary', id: 'network-join' }, t('network.join')) : null;
  if (join) join.addEventListener('click', () => joinDialog(null));

  mount(ctx.main, pageHeader(t('network.title'), join), h('p', { class: 'page-intro' }, t('network.intro')),
    h('div', { class: 'filter-bar' }, field(t('network.col.status'), status), field(t('network.col.category'), category),
      field(t('network.q'), q)), links, results);

  vocabulary().then(v => {
    if (!ctx.alive()) return;
    const keep = ctx.query.get('category') || '';
    mount(category, h('option', { value: '' }, t('network.all')),
      v.categories.map(c => h('option', { value: c.code, selected: c.code === keep }, c.label)));
  }).catch(() => {});

  async function load() {
    const show = resultsArea(results);
    const f = filters();
    mount(links, exportLinks('network', exportUrl('/merchants', f, 'csv'), exportUrl('/merchants', f, 'xlsx')));
    try {
      const data = await get('/merchants', { ...f, limit: 50, cursor: pager.cursor });
      if (!ctx.alive()) return;
      pager.next = data.next;
      const items = data.items || [];
      if (!items.length) { show(emptyState(t('network.empty'), 'network-empty')); return; }
      show(dataTable([
        { label: t('network.col.name'), cell: m => h('a', { href: `#/orgs/${m.org_id}` }, m.name) },
        { label: t('network.col.region'), cell: m => m.region_name },
        { label: t('network.col.status'), class: 'nowrap', cell: m => h('span', { class: ['badge', m.status === 'member' ? 'badge-on' : 'badge-warn'] }, t(`network.status.${m.status}`)) },
        { label: t('network.col.category'), cell: m => m.category_zh || t('common.none') },
        { label: t('network.col.plaque'), class: 'nowrap', cell: m => m.plaque_no || t('common.none') },
        { label: t('network.col.offers'), class: 'num', cell: m => fmtNumber(m.active_offers) },
        ...(bureau ? [{ label: t('network.col.actions'), class: 'nowrap', cell: actions }] : []),
      ], items, { id: 'network-table', caption: t('network.title') }), pagerBar(pager, items.length, load, 'network'));
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, load));
    }
  }

  // A member leaves; a candidate or one that left joins (again).
  function actions(m) {
    if (m.status === 'member') {
      return h('button', { type: 'button', class: 'btn', id: `network-leave-${m.org_id}`, onclick: () => leaveDialog(m) },
        t('network.leave'));
    }
    return h('button', { type: 'button', class: 'btn', id: `network-join-${m.org_id}`, onclick: () => joinDialog(m) },
      t('network.join_again'));
  }

  // Join a registered organisation (picked) or the given one, as a member with its plaque or as a candidate.
  async function joinDialog(m) {
    const v = await vocabulary();
    const picker = m ? null : orgPicker({ idPrefix: 'network-join' });
    if (picker) picker.setType('merchant');
    const status = select({ id: 'network-join-status', name: 'status' },
      ['member', 'candidate'].filter(x => !m || x === 'member').map(x => ({ value: x, label: t(`network.status.${x}`) })), 'member');
    const plaque = h('input', { id: 'network-join-plaque', name: 'plaque_no', maxlength: 64 });
    const cat = select({ id: 'network-join-category', name: 'category' }, v.categories.map(c => ({ value: c.code, label: c.label })),
      (m && m.category) || 'other');
    const plaqueField = field(t('network.col.plaque'), plaque, t('network.plaque_hint'));
    status.addEventListener('change', () => { plaqueField.hidden = status.value !== 'member'; });
    openDialog({
      title: m ? t('network.join_named', { name: m.name }) : t('network.join'), id: 'network-join-dialog',
      body: [picker ? picker.el : null, field(t('network.col.status'), status), plaqueField, field(t('network.col.category'), cat)],
      onSubmit: async () => {
        const org = m ? m.org_id : picker.value();
        if (!org) throw Object.assign(new Error(t('network.pick_org')), { field: 'org_id' });
        await post('/merchants', { org_id: Number(org), status: status.value, category: cat.value,
          plaque_no: status.value === 'member' ? plaque.value.trim() : null });
        toast(t('network.joined'), 'ok');
        load();
      },
    });
  }

  function leaveDialog(m) {
    const reason = h('input', { id: 'network-leave-reason', name: 'reason', maxlength: 200 });
    openDialog({
      title: t('network.leave_named', { name: m.name }), id: 'network-leave-dialog', danger: true, submitLabel: t('network.leave'),
      body: [h('p', null, t('network.leave_note')), field(t('network.leave_reason'), reason)],
      onSubmit: async () => {
        await post(`/merchants/${m.org_id}/leave`, { reason: reason.value.trim() || null });
        toast(t('network.left'), 'ok');
        load();
      },
    });
  }
  load();
}

function renderOwn(ctx) {
  ctx.setTitle(t('offers.title'));
  const org = ctx.user.org_id;
  const profile = h('div', { id: 'own-profile' });
  const list = h('div', { class: 'results', id: 'offers-results' });
  const add = h('button', { type: 'button', class: 'btn btn-primary', id: 'offer-new' }, t('offers.new'));
  add.addEventListener('click', () => newOffer());
  mount(ctx.main, pageHeader(t('offers.title'), add), profile, h('h2', null, t('offers.list')), list);

  async function load() {
    const show = resultsArea(list);
    try {
      const [p, v] = await Promise.all([get(`/merchants/${org}`), vocabulary()]);
      if (!ctx.alive()) return;
      showProfile(p, v);
      const offers = p.offers || [];
      if (!offers.length) { show(emptyState(t('offers.empty'), 'offers-empty')); return; }
      show(dataTable([
        { label: t('offers.col.title'), cell: o => o.title },
        { label: t('offers.col.rule'), cell: o => labelOf(v.usage_rules, o.usage_rule) },
        { label: t('offers.col.for'), cell: o => (o.categories.length ? o.categories.map(c => c.label).join('、') : t('offers.everyone')) },
        { label: t('offers.col.active'), class: 'nowrap', cell: o => h('button', { type: 'button', class: 'btn', id: `offer-toggle-${o.id}`,
          onclick: async () => {
            try { await patch(`/offers/${o.id}`, { active: !o.active }); load(); } catch (err) { toast(err.message); }
          } }, o.active ? t('offers.switch_off') : t('offers.switch_on')) },
      ], offers, { id: 'offers-table', caption: t('offers.list') }));
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, load));
    }
  }

  function showProfile(p, v) {
    const cat = select({ id: 'own-category', name: 'category' }, v.categories.map(c => ({ value: c.code, label: c.label })), p.category || 'other');
    const hours = h('input', { id: 'own-hours', name: 'opening_hours', value: p.opening_hours || '' });
    const save = h('button', { type: 'button', class: 'btn', id: 'own-save' }, t('common.save'));
    save.addEventListener('click', async () => {
      try {
        await patch(`/merchants/${org}`, { category: cat.value, opening_hours: hours.value });
        toast(t('offers.saved'), 'ok');
      } catch (err) { toast(err.message); }
    });
    mount(profile, h('p', { id: 'own-status' }, p.name, ' · ',
      p.status ? t(`network.status.${p.status}`) : t('network.not_in'), p.plaque_no ? ` · ${t('network.col.plaque')} ${p.plaque_no}` : ''),
    h('div', { class: 'filter-bar' }, field(t('network.col.category'), cat), field(t('offers.hours'), hours), save));
  }

  async function newOffer() {
    const v = await vocabulary();
    const title = h('input', { name: 'title', id: 'offer-title', required: true });
    const kind = select({ name: 'benefit_kind', id: 'offer-kind' }, v.benefit_kinds.map(k => ({ value: k.code, label: k.label })), 'discount');
    const value = h('input', { name: 'benefit_value', id: 'offer-value', type: 'number', step: '0.01', min: '0' });
    const rule = select({ name: 'usage_rule', id: 'offer-rule' }, v.usage_rules.map(k => ({ value: k.code, label: k.label })), 'once_per_day');
    const companion = h('input', { type: 'checkbox', id: 'offer-companion' });
    // For whom: the card categories; none ticked = every card holder.
    const cats = (v.person_categories || []).map(c => ({ code: c.code,
      box: h('input', { type: 'checkbox', value: c.code, id: `offer-cat-${c.code}`, name: 'categories' }), label: c.label }));
    const forWhom = h('fieldset', { class: 'check-group', id: 'offer-categories' },
      h('legend', null, t('offers.col.for')), h('p', { class: 'hint' }, t('offers.for_hint')),
      cats.map(c => h('label', { class: 'check' }, c.box, ' ', c.label)));
    openDialog({
      title: t('offers.new'), id: 'offer-dialog',
      body: [field(t('offers.col.title'), title), field(t('offers.kind'), kind), field(t('offers.value'), value, t('offers.value_hint')),
        field(t('offers.col.rule'), rule), h('label', { class: 'check' }, companion, ' ', t('offers.companion')), forWhom],
      onSubmit: async () => {
        await post('/offers', { title: title.value, benefit_kind: kind.value, benefit_value: value.value === '' ? null : Number(value.value),
          usage_rule: rule.value, companion_allowed: companion.checked, categories: cats.filter(c => c.box.checked).map(c => c.code) });
        load();
      },
    });
  }
  load();
}
