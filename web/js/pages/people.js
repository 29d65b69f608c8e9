// People registry list (admin, officer, auditor): search by name / last ID
// digits / phone, filter by category, region and status, sort, page, export
// (masked; unmasked with a reason for admin and officer), and create a record.
// Also exports the labels and form fields the person page shares.
import { h, mount, select } from '../dom.js';
import { t, getLang } from '../i18n.js';
import { get, post, exportUrl } from '../api.js';
import { REGISTRY_WRITERS } from '../nav.js';
import { loadRegionSelect } from '../lookups.js';
import {
  toast, emptyState, errorState, field, fieldError, openDialog, showFormError,
  dataTable, CursorPager, pagerBar, resultsArea, pageHeader, menuButton, downloadFile,
} from '../ui.js';

const PAGE_SIZE = 50;

export const STATUSES = ['normal', 'deceased', 'moved_away', 'expelled', 'deprived_rights', 'serving_sentence', 'in_custody', 'wanted'];
/** The legal states that bar a 优待证 (the server says so per person as status_bars_card). */
export const BARRING = new Set(['expelled', 'deprived_rights', 'serving_sentence', 'in_custody', 'wanted']);
export const CATEGORIES = ['active_duty', 'veteran', 'military_family', 'accompanying_spouse', 'military_child',
  'martyr_family', 'duty_family', 'illness_family', 'disabled_veteran'];
const SORTS = ['id', 'name', 'birth_date'];

export const statusLabel = s => t(`people.status.${s}`, null, s || '');
export const sexLabel = s => (s ? t(`people.sex.${s}`, null, s) : t('common.none'));

/** Category name: ours first, then the server's label in the current language, then the code. */
export const categoryLabel = (code, c) =>
  t(`people.category.${code}`, null, (c && (getLang() === 'en' ? c.label_en : c.label_zh)) || code);

export function statusBadge(status, id) {
  const cls = status === 'normal' ? 'badge-on' : BARRING.has(status) ? 'badge-warn' : 'badge-off';
  return h('span', { class: ['badge', cls], id, dataset: { status } }, statusLabel(status));
}

/** Whole years from a YYYY-MM-DD birth date to today (or to `until`). */
export function ageFrom(birth, until) {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(birth || '');
  if (!m) return null;
  const now = until ? new Date(`${until}T00:00:00`) : new Date();
  let age = now.getFullYear() - Number(m[1]);
  const md = (now.getMonth() + 1) * 100 + now.getDate();
  if (md < Number(m[2]) * 100 + Number(m[3])) age--;
  return age >= 0 ? age : null;
}

