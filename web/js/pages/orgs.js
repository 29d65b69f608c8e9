// Organisations (all roles, scoped by the server): filter by type, area and
// name, page, export; admin and officers register new ones. Each name opens
// the organisation's page (org.js) for the roles that may read it. Also
// exports the type labels and the form fields the organisation page shares.
import { h, mount, select } from '../dom.js';
import { t } from '../i18n.js';
import { get, post, exportUrl } from '../api.js';
import { REGISTRY_WRITERS, STAFF, ORG_TYPE_FOR_ROLE } from '../nav.js';
import { loadRegionSelect } from '../lookups.js';
import {
  toast, emptyState, errorState, field, fieldError, openDialog, dataTable, CursorPager, pagerBar, resultsArea,
  pageHeader, exportLinks,
} from '../ui.js';

export const ORG_TYPES = ['unit', 'department', 'merchant', 'association', 'hospital', 'bank', 'school', 'employer',
  'training_base', 'supply_station'];

export const orgTypeLabel = type => t(`orgs.type.${type}`, null, type || '');

/** Staff read every organisation page in their area; an organisation role its own. */
export const mayOpenOrg = (user, org) =>
  STAFF.includes(user.role) || (user.role in ORG_TYPE_FOR_ROLE && String(user.org_id) === String(org.id));

export const typeBadge = (type, id) =>
  h('span', { class: 'badge badge-type', id, dataset: { type } }, orgTypeLabel(type));

export function render(ctx) {
  ctx.setTitle(t('orgs.title'));
  const writer = REGISTRY_WRITERS.includes(ctx.user.role);
  const filters = { q: ctx.query.get('q') || '', type: ctx.query.get('type') || '', region: ctx.query.get('region') || '' };
  if (filters.type && !ORG_TYPES.includes(filters.type)) filters.type = '';
  const pager = new CursorPager();

  const qInput = h('input', { id: 'orgs-q', name: 'q', type: 'search', value: filters.q, autocomplete: 'off',
    placeholder: t('orgs.q_placeholder'), maxlength: '64' });
  const typeSel = select({ id: 'orgs-type', name: 'type' },
    [{ value: '', label: t('orgs.all_types') }, ...ORG_TYPES.map(ty => ({ value: ty, label: orgTypeLabel(ty) }))], filters.type);
  const regionSel = select({ id: 'orgs-region', name: 'region' }, [{ value: '', label: t('orgs.all_regions') },
    ...(filters.region ? [{ value: filters.region, label: filters.region }] : [])], filters.region);
  // Organisation roles see only their own organisation: an area filter means nothing to them.
  const byRegion = !!ctx.user.region_code && !ctx.user.org_id;
  if (byRegion) loadRegionSelect(regionSel, t('orgs.all_regions'), filters.region, ctx.user.region_code);

  const filterForm = h('form', { id: 'orgs-filter', class: 'filter-bar', role: 'search', 'aria-label': t('common.filters') },
    field(t('orgs.q'), qInput),
    field(t('orgs.filter.type'), typeSel),
    byRegion ? field(t('orgs.filter.region'), regionSel) : null,
    h('div', { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'orgs-search' }, t('common.search')),
      h('button', { type: 'button', class: 'btn', onclick: resetFilters }, t('common.reset'))));
  filterForm.addEventListener('submit', e => { e.preventDefault(); applyFilters(); });
  typeSel.addEventListener('change', applyFilters);
  regionSel.addEventListener('change', applyFilters);

  const exportsBox = h('div', { class: 'toolbar' });
  const results = h('div', { id: 'orgs-results', class: 'results' });

  mount(ctx.main,
    pageHeader(t('orgs.title'),
      writer ? h('button', { type: 'button', class: 'btn btn-primary write-action', id: 'org-create',
        onclick: () => createDialog(ctx) }, t('orgs.create')) : null),
    h('p', { class: 'page-intro', id: 'orgs-note' }, t(writer ? 'orgs.intro_writer' : 'orgs.intro')),
    filterForm, exportsBox, results);

  function applyFilters() {
    filters.q = qInput.value.trim();
    filters.type = typeSel.value;
    filters.region = byRegion ? regionSel.value : '';
    ctx.setQuery(filters);
    pager.reset();
    load();
  }

  function resetFilters() {
    qInput.value = '';
    typeSel.value = '';
    regionSel.value = '';
    applyFilters();
  }

  async function load() {
    mount(exportsBox, exportLinks('orgs', exportUrl('/orgs', filters, 'csv'), exportUrl('/orgs', filters, 'xlsx')));
    const show = resultsArea(results);
    try {
      const data = await get('/orgs', { ...filters, limit: 50, cursor: pager.cursor });
      if (!ctx.alive()) return;
      const items = (data && data.items) || [];
      pager.next = (data && data.next) || null;
      if (!items.length && !pager.hasPrev) { show(emptyState(t('orgs.empty'), 'orgs-empty')); return; }
      show(dataTable(columns(ctx.user), items, { id: 'orgs-table', caption: t('orgs.title') }),
        pagerBar(pager, items.length, load, 'orgs'));
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, load));
    }
  }

  load();
}

