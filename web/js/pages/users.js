// User management (admin): search and filter, cursor paging, create, edit,
// enable/disable, reset password, export with the current filters.
import { h, mount, select } from '../dom.js';
import { t, roleLabel, fmtTime } from '../i18n.js';
import { get, post, patch, exportUrl } from '../api.js';
import { ROLES, ORG_TYPE_FOR_ROLE } from '../nav.js';
import { loadRegionSelect, orgPicker } from '../lookups.js';
import {
  toast, emptyState, errorState, field, fieldError, openDialog, confirmDialog,
  dataTable, CursorPager, pagerBar, resultsArea, pageHeader, exportLinks,
} from '../ui.js';

const PAGE_SIZE = 50;

export function render(ctx) {
  ctx.setTitle(t('users.title'));
  const filters = { q: ctx.query.get('q') || '', role: ctx.query.get('role') || '', region: ctx.query.get('region') || '' };
  const pager = new CursorPager();

  const qInput = h('input', { id: 'users-q', name: 'q', type: 'search', value: filters.q,
    placeholder: t('users.q_placeholder'), maxlength: '64' });
  const roleSel = select({ id: 'users-role', name: 'role' },
    [{ value: '', label: t('users.all_roles') }, ...ROLES.map(r => ({ value: r, label: roleLabel(r) }))], filters.role);
  // Until the regions arrive, a filter from the address still shows (as its code).
  const regionSel = select({ id: 'users-region', name: 'region' }, [{ value: '', label: t('users.all_regions') },
    ...(filters.region ? [{ value: filters.region, label: filters.region }] : [])], filters.region);
  loadRegionSelect(regionSel, t('users.all_regions'), filters.region);

  const filterForm = h('form', { id: 'users-filter', class: 'filter-bar', role: 'search', 'aria-label': t('common.filters') },
    field(t('users.q'), qInput),
    field(t('users.col.role'), roleSel),
    field(t('users.field.region'), regionSel),
    h('div', { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'users-search' }, t('common.search')),
      h('button', { type: 'button', class: 'btn', onclick: resetFilters }, t('common.reset'))));
  filterForm.addEventListener('submit', e => { e.preventDefault(); applyFilters(); });
  roleSel.addEventListener('change', applyFilters);
  regionSel.addEventListener('change', applyFilters);

  const exportsBox = h('div', { class: 'toolbar' });
  const results = h('div', { id: 'users-results', class: 'results' });

  mount(ctx.main,
    pageHeader(t('users.title'),
      h('button', { type: 'button', class: 'btn btn-primary', id: 'user-create', onclick: () => createDialog() }, t('users.create'))),
    filterForm, exportsBox, results);

  function applyFilters() {
    filters.q = qInput.value.trim();
    filters.role = roleSel.value;
    filters.region = regionSel.value;
    ctx.setQuery(filters);
    pager.reset();
    load();
  }

  function resetFilters() {
    qInput.value = '';
    roleSel.value = '';
    regionSel.value = '';
    applyFilters();
  }

  async function load() {
    mount(exportsBox, exportLinks('users', exportUrl('/users', filters, 'csv'), exportUrl('/users', filters, 'xlsx')));
    const show = resultsArea(results);
    try {
      const data = await get('/users', { ...filters, limit: PAGE_SIZE, cursor: pager.cursor });
      if (!ctx.alive()) return;
      const items = (data && data.items) || [];
      pager.next = (data && data.next) || null;
      if (!items.length && !pager.hasPrev) { show(emptyState(t('users.empty'), 'users-empty')); return; }
      show(dataTable(columns(), items, { id: 'users-table', caption: t('users.title') }),
        pagerBar(pager, items.length, load, 'users'));
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, load));
    }
  }

  function columns() {
    return [
      { label: t('users.col.username'), cell: u => h('span', { class: 'mono' }, u.username) },
      { label: t('users.col.display_name'), cell: u => [u.display_name, u.id === ctx.user.id ? t('users.you') : null] },
      { label: t('users.col.role'), cell: u => roleLabel(u.role) },
      { label: t('users.col.scope'), cell: u => u.org_name || u.region_name || u.region_code || t('common.none') },
      { label: t('users.col.status'), cell: u => h('span', { class: ['badge', u.disabled ? 'badge-off' : 'badge-on'] },
        t(u.disabled ? 'users.status.disabled' : 'users.status.active')) },
      { label: t('users.col.last_login'), cell: u => (u.last_login_at ? fmtTime(u.last_login_at) : t('common.never')) },
      { label: t('common.actions'), class: 'actions', cell: u => h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'edit', id: u.id },
          onclick: () => editDialog(u) }, t('users.edit')),
        h('button', { type: 'button', class: 'btn btn-small', dataset: { action: 'password', id: u.id },
          onclick: () => passwordDialog(u) }, t('users.reset_password')),
        // An admin cannot lock themselves out from here.
        u.id === ctx.user.id ? null : h('button', { type: 'button', class: ['btn', 'btn-small', !u.disabled && 'btn-danger-outline'],
          dataset: { action: u.disabled ? 'enable' : 'disable', id: u.id },
          onclick: () => toggleDisabled(u) }, t(u.disabled ? 'users.enable' : 'users.disable'))) },
    ];
  }

  async function toggleDisabled(u) {
    const disabling = !u.disabled;
    const ok = await confirmDialog(t(disabling ? 'users.confirm_disable' : 'users.confirm_enable', { name: u.display_name }),
      { okLabel: t(disabling ? 'users.disable' : 'users.enable'), danger: disabling });
    if (!ok) return;
    try {
      await patch(`/users/${encodeURIComponent(u.id)}`, { disabled: disabling });
      toast(t(disabling ? 'users.disabled_done' : 'users.enabled_done', { name: u.display_name }), 'ok');
      if (ctx.alive()) load();
    } catch (err) {
      if (err.status !== 401) toast(err.message);
    }
  }

  function createDialog() {
    const f = userFields({ mode: 'create', defaults: { role: 'officer', region_code: ctx.user.region_code || '' } });
    openDialog({
      id: 'user-dialog',
      title: t('users.form.create_title'),
      body: f.nodes,
      submitLabel: t('common.create'),
      onSubmit: async () => {
        const body = f.collect();
        const created = await post('/users', body);
        toast(t('users.created', { name: created.display_name || body.display_name }), 'ok');
        if (ctx.alive()) load();
      },
    });
  }

  function editDialog(u) {
    const f = userFields({ mode: 'edit', defaults: u });
    openDialog({
      id: 'user-dialog',
      title: t('users.form.edit_title', { name: u.username }),
      body: f.nodes,
      onSubmit: async () => {
        const next = f.collect();
        // PATCH only what changed, so a concurrent change to another field is not overwritten.
        const body = {};
        for (const k of ['display_name', 'role', 'region_code', 'org_id', 'disabled']) {
          if (k in next && (next[k] ?? null) !== (u[k] ?? null)) body[k] = next[k];
        }
        if (!Object.keys(body).length) return;
        const saved = await patch(`/users/${encodeURIComponent(u.id)}`, body);
        toast(t('users.saved', { name: (saved && saved.display_name) || u.display_name }), 'ok');
        if (ctx.alive()) load();
      },
    });
  }

  function passwordDialog(u) {
    const pw = h('input', { id: 'user-new-password', name: 'password', type: 'password', autocomplete: 'new-password', required: true });
    const pw2 = h('input', { id: 'user-new-password2', name: 'password2', type: 'password', autocomplete: 'new-password', required: true });
    openDialog({
      id: 'password-dialog',
      title: t('users.form.password_title', { name: u.username }),
      body: [field(t('users.field.new_password'), pw), field(t('users.field.password2'), pw2)],
      onSubmit: async () => {
        if (!pw.value) throw fieldError('password', t('users.required'));
        if (pw.value !== pw2.value) throw fieldError('password2', t('users.password_mismatch'));
        await post(`/users/${encodeURIComponent(u.id)}/password`, { password: pw.value });
        toast(t('users.password_reset', { name: u.display_name }), 'ok');
      },
    });
  }

  load();
}