/** Today as YYYY-MM-DD in the browser's time zone (the default for dated entries). */
export function today() {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

export function render(ctx) {
  ctx.setTitle(t('people.title'));
  const writer = REGISTRY_WRITERS.includes(ctx.user.role);
  const q = k => ctx.query.get(k) || '';
  const filters = { q: q('q'), category: q('category'), region: q('region'), status: q('status'),
    sort: SORTS.includes(q('sort')) ? q('sort') : '' };
  const pager = new CursorPager();

  const qInput = h('input', { id: 'people-q', name: 'q', type: 'search', value: filters.q, autocomplete: 'off',
    placeholder: t('people.q_placeholder'), maxlength: '64' });
  const categorySel = select({ id: 'people-category', name: 'category' },
    [{ value: '', label: t('people.all_categories') }, ...CATEGORIES.map(c => ({ value: c, label: categoryLabel(c) }))],
    filters.category);
  // Until the regions arrive, a filter from the address still shows (as its code).
  const regionSel = select({ id: 'people-region', name: 'region' }, [{ value: '', label: t('people.all_regions') },
    ...(filters.region ? [{ value: filters.region, label: filters.region }] : [])], filters.region);
  loadRegionSelect(regionSel, t('people.all_regions'), filters.region, ctx.user.region_code);
  const statusSel = select({ id: 'people-status', name: 'status' },
    [{ value: '', label: t('people.all_statuses') }, ...STATUSES.map(s => ({ value: s, label: statusLabel(s) }))],
    filters.status);
  const sortSel = select({ id: 'people-sort', name: 'sort' },
    SORTS.map(s => ({ value: s === 'id' ? '' : s, label: t(`people.sort.${s}`) })), filters.sort);

  const filterForm = h('form', { id: 'people-filter', class: 'filter-bar filter-bar-people', role: 'search', 'aria-label': t('common.filters') },
    field(t('people.q'), qInput),
    field(t('people.filter.category'), categorySel),
    field(t('people.filter.region'), regionSel),
    field(t('people.filter.status'), statusSel),
    field(t('people.filter.sort'), sortSel),
    h('div', { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary', id: 'people-search' }, t('common.search')),
      h('button', { type: 'button', class: 'btn', id: 'people-reset', onclick: resetFilters }, t('common.reset'))));
  filterForm.addEventListener('submit', e => { e.preventDefault(); applyFilters(); });
  for (const sel of [categorySel, regionSel, statusSel, sortSel]) sel.addEventListener('change', applyFilters);

  const exportMenu = menuButton(t('common.export'), 'people-export', [
    h('button', { type: 'button', id: 'people-export-csv', onclick: () => exportMasked('csv') }, t('common.export_csv')),
    h('button', { type: 'button', id: 'people-export-xlsx', onclick: () => exportMasked('xlsx') }, t('common.export_xlsx')),
    writer ? h('button', { type: 'button', id: 'people-export-unmasked', class: 'write-action', onclick: exportUnmaskedDialog },
      t('people.export_unmasked')) : null,
  ]);
  const results = h('div', { id: 'people-results', class: 'results' });

  mount(ctx.main,
    pageHeader(t('people.title'),
      exportMenu,
      writer ? h('a', { class: 'btn write-action', id: 'people-import', href: '#/import?kind=people' }, t('people.import')) : null,
      writer ? h('button', { type: 'button', class: 'btn btn-primary write-action', id: 'person-create',
        onclick: () => createDialog(ctx) }, t('people.create')) : null),
    filterForm, results);

  function applyFilters() {
    filters.q = qInput.value.trim();
    filters.category = categorySel.value;
    filters.region = regionSel.value;
    filters.status = statusSel.value;
    filters.sort = sortSel.value;
    ctx.setQuery(filters);
    pager.reset();
    load();
  }

  function resetFilters() {
    qInput.value = '';
    for (const sel of [categorySel, regionSel, statusSel, sortSel]) sel.value = '';
    applyFilters();
  }

  async function load() {
    showFormError(filterForm, null);
    const show = resultsArea(results);
    try {
      const data = await get('/people', { ...filters, limit: PAGE_SIZE, cursor: pager.cursor });
      if (!ctx.alive()) return;
      const items = (data && data.items) || [];
      pager.next = (data && data.next) || null;
      if (!items.length && !pager.hasPrev) {
        show(h('div', { class: 'state state-empty', id: 'people-empty' },
          h('strong', null, t('people.empty')), h('span', null, t('people.empty_hint'))));
        return;
      }
      show(dataTable(columns(), items, { id: 'people-table', caption: t('people.title') }),
        pagerBar(pager, items.length, load, 'people'));
    } catch (err) {
      if (!ctx.alive() || err.status === 401) return;
      if (err.field === 'q') {
        // "Too short" and the like: say it under the search box.
        showFormError(filterForm, err);
        show(emptyState(t('people.fix_query'), 'people-query-error'));
      } else {
        show(errorState(err, load));
      }
    }
  }

  function columns() {
    return [
      { label: t('people.col.id_number'), class: 'nowrap', cell: p => h('span', { class: 'mono' }, p.id_number) },
      { label: t('people.col.name'), cell: p => h('a', { href: `#/people/${encodeURIComponent(p.id)}`, class: 'person-link',
        dataset: { id: p.id } }, p.name) },
      { label: t('people.col.sex'), cell: p => sexLabel(p.sex) },
      { label: t('people.col.birth_date'), class: 'nowrap', cell: p => p.birth_date || t('common.none') },
      { label: t('people.col.region'), cell: p => p.region_name || p.region_code || t('common.none') },
      { label: t('people.col.status'), cell: p => statusBadge(p.status) },
    ];
  }

  async function exportMasked(format) {
    try {
      await downloadFile(exportUrl('/people', filters, format), `people.${format}`);
    } catch (err) {
      if (err.status !== 401) toast(err.message);
    }
  }

  function exportUnmaskedDialog() {
    const reason = h('input', { id: 'export-reason', name: 'reason', type: 'text', maxlength: '200', required: true,
      placeholder: t('people.export_reason_placeholder') });
    const format = select({ id: 'export-format', name: 'format' },
      [{ value: 'xlsx', label: t('common.export_xlsx') }, { value: 'csv', label: t('common.export_csv') }], 'xlsx');
    openDialog({
      id: 'export-dialog',
      title: t('people.export_title'),
      body: [
        h('p', { class: 'warning' }, t('people.export_warning')),
        field(t('people.export_format'), format),
        field(t('people.export_reason'), reason),
      ],
      submitLabel: t('people.export_submit'),
      onSubmit: async () => {
        const why = reason.value.trim();
        if (!why) throw fieldError('reason', t('people.reason_required'));
        await downloadFile(exportUrl('/people', { ...filters, unmask: 1, reason: why }, format.value), `people.${format.value}`);
        toast(t('people.export_done'), 'ok');
      },
    });
  }

  load();
}

/** "New record" dialog; on success goes to the new person's page. */
function createDialog(ctx) {
  const f = personFields({ mode: 'create', user: ctx.user, defaults: {} });
  openDialog({
    id: 'person-dialog',
    title: t('people.form.create_title'),
    body: f.nodes,
    submitLabel: t('common.create'),
    onSubmit: async () => {
      const created = await post('/people', f.collect());
      toast(t('people.created', { name: created.name }), 'ok');
      ctx.navigate(`people/${created.id}`);
    },
  });
}

/**
 * The fields of the create and edit forms. Inputs are named as the API names
 * its fields, so a server error with `field` lands under the right input.
 * collect() validates what the browser can and returns the body; in edit
 * mode only what changed (the phone only when a new one was typed, or
 * removed with its box), an emptied field as null, which clears it.
 */
export function personFields({ mode, user, defaults: d, unmaskedPhone = null }) {
  const creating = mode === 'create';
  const text = (name, id, attrs = {}) => h('input', { id, name, type: 'text', autocomplete: 'off', ...attrs });
  const idNumber = text('id_number', 'person-id-number', { maxlength: '18', spellcheck: 'false', autocapitalize: 'characters',
    class: 'mono', inputmode: 'text', required: true });
  const name = text('name', 'person-name', { maxlength: '64', required: true, value: d.name || '' });
  const phone = h('input', { id: 'person-phone', name: 'phone', type: 'tel', maxlength: '20', autocomplete: 'off',
    value: creating ? '' : unmaskedPhone || '', placeholder: !creating && !unmaskedPhone ? d.phone || '' : '' });
  // The masked number is not in the input, so removing it is said with a box.
  const clearPhone = !creating && d.phone ? h('input', { id: 'person-phone-clear', type: 'checkbox',
    onchange: () => { phone.disabled = clearPhone.checked; } }) : null;
  const region = select({ id: 'person-region', name: 'region_code', required: true },
    [{ value: d.region_code || '', label: d.region_name || d.region_code || t('people.region_choose') }], d.region_code || '');
  // An officer registers people of their own area; a leaf area is the natural default.
  loadRegionSelect(region, t('people.region_choose'), d.region_code || (creating ? '' : undefined), user.region_code)
    .then(regions => {
      if (!creating || region.value || !regions) return;
      const mine = regions.find(r => r.code === user.region_code);
      if (mine && !regions.some(r => r.parent_code === mine.code)) region.value = mine.code;
    });
  const address = text('address', 'person-address', { maxlength: '200', value: d.address || '' });
  const hhRegion = select({ id: 'person-household-region', name: 'household_region_code' },
    [{ value: d.household_region_code || '', label: d.household_region_name || d.household_region_code || t('people.region_none') }],
    d.household_region_code || '');
  loadRegionSelect(hhRegion, t('people.region_none'), d.household_region_code || '');
  const hhAddress = text('household_address', 'person-household-address', { maxlength: '200', value: d.household_address || '' });
  const num = (name, id, v, min, max) => h('input', { id, name, type: 'number', step: 'any', min, max, inputmode: 'decimal',
    value: v === null || v === undefined ? '' : String(v) });
  const lat = num('lat', 'person-lat', d.lat, '-90', '90');
  const lon = num('lon', 'person-lon', d.lon, '-180', '180');

  const nodes = [
    creating ? field(t('people.field.id_number'), idNumber, t('people.hint.id_number')) : null,
    field(t('people.field.name'), name),
    field(t('people.field.phone'), phone,
      creating || unmaskedPhone ? t('people.hint.phone') : t('people.hint.phone_keep', { phone: d.phone || t('common.none') })),
    clearPhone ? h('div', { class: 'field field-check' }, clearPhone,
      h('label', { for: clearPhone.id }, t('people.field.clear_phone'))) : null,
    h('div', { class: 'form-row' },
      field(t('people.field.region'), region),
      field(t('people.field.address'), address)),
    h('div', { class: 'form-row' },
      field(t('people.field.household_region'), hhRegion),
      field(t('people.field.household_address'), hhAddress)),
    h('div', { class: 'form-row' },
      field(t('people.field.lat'), lat),
      field(t('people.field.lon'), lon)),
    h('p', { class: 'hint' }, t('people.hint.coords')),
  ];

  function collect() {
    const body = {};
    if (creating) {
      body.id_number = idNumber.value.trim().toUpperCase();
      if (!body.id_number) throw fieldError('id_number', t('common.required'));
    }
    const nm = name.value.trim();
    if (!nm) throw fieldError('name', t('common.required'));
    if (!region.value) throw fieldError('region_code', t('people.region_required'));
    const la = lat.value.trim();
    const lo = lon.value.trim();
    if (!!la !== !!lo) throw fieldError(la ? 'lon' : 'lat', t('people.coords_pair'));
    if (la && !Number.isFinite(Number(la))) throw fieldError('lat', t('people.coords_number'));
    if (lo && !Number.isFinite(Number(lo))) throw fieldError('lon', t('people.coords_number'));

    const next = {
      name: nm,
      region_code: region.value,
      address: address.value.trim() || null,
      household_region_code: hhRegion.value || null,
      household_address: hhAddress.value.trim() || null,
    };
    const ph = phone.value.trim();
    if (creating) {
      Object.assign(body, next);
      if (ph) body.phone = ph;
      if (la) { body.lat = Number(la); body.lon = Number(lo); }
      for (const k of Object.keys(body)) if (body[k] === null) delete body[k];
      return body;
    }
    // Edit: send only what changed, so a colleague's change to another field is not overwritten;
    // an emptied field goes as null, which clears it (name and region were required above).
    for (const [k, v] of Object.entries(next)) {
      if ((v ?? null) !== (d[k] ?? null)) body[k] = v;
    }
    if (clearPhone && clearPhone.checked) body.phone = null;
    else if (ph && ph !== unmaskedPhone) body.phone = ph;
    else if (!ph && unmaskedPhone) body.phone = null; // the full number was shown and emptied
    if (la && (Number(la) !== d.lat || Number(lo) !== d.lon)) { body.lat = Number(la); body.lon = Number(lo); }
    if (!la && d.lat !== null && d.lat !== undefined) { body.lat = null; body.lon = null; }
    return body;
  }

  return { nodes, collect };
}
