// API tokens (admin): list, create (the secret is shown exactly once), revoke.
import { h, mount, select } from '../dom.js';
import { t, roleLabel, fmtTime } from '../i18n.js';
import { get, post } from '../api.js';
import { ROLES, ORG_TYPE_FOR_ROLE } from '../nav.js';
import { getRegions, loadRegionSelect, orgPicker } from '../lookups.js';
import {
  toast, emptyState, errorState, field, fieldError, openDialog, confirmDialog,
  dataTable, CursorPager, pagerBar, resultsArea, pageHeader,
} from '../ui.js';

// Tokens are for machines (verifier devices, the hospital's or a bank's
// system); an all-powerful admin token or a personal one makes no sense.
const TOKEN_ROLES = ROLES.filter(r => r !== 'admin' && r !== 'person');

export function render(ctx) {
  ctx.setTitle(t('tokens.title'));
  const pager = new CursorPager();
  const results = h('div', { id: 'tokens-results', class: 'results' });

  mount(ctx.main,
    pageHeader(t('tokens.title'),
      h('button', { type: 'button', class: 'btn btn-primary', id: 'token-create', onclick: () => createDialog() }, t('tokens.create'))),
    h('p', { class: 'page-intro' }, t('tokens.intro')),
    results);

  async function load() {
    const show = resultsArea(results);
    try {
      // Tokens carry only a region code; names come from the region list.
      const [data, regionNames] = await Promise.all([
        get('/tokens', { limit: 50, cursor: pager.cursor }),
        getRegions().then(rs => new Map(rs.map(r => [r.code, r.name]))).catch(() => new Map()),
      ]);
      if (!ctx.alive()) return;
      const items = (data && data.items) || [];
      pager.next = (data && data.next) || null;
      if (!items.length && !pager.hasPrev) { show(emptyState(t('tokens.empty'), 'tokens-empty')); return; }
      show(dataTable(columns(regionNames), items, { id: 'tokens-table', caption: t('tokens.title') }),
        pagerBar(pager, items.length, load, 'tokens'));
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, load));
    }
  }

  function columns(regionNames) {
    return [
      { label: t('tokens.col.name'), cell: tk => tk.name },
      { label: t('tokens.col.role'), cell: tk => roleLabel(tk.role) },
      { label: t('tokens.col.scope'), cell: tk => tk.org_name || regionNames.get(tk.region_code) || tk.region_code || t('common.none') },
      { label: t('tokens.col.created'), cell: tk => fmtTime(tk.created_at) },
      { label: t('tokens.col.expires'), cell: tk => (tk.expires_at ? fmtTime(tk.expires_at) : t('tokens.never_expires')) },
      { label: t('tokens.col.last_used'), cell: tk => (tk.last_used_at ? fmtTime(tk.last_used_at) : t('common.never')) },
      { label: t('tokens.col.status'), cell: tk => {
        const st = tokenStatus(tk);
        return h('span', { class: ['badge', st === 'active' ? 'badge-on' : 'badge-off'] }, t(`tokens.status.${st}`));
      } },
      { label: t('common.actions'), class: 'actions', cell: tk => (tokenStatus(tk) === 'revoked' ? null
        : h('button', { type: 'button', class: 'btn btn-small btn-danger-outline', dataset: { action: 'revoke', id: tk.id },
          onclick: () => revoke(tk) }, t('tokens.revoke'))) },
    ];
  }

  async function revoke(tk) {
    const ok = await confirmDialog(t('tokens.confirm_revoke', { name: tk.name }), { okLabel: t('tokens.revoke') });
    if (!ok) return;
    try {
      await post(`/tokens/${encodeURIComponent(tk.id)}/revoke`);
      toast(t('tokens.revoked', { name: tk.name }), 'ok');
      if (ctx.alive()) load();
    } catch (err) {
      if (err.status !== 401) toast(err.message);
    }
  }

  function createDialog() {
    const name = h('input', { id: 'token-name', name: 'name', type: 'text', maxlength: '100', required: true,
      placeholder: t('tokens.field.name_placeholder') });
    const role = select({ id: 'token-role', name: 'role' }, TOKEN_ROLES.map(r => ({ value: r, label: roleLabel(r) })), 'merchant');
    const region = select({ id: 'token-region', name: 'region_code' },
      [{ value: ctx.user.region_code || '', label: ctx.user.region_name || t('users.region_required') }]);
    loadRegionSelect(region, t('users.region_required'));
    const days = h('input', { id: 'token-expires', name: 'expires_days', type: 'number', min: '1', max: '3650',
      step: '1', value: '365', inputmode: 'numeric', required: true });
    const org = orgPicker({ idPrefix: 'token' });
    const syncRole = () => org.setType(ORG_TYPE_FOR_ROLE[role.value] || null);
    role.addEventListener('change', syncRole);
    syncRole();

    openDialog({
      id: 'token-dialog',
      title: t('tokens.form.title'),
      body: [field(t('tokens.field.name'), name), field(t('tokens.field.role'), role), org.el,
        field(t('tokens.field.region'), region), field(t('tokens.field.expires_days'), days, t('tokens.hint.expires_days'))],
      submitLabel: t('common.create'),
      onSubmit: async () => {
        const body = {
          name: name.value.trim(),
          role: role.value,
          org_id: org.value(),
          region_code: region.value || null,
          expires_days: Number(days.value),
        };
        if (!body.name) throw fieldError('name', t('users.required'));
        if (ORG_TYPE_FOR_ROLE[body.role] && body.org_id === null) throw fieldError('org_id', t('users.org_required'));
        if (!body.region_code) throw fieldError('region_code', t('users.region_required'));
        if (!Number.isInteger(body.expires_days) || body.expires_days < 1 || body.expires_days > 3650) {
          throw fieldError('expires_days', t('tokens.hint.expires_days'));
        }
        const created = await post('/tokens', body);
        // Open the secret once the form dialog has closed (it closes when this resolves).
        setTimeout(() => secretDialog(created.token, created.secret), 0);
        if (ctx.alive()) { pager.reset(); load(); }
      },
    });
  }

  load();
}

function tokenStatus(tk) {
  if (tk.revoked_at) return 'revoked';
  if (tk.expires_at && new Date(tk.expires_at).getTime() <= Date.now()) return 'expired';
  return 'active';
}

/** The only time the secret is visible: copy button, and no closing by Escape. */
function secretDialog(token, secret) {
  const input = h('input', { id: 'token-secret', type: 'text', readOnly: true, value: secret, class: 'mono secret',
    spellcheck: 'false', autocomplete: 'off' });
  input.addEventListener('focus', () => input.select());
  const copy = h('button', { type: 'button', class: 'btn', id: 'token-copy', onclick: async () => {
    try {
      await navigator.clipboard.writeText(secret);
      toast(t('tokens.copied'), 'ok');
    } catch {
      input.focus();
      input.select();
      toast(t('tokens.copy_failed'));
    }
  } }, t('tokens.copy'));

  openDialog({
    id: 'token-secret-dialog',
    title: t('tokens.secret_title', { name: (token && token.name) || '' }),
    body: [
      h('p', { class: 'warning', role: 'alert' }, t('tokens.secret_warning')),
      h('div', { class: 'field' }, h('label', { for: input.id }, t('tokens.secret_label')),
        h('div', { class: 'copy-row' }, input, copy)),
    ],
    submitLabel: t('tokens.saved_it'),
    cancelLabel: null,
    dismissable: false,
  });
}