/**
 * The fields of the create and edit forms. Returns the nodes and collect(),
 * which validates and returns the API body (throws fieldError on a problem).
 */
function userFields({ mode, defaults }) {
  const creating = mode === 'create';
  const username = h('input', { id: 'user-username', name: 'username', type: 'text', autocomplete: 'off',
    autocapitalize: 'none', spellcheck: 'false', maxlength: '64', required: true, pattern: '[A-Za-z0-9._-]+' });
  const displayName = h('input', { id: 'user-display-name', name: 'display_name', type: 'text', maxlength: '64',
    required: true, value: defaults.display_name || '' });
  const password = h('input', { id: 'user-password', name: 'password', type: 'password', autocomplete: 'new-password', required: true });
  const password2 = h('input', { id: 'user-password2', name: 'password2', type: 'password', autocomplete: 'new-password', required: true });
  const role = select({ id: 'user-role', name: 'role' }, ROLES.map(r => ({ value: r, label: roleLabel(r) })), defaults.role);
  const region = select({ id: 'user-region', name: 'region_code' },
    [{ value: defaults.region_code || '', label: defaults.region_name || defaults.region_code || t('users.region_required') }]);
  loadRegionSelect(region, t('users.region_required'));
  const org = orgPicker({ idPrefix: 'user', selectedId: defaults.org_id ?? null, selectedName: defaults.org_name });
  const personNote = h('p', { class: 'hint note', hidden: true }, t('users.person_note'));
  const disabled = h('input', { id: 'user-disabled', name: 'disabled', type: 'checkbox', checked: !!defaults.disabled });

  const syncRole = () => {
    org.setType(ORG_TYPE_FOR_ROLE[role.value] || null);
    personNote.hidden = role.value !== 'person';
  };
  role.addEventListener('change', syncRole);
  syncRole();

  const nodes = [
    creating ? field(t('users.field.username'), username, t('users.hint.username')) : null,
    field(t('users.field.display_name'), displayName),
    creating ? field(t('users.field.password'), password) : null,
    creating ? field(t('users.field.password2'), password2) : null,
    field(t('users.field.role'), role),
    field(t('users.field.region'), region),
    org.el,
    personNote,
    creating ? null : h('div', { class: 'field field-check' }, disabled, h('label', { for: disabled.id }, t('users.field.disabled'))),
  ];

  function collect() {
    const body = {};
    if (creating) {
      body.username = username.value.trim();
      if (!body.username) throw fieldError('username', t('users.required'));
    }
    body.display_name = displayName.value.trim();
    if (!body.display_name) throw fieldError('display_name', t('users.required'));
    if (creating) {
      if (!password.value) throw fieldError('password', t('users.required'));
      if (password.value !== password2.value) throw fieldError('password2', t('users.password_mismatch'));
      body.password = password.value;
    }
    body.role = role.value;
    body.region_code = region.value || null;
    if (!body.region_code) throw fieldError('region_code', t('users.region_required'));
    body.org_id = org.value();
    if (ORG_TYPE_FOR_ROLE[body.role] && body.org_id === null) throw fieldError('org_id', t('users.org_required'));
    if (!creating) body.disabled = disabled.checked;
    return body;
  }

  return { nodes, collect };
}
