// An organisation's page: its facts, its contacts, and for an association
// its member units (added by searching organisations, removed one by one);
// for any other organisation the associations it belongs to. Admin and
// officers change things here; auditors and organisation roles read only.
import { h, mount, select, fillSelect } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { get, post, patch, request } from '../api.js';
import {
  toast, loading, errorState, field, fieldError, openDialog, confirmDialog, dataTable, section,
} from '../ui.js';
import { orgFields, typeBadge, orgTypeLabel } from './orgs.js';

const none = () => t('common.none');
const or = v => (v === null || v === undefined || v === '' ? none() : v);
const del = path => request('DELETE', path);

export function render(ctx) {
  const id = ctx.params && ctx.params.id;
  let org = null;
  let returnFocus = null;
  const base = () => `/orgs/${encodeURIComponent(id)}`;

  ctx.setTitle(t('nav.org'));

  async function load() {
    mount(ctx.main, loading());
    try {
      const o = await get(base());
      if (!ctx.alive()) return;
      show(o);
    } catch (err) {
      if (ctx.alive() && err.status !== 401) mount(ctx.main, backLink(), errorState(err, load));
    }
  }

  /** Every change answers with the whole page object: draw it again. */
  function show(o) {
    org = o;
    const writer = !!o.may_edit;
    const association = o.type === 'association';
    ctx.setTitle(o.name);
    mount(ctx.main,
      backLink(),
      header(o, writer),
      section('basic', t('org.sec.basic'), writer ? actionButton('org-edit', t('org.edit'), editDialog) : null, basicInfo(o)),
      section('contacts', t('org.sec.contacts'),
        writer ? actionButton('contact-add', t('org.contacts.add'), contactDialog) : null, contactsBody(o, writer)),
      association
        ? section('members', t('org.sec.members'),
          writer ? actionButton('member-add', t('org.members.add'), memberDialog) : null, membersBody(o, writer))
        : section('associations', t('org.sec.associations'), null, associationsBody(o)));
    // After a dialog's change, keyboard users continue from the button that opened it.
    if (returnFocus) {
      const target = returnFocus;
      returnFocus = null;
      setTimeout(() => { const el = document.getElementById(target); if (el && ctx.alive()) el.focus(); }, 0);
    }
  }

  const actionButton = (btnId, label, onclick) =>
    h('button', { type: 'button', class: 'btn btn-small write-action', id: btnId,
      onclick: () => { returnFocus = btnId; onclick(); } }, label);

  const backLink = () => h('p', { class: 'back-link' }, h('a', { href: '#/orgs', id: 'org-back' }, t('org.back')));

  function header(o, writer) {
    return h('section', { class: 'panel person-header', 'aria-labelledby': 'org-title' },
      h('div', { class: 'person-head-line' },
        h('h1', { class: 'page-title', id: 'org-title', tabindex: '-1' }, o.name),
        typeBadge(o.type, 'org-type-badge'),
        writer ? null : h('span', { class: 'badge badge-off', id: 'org-readonly' }, t('org.readonly'))),
      h('div', { class: 'person-head-facts' },
        fact(t('orgs.field.region'), or(o.region_name || o.region_code)),
        o.contact_name || o.contact_phone
          ? fact(t('org.field.primary_contact'), [or(o.contact_name), o.contact_phone ? [' ', h('span', { class: 'mono' }, o.contact_phone)] : null])
          : null,
        o.type === 'association' ? fact(t('org.members.count_label'), h('span', { id: 'org-members-total' }, String(o.members_total ?? 0))) : null));
  }

  const fact = (label, value) => h('span', { class: 'person-fact' }, h('span', { class: 'fact-label' }, label), value);

  function basicInfo(o) {
    const row = (label, value, rowId) => [h('dt', null, label), h('dd', { id: rowId }, value)];
    const hasCoords = o.lat !== null && o.lat !== undefined && o.lon !== null && o.lon !== undefined;
    return h('dl', { class: 'facts', id: 'org-basic' },
      row(t('orgs.field.name'), o.name, 'org-name-value'),
      row(t('orgs.field.type'), orgTypeLabel(o.type), 'org-type-value'),
      row(t('orgs.field.region'), or(o.region_name || o.region_code)),
      row(t('orgs.field.address'), or(o.address), 'org-address-value'),
      row(t('org.field.coords'), hasCoords
        ? h('span', { class: 'mono' }, `${Number(o.lat).toFixed(5)}, ${Number(o.lon).toFixed(5)}`) : none(), 'org-coords-value'),
      row(t('orgs.field.phone'), o.phone ? h('span', { class: 'mono' }, o.phone) : none(), 'org-phone-value'),
      row(t('orgs.field.contact_name'), or(o.contact_name), 'org-contact-name-value'),
      row(t('orgs.field.contact_phone'), o.contact_phone ? h('span', { class: 'mono' }, o.contact_phone) : none()),
      row(t('orgs.field.note'), or(o.note), 'org-note-value'),
      row(t('org.field.created_at'), fmtTime(o.created_at)),
      row(t('org.field.updated_at'), fmtTime(o.updated_at)));
  }

  function editDialog() {
    const f = orgFields({ mode: 'edit', user: ctx.user, defaults: org });
    openDialog({
      id: 'org-dialog',
      title: t('orgs.form.edit_title', { name: org.name }),
      body: f.nodes,
      onSubmit: async () => {
        const body = f.collect();
        if (!Object.keys(body).length) return;
        show(await patch(base(), body));
        toast(t('orgs.saved'), 'ok');
      },
    });
  }

  // ---------- contacts ----------

  function contactsBody(o, writer) {
    const list = o.contacts || [];
    if (!list.length) return h('div', { class: 'state state-empty', id: 'contacts-empty' }, t('org.contacts.empty'));
    return dataTable([
      { label: t('org.contacts.col.name'), cell: c => h('strong', null, c.name) },
      { label: t('org.contacts.col.title'), cell: c => or(c.title) },
      { label: t('org.contacts.col.phone'), class: 'nowrap', cell: c => (c.phone ? h('span', { class: 'mono' }, c.phone) : none()) },
      writer ? { label: t('common.actions'), class: 'actions', cell: c =>
        h('button', { type: 'button', class: 'btn btn-small write-action', dataset: { action: 'remove-contact', id: c.id },
          onclick: () => removeContact(c) }, t('org.contacts.remove')) } : null,
    ].filter(Boolean), list, { id: 'contacts-table', caption: t('org.sec.contacts') });
  }

  function contactDialog() {
    const name = h('input', { id: 'contact-name', name: 'name', type: 'text', maxlength: '50', required: true, autocomplete: 'off' });
    const title = h('input', { id: 'contact-title', name: 'title', type: 'text', maxlength: '50', autocomplete: 'off',
      placeholder: t('org.contacts.title_placeholder') });
    const phone = h('input', { id: 'contact-phone', name: 'phone', type: 'tel', maxlength: '20', autocomplete: 'off' });
    const { dialog } = openDialog({
      id: 'contact-dialog',
      title: t('org.contacts.form_title', { name: org.name }),
      body: [
        field(t('org.contacts.col.name'), name),
        h('div', { class: 'form-row' }, field(t('org.contacts.col.title'), title), field(t('org.contacts.col.phone'), phone, t('orgs.hint.phone'))),
      ],
      onSubmit: async () => {
        const body = { name: name.value.trim() };
        if (!body.name) throw fieldError('name', t('common.required'));
        if (title.value.trim()) body.title = title.value.trim();
        if (phone.value.trim()) body.phone = phone.value.trim();
        show(await post(`${base()}/contacts`, body));
        toast(t('org.contacts.added'), 'ok');
      },
    });
    dialog.querySelector('#contact-name').focus();
  }

  async function removeContact(c) {
    if (!(await confirmDialog(t('org.contacts.confirm_remove', { name: c.name }), { okLabel: t('org.contacts.remove') }))) return;
    try {
      show(await del(`${base()}/contacts/${encodeURIComponent(c.id)}`));
      toast(t('org.contacts.removed'), 'ok');
    } catch (err) {
      if (err.status !== 401) toast(err.message);
    }
  }

  // ---------- members and associations ----------

  /** A related organisation's name: a link when the reader may open it. */
  const orgName = m => (m.in_scope
    ? h('a', { href: `#/orgs/${encodeURIComponent(m.id)}`, class: 'org-link', dataset: { id: m.id } }, m.name)
    : h('span', { title: t('org.out_of_scope') }, m.name));

  function relatedTable(rows, tableId, caption, extra) {
    return dataTable([
      { label: t('orgs.col.name'), cell: orgName },
      { label: t('orgs.col.type'), class: 'nowrap', cell: m => typeBadge(m.type) },
      { label: t('orgs.col.region'), class: 'nowrap', cell: m => or(m.region_name || m.region_code) },
      { label: t('org.members.col.joined'), class: 'nowrap', cell: m => (m.joined_at ? fmtTime(m.joined_at) : none()) },
      extra,
    ].filter(Boolean), rows, { id: tableId, caption });
  }

  function membersBody(o, writer) {
    const list = o.members || [];
    if (!list.length) return h('div', { class: 'state state-empty', id: 'members-empty' }, t('org.members.empty'));
    const total = o.members_total ?? list.length;
    return [
      total > list.length ? h('p', { class: 'hint', id: 'members-shown' }, t('org.members.shown', { total, n: list.length })) : null,
      relatedTable(list, 'members-table', t('org.sec.members'), writer ? { label: t('common.actions'), class: 'actions', cell: m =>
        h('button', { type: 'button', class: 'btn btn-small write-action', dataset: { action: 'remove-member', id: m.id },
          onclick: () => removeMember(m) }, t('org.members.remove')) } : null),
    ];
  }

  function associationsBody(o) {
    const list = o.associations || [];
    if (!list.length) return h('div', { class: 'state state-empty', id: 'associations-empty' }, t('org.assoc.empty'));
    return relatedTable(list, 'associations-table', t('org.sec.associations'), null);
  }

  async function removeMember(m) {
    if (!(await confirmDialog(t('org.members.confirm_remove', { name: m.name }), { okLabel: t('org.members.remove') }))) return;
    try {
      show(await del(`${base()}/members/${encodeURIComponent(m.id)}`));
      toast(t('org.members.removed'), 'ok');
    } catch (err) {
      if (err.status !== 401) toast(err.message);
    }
  }

  /** Find an organisation by part of its name (any type, in the caller's area) and add it. */
  function memberDialog() {
    let timer = null;
    let seq = 0;
    const taken = new Set([String(org.id), ...(org.members || []).map(m => String(m.id))]);
    const search = h('input', { id: 'member-q', type: 'search', autocomplete: 'off', maxlength: '64',
      placeholder: t('orgs.q_placeholder') });
    const typeSel = select({ id: 'member-type', 'aria-label': t('orgs.filter.type') },
      [{ value: '', label: t('orgs.all_types') }, ...['merchant', 'employer', 'bank', 'hospital', 'school', 'training_base',
        'unit', 'department', 'supply_station', 'association'].map(ty => ({ value: ty, label: orgTypeLabel(ty) }))]);
    const pick = h('select', { id: 'member-pick', name: 'member_id' }, h('option', { value: '' }, t('org.members.choose')));
    const status = h('small', { class: 'hint', 'aria-live': 'polite', id: 'member-status' }, t('org.members.type_more'));

    async function refresh() {
      const q = search.value.trim();
      const mine = ++seq;
      if (!q && !typeSel.value) { status.textContent = t('org.members.type_more'); return; }
      status.textContent = t('common.loading');
      try {
        const data = await get('/orgs', { q, type: typeSel.value, limit: 50 });
        if (mine !== seq) return;  // a newer search already answered
        const items = ((data && data.items) || []).filter(o => !taken.has(String(o.id)));
        fillSelect(pick, [{ value: '', label: t('org.members.choose') }, ...items.map(o => ({
          value: o.id, label: `${o.name}（${orgTypeLabel(o.type)}，${o.region_name || o.region_code || ''}）`,
        }))], pick.value);
        if (items.length === 1) pick.value = String(items[0].id);
        status.textContent = items.length ? t('org.members.found', { n: items.length }) : t('org.members.none_found');
      } catch (err) {
        if (mine === seq) status.textContent = err.message;
      }
    }
    search.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(refresh, 300); });
    search.addEventListener('keydown', e => { if (e.key === 'Enter') { e.preventDefault(); clearTimeout(timer); refresh(); } });
    typeSel.addEventListener('change', refresh);

    const { dialog } = openDialog({
      id: 'member-dialog',
      title: t('org.members.form_title', { name: org.name }),
      submitLabel: t('org.members.add'),
      body: [
        h('div', { class: 'field' },
          h('label', { for: search.id }, t('org.members.find')),
          h('div', { class: 'org-picker-row' }, search, typeSel)),
        field(t('org.members.pick'), pick),
        status,
        h('p', { class: 'hint' }, t('org.members.hint')),
      ],
      onSubmit: async () => {
        if (!pick.value) throw fieldError('member_id', t('org.members.pick_required'));
        show(await post(`${base()}/members`, { member_id: Number(pick.value) }));
        toast(t('org.members.added'), 'ok');
      },
    });
    dialog.querySelector('#member-q').focus();
  }

  if (!id) {
    mount(ctx.main, backLink(), errorState({ status: 404, message: t('error.not_found') }));
    return null;
  }
  load();
  return null;
}