function columns(user) {
  const coord = v => (v === null || v === undefined ? null : Number(v).toFixed(4));
  return [
    { label: t('orgs.col.name'), cell: o => (mayOpenOrg(user, o)
      ? h('a', { href: `#/orgs/${encodeURIComponent(o.id)}`, class: 'org-link', dataset: { id: o.id } }, h('strong', null, o.name))
      : h('strong', null, o.name)) },
    { label: t('orgs.col.type'), class: 'nowrap', cell: o => typeBadge(o.type) },
    { label: t('orgs.col.region'), class: 'nowrap', cell: o => o.region_name || o.region_code || t('common.none') },
    { label: t('orgs.col.address'), cell: o => o.address || t('common.none') },
    { label: t('orgs.col.location'), class: 'nowrap', cell: o => (coord(o.lat) !== null && coord(o.lon) !== null
      ? h('span', { class: 'mono' }, `${coord(o.lat)}, ${coord(o.lon)}`) : t('common.none')) },
  ];
}

/** "New organisation" dialog; on success goes to its page. */
function createDialog(ctx) {
  const f = orgFields({ mode: 'create', user: ctx.user, defaults: {} });
  openDialog({
    id: 'org-dialog',
    title: t('orgs.form.create_title'),
    body: f.nodes,
    submitLabel: t('common.create'),
    onSubmit: async () => {
      const created = await post('/orgs', f.collect());
      toast(t('orgs.created', { name: created.name }), 'ok');
      ctx.navigate(`orgs/${created.id}`);
    },
  });
}

/**
 * The fields of the create and edit forms, named as the API names them so a
 * server error lands under the right input. collect() checks what the
 * browser can and returns the body; in edit mode only what changed, with
 * null for an optional field that was emptied (the API clears it).
 */
export function orgFields({ mode, user, defaults: d }) {
  const creating = mode === 'create';
  const text = (name, attrs = {}) => h('input', { id: `org-${name.replaceAll('_', '-')}`, name, type: 'text', autocomplete: 'off',
    value: d[name] ?? '', ...attrs });
  const name = text('name', { maxlength: '100', required: true });
  const type = select({ id: 'org-type', name: 'type', required: true },
    [{ value: '', label: t('orgs.type_choose') }, ...ORG_TYPES.map(ty => ({ value: ty, label: orgTypeLabel(ty) }))], d.type || '');
  const region = select({ id: 'org-region', name: 'region_code', required: true },
    [{ value: d.region_code || '', label: d.region_name || d.region_code || t('orgs.region_choose') }], d.region_code || '');
  // An officer registers organisations of their own area; a leaf area is the natural default.
  loadRegionSelect(region, t('orgs.region_choose'), d.region_code || (creating ? '' : undefined), user.region_code)
    .then(regions => {
      if (!creating || region.value || !regions) return;
      const mine = regions.find(r => r.code === user.region_code);
      if (mine && !regions.some(r => r.parent_code === mine.code)) region.value = mine.code;
    });
  const address = text('address', { maxlength: '200' });
  const phone = text('phone', { type: 'tel', maxlength: '20' });
  const contactName = text('contact_name', { maxlength: '50' });
  const contactPhone = text('contact_phone', { type: 'tel', maxlength: '20' });
  const note = h('textarea', { id: 'org-note', name: 'note', rows: '2', maxlength: '500' }, d.note || '');
  const num = (nm, v, min, max) => h('input', { id: `org-${nm}`, name: nm, type: 'number', step: 'any', min, max, inputmode: 'decimal',
    value: v === null || v === undefined ? '' : String(v) });
  const lat = num('lat', d.lat, '3', '54');
  const lon = num('lon', d.lon, '73', '136');

  const nodes = [
    field(t('orgs.field.name'), name, t('orgs.hint.name')),
    h('div', { class: 'form-row' }, field(t('orgs.field.type'), type), field(t('orgs.field.region'), region)),
    field(t('orgs.field.address'), address),
    h('div', { class: 'form-row' }, field(t('orgs.field.lat'), lat), field(t('orgs.field.lon'), lon)),
    h('p', { class: 'hint' }, t('orgs.hint.coords')),
    field(t('orgs.field.phone'), phone, t('orgs.hint.phone')),
    h('div', { class: 'form-row' }, field(t('orgs.field.contact_name'), contactName), field(t('orgs.field.contact_phone'), contactPhone)),
    field(t('orgs.field.note'), note),
  ];

  function collect() {
    const nm = name.value.trim();
    if (!nm) throw fieldError('name', t('common.required'));
    if (!type.value) throw fieldError('type', t('orgs.type_required'));
    if (!region.value) throw fieldError('region_code', t('orgs.region_required'));
    const la = lat.value.trim();
    const lo = lon.value.trim();
    if (!!la !== !!lo) throw fieldError(la ? 'lon' : 'lat', t('orgs.coords_pair'));
    if (la && !Number.isFinite(Number(la))) throw fieldError('lat', t('orgs.coords_number'));
    if (lo && !Number.isFinite(Number(lo))) throw fieldError('lon', t('orgs.coords_number'));
    const next = {
      name: nm,
      type: type.value,
      region_code: region.value,
      address: address.value.trim() || null,
      phone: phone.value.trim() || null,
      contact_name: contactName.value.trim() || null,
      contact_phone: contactPhone.value.trim() || null,
      note: note.value.trim() || null,
    };
    const body = {};
    for (const [k, v] of Object.entries(next)) {
      if (creating ? v === null : (v ?? null) === (d[k] ?? null)) continue;
      body[k] = v;
    }
    const coords = la ? [Number(la), Number(lo)] : [null, null];
    if (creating ? la : coords[0] !== (d.lat ?? null) || coords[1] !== (d.lon ?? null)) {
      [body.lat, body.lon] = coords;
    }
    return body;
  }

  return { nodes, collect };
}
