// A person's page: header (masked ID with audited "show full"), details,
// categories and why they hold them, family links, service history, status
// history; and the sections later modules fill (cards, services, cases).
// Admin and officer change things here (and remove what was entered by
// mistake, after a confirmation); auditors and the person read only.
import { h, mount, select } from '../dom.js';
import { t, fmtTime } from '../i18n.js';
import { get, post, patch, del } from '../api.js';
import { REGISTRY_WRITERS, STAFF } from '../nav.js';
import { personPicker } from '../lookups.js';
import { toast, loading, errorState, field, fieldError, openDialog, confirmDialog, dataTable, section } from '../ui.js';
import {
  STATUSES, BARRING, CATEGORIES, statusBadge, statusLabel, sexLabel, categoryLabel, ageFrom, today, personFields,
} from './people.js';
import { applyDialog, cardNumber, cardStateBadge, cardKindLabel } from './cards.js';

const RELATIONS = ['spouse', 'parent', 'child', 'sibling'];
const INVERSE = { parent: 'child', child: 'parent', spouse: 'spouse', sibling: 'sibling' };
const BRANCHES = ['army', 'navy', 'air_force', 'rocket_force', 'strategic_support', 'joint_logistics', 'armed_police',
  'aerospace', 'cyberspace', 'information_support'];
const EXIT_MODES = ['retire', 'transfer', 'pension', 'self_employed', 'demobilised', 'placed', 'supported'];
const AWARD_LEVELS = ['jiajiang', 'merit_3', 'merit_2', 'merit_1', 'cmc_commendation', 'army_commendation'];
const PERIOD_KINDS = ['hardship', 'island'];
const CAUSES = ['combat', 'duty', 'illness'];
const DEATH_KINDS = ['martyr', 'duty', 'illness'];
const GRADES = Array.from({ length: 10 }, (_, i) => i + 1);

const none = () => t('common.none');
const or = v => (v === null || v === undefined || v === '' ? none() : v);
const span = (from, to) => t('person.span', { from: from || '?', to: to || t('person.span_open') });
const opts = (codes, prefix) => codes.map(c => ({ value: c, label: t(`${prefix}.${c}`, null, c) }));

export function render(ctx) {
  const role = ctx.user.role;
  const id = (ctx.params && ctx.params.id) || ctx.user.person_id;
  const writer = REGISTRY_WRITERS.includes(role);
  const staff = STAFF.includes(role);
  let person = null;
  let unmasked = null;   // {id_number, phone} after an audited "show full"; this view only

  ctx.setTitle(t('nav.person'));
  if (!id) {
    mount(ctx.main, errorState({ status: 404, message: t('person.no_record') }));
    return null;
  }

  async function load() {
    mount(ctx.main, loading());
    try {
      const p = await get(`/people/${encodeURIComponent(id)}`);
      if (!ctx.alive()) return;
      show(p);
    } catch (err) {
      if (ctx.alive() && err.status !== 401) {
        mount(ctx.main, staff ? backLink() : null, errorState(err, load));
      }
    }
  }

  /** Every change answers with the whole page object: draw it again. */
  function show(p) {
    person = p;
    ctx.setTitle(p.name);
    mount(ctx.main,
      staff ? backLink() : null,
      header(p),
      section('basic', t('person.sec.basic'), writer ? actionButton('person-edit', t('person.edit'), editDialog) : null, basicInfo(p)),
      section('categories', t('person.sec.categories'),
        writer ? actionButton('category-add', t('person.cat.add'), categoryDialog) : null, categoriesBody(p)),
      section('family', t('person.sec.family'),
        writer ? actionButton('family-add', t('person.fam.add'), familyDialog) : null, familyBody(p)),
      section('service', t('person.sec.service'),
        writer ? actionButton('service-add', t('person.svc.add'), serviceDialog) : null, serviceBody(p)),
      section('status', t('person.sec.status'),
        writer ? actionButton('status-add', t('person.st.add'), statusDialog) : null, statusBody(p)),
      cardPanel(p),
      // Filled by later modules; the place is kept so the page does not change shape.
      h('div', { class: 'person-later' }, ['services', 'cases'].map(k => section(k, t(`person.sec.${k}`), null,
        h('div', { class: 'state state-empty state-building' }, t('person.building'))))));
    // After a dialog's change, keyboard users continue from the button that opened it.
    if (returnFocus) {
      const target = returnFocus;
      returnFocus = null;
      setTimeout(() => { const el = document.getElementById(target); if (el && ctx.alive()) el.focus(); }, 0);
    }
  }

  // ---------- 优待证 (the cards module; its own small query) ----------

  function cardPanel(p) {
    const body = h('div', { id: 'person-cards' }, loading());
    const canApply = writer && p.status === 'normal' && !p.status_bars_card;
    const applyBtn = canApply ? h('button', { type: 'button', class: 'btn btn-small btn-primary write-action', id: 'card-apply', hidden: true,
      onclick: async () => {
        const card = await applyDialog(p);
        if (card && ctx.alive()) ctx.navigate(`cards/${card.id}`);
      } }, t('cards.apply')) : null;
    get('/cards', { person: p.id, limit: 20 }).then(data => {
      if (!ctx.alive()) return;
      const items = (data && data.items) || [];
      const standing = items.filter(c => !['refused', 'returned', 'revoked', 'replaced'].includes(c.state));
      if (applyBtn) applyBtn.hidden = standing.length > 0;
      if (!items.length) {
        mount(body, h('div', { class: 'state state-empty', id: 'person-cards-empty' },
          p.status_bars_card ? t('cards.person_barred') : t('cards.person_none')));
        return;
      }
      mount(body, h('ul', { class: 'plain-list', id: 'person-card-list' }, items.map(c => h('li', { dataset: { id: c.id } },
        h('a', { href: `#/cards/${encodeURIComponent(c.id)}`, class: 'mono card-link' }, cardNumber(c.number)), ' ',
        cardStateBadge(c.state), ' ', cardKindLabel(c.kind),
        c.received_at ? ` · ${t('cards.field.received')} ${fmtTime(c.received_at)}` : ''))));
    }).catch(err => {
      if (ctx.alive() && err.status !== 401) mount(body, errorState(err));
    });
    return section('cards', t('person.sec.cards'), applyBtn, body);
  }

  let returnFocus = null;
  const actionButton = (btnId, label, onclick) =>
    h('button', { type: 'button', class: 'btn btn-small write-action', id: btnId,
      onclick: () => { returnFocus = btnId; onclick(); } }, label);

  /**
   * Asks first; then DELETE, which answers with the page. Focus goes back to
   * the section's add button, since the removed row's buttons are gone.
   */
  async function removeAfterConfirm(message, okLabel, path, done, focusId) {
    if (!(await confirmDialog(message, { okLabel }))) return;
    try {
      const p = await del(path);
      if (!ctx.alive()) return;
      returnFocus = focusId;
      show(p);
      toast(done, 'ok');
    } catch (err) {
      if (err.status !== 401) toast(err.message);
    }
  }
  const personPath = (...parts) => ['/people', id, ...parts].map((x, i) => (i ? encodeURIComponent(x) : x)).join('/');

  const backLink = () => h('p', { class: 'back-link' }, h('a', { href: '#/people', id: 'person-back' }, t('person.back')));

  function header(p) {
    const age = ageFrom(p.birth_date, p.status === 'deceased' ? p.death_date : null);
    const idNumber = unmasked ? unmasked.id_number : p.id_number;
    return h('section', { class: 'panel person-header', 'aria-labelledby': 'person-title' },
      h('div', { class: 'person-head-line' },
        h('h1', { class: 'page-title', id: 'person-title', tabindex: '-1' }, p.name),
        statusBadge(p.status, 'person-status'),
        p.death_kind ? h('span', { class: 'badge badge-honour', id: 'person-death-kind' }, t(`person.death_kind.${p.death_kind}`, null, p.death_kind)) : null,
        p.status_bars_card ? h('span', { class: 'badge badge-danger', id: 'person-bars-card', title: t('person.bars_card_title') },
          `⚠ ${t('person.bars_card')}`) : null,
        staff && !writer ? h('span', { class: 'badge badge-off', id: 'person-readonly' }, t('person.readonly')) : null),
      h('div', { class: 'person-head-facts' },
        h('span', { class: 'person-fact' },
          h('span', { class: 'fact-label' }, t('people.field.id_number')),
          h('span', { class: ['mono', unmasked && 'unmasked'], id: 'person-id-number' }, or(idNumber)),
          p.may_unmask && !unmasked ? h('button', { type: 'button', class: 'btn btn-small write-action', id: 'person-unmask',
            onclick: unmaskDialog }, t('person.unmask')) : null,
          unmasked ? h('span', { class: 'hint unmask-note', id: 'person-unmask-note', role: 'status' }, t('person.unmasked_note')) : null),
        h('span', { class: 'person-fact' }, h('span', { class: 'fact-label' }, t('people.col.sex')), sexLabel(p.sex)),
        h('span', { class: 'person-fact', id: 'person-age' }, h('span', { class: 'fact-label' }, t('person.age_label')),
          age === null ? none() : t('person.age', { n: age }), p.birth_date ? ` (${p.birth_date})` : ''),
        h('span', { class: 'person-fact' }, h('span', { class: 'fact-label' }, t('people.col.region')), or(p.region_name || p.region_code))));
  }

  function basicInfo(p) {
    const phone = unmasked ? unmasked.phone : p.phone;
    const row = (label, value, id) => [h('dt', null, label), h('dd', { id }, value)];
    return h('dl', { class: 'facts', id: 'person-basic' },
      row(t('people.field.name'), p.name),
      row(t('people.field.id_number'), h('span', { class: 'mono' }, or(unmasked ? unmasked.id_number : p.id_number))),
      row(t('people.col.sex'), sexLabel(p.sex)),
      row(t('people.col.birth_date'), or(p.birth_date)),
      row(t('people.field.phone'), h('span', { class: 'mono', id: 'person-phone-value' }, or(phone))),
      row(t('people.field.region'), or(p.region_name || p.region_code)),
      row(t('people.field.address'), or(p.address)),
      row(t('people.field.household_region'), or(p.household_region_name || p.household_region_code)),
      row(t('people.field.household_address'), or(p.household_address)),
      row(t('person.field.coords'), p.lat !== null && p.lat !== undefined && p.lon !== null && p.lon !== undefined
        ? h('span', { class: 'mono' }, `${Number(p.lat).toFixed(5)}, ${Number(p.lon).toFixed(5)}`) : none()),
      row(t('people.col.status'), [statusLabel(p.status), p.status_since ? ` · ${t('person.status_since', { date: p.status_since })}` : '',
        p.death_date ? ` · ${t('person.death_date', { date: p.death_date })}` : '']),
      row(t('person.field.created_at'), fmtTime(p.created_at)),
      row(t('person.field.updated_at'), fmtTime(p.updated_at)));
  }

  // ---------- categories ----------

  function categoriesBody(p) {
    const cats = p.categories || [];
    if (!cats.length) return h('div', { class: 'state state-empty', id: 'categories-empty' }, t('person.cat.empty'));
    return dataTable([
      { label: t('person.cat.col.category'), cell: c => h('strong', null, categoryLabel(c.category, c)) },
      { label: t('person.cat.col.why'), cell: c => whyNode(c, p) },
      { label: t('person.cat.col.period'), class: 'nowrap', cell: c => (c.derived ? none()
        : c.end_date ? span(c.start_date, c.end_date) : c.start_date ? t('person.cat.since', { date: c.start_date }) : none()) },
      { label: t('person.cat.col.detail'), cell: c => categoryDetail(c) },
      { label: t('person.cat.col.state'), cell: c => (c.end_date && c.end_date <= today()
        ? h('span', { class: 'badge badge-off' }, t('person.cat.ended'))
        : h('span', { class: 'badge badge-on' }, t('person.cat.active'))) },
      // Derived categories follow from a family link: removed there, not here.
      writer ? { label: t('common.actions'), class: 'actions', cell: c => (c.derived ? null : [
        !c.end_date ? h('button', { type: 'button', class: 'btn btn-small write-action', dataset: { action: 'end-category', id: c.id },
          onclick: () => endCategoryDialog(c) }, t('person.cat.end')) : null,
        ' ',
        h('button', { type: 'button', class: 'btn btn-small btn-danger-outline write-action', dataset: { action: 'delete-category', id: c.id },
          onclick: () => removeAfterConfirm(t('person.cat.delete_confirm', { category: categoryLabel(c.category, c) }),
            t('person.cat.delete'), personPath('categories', c.id), t('person.cat.deleted'), 'category-add') }, t('person.cat.delete')),
      ]) } : null,
    ].filter(Boolean), cats, { id: 'categories-table', caption: t('person.sec.categories') });
  }

  /** "Entered" or "因其父母（张三）为烈士" with a link to that person. */
  function whyNode(c, p) {
    if (!c.derived && c.why !== 'family_link') return h('span', { class: 'why' }, t('person.cat.entered'));
    const via = c.via || {};
    // What the other person is to this one: the family list says it directly;
    // otherwise invert what this person is to them.
    const fam = (p.family || []).find(f => String(f.person_id) === String(via.person_id));
    const rel = fam ? fam.relation : INVERSE[via.relation] || via.relation;
    const key = `person.cat.via.${c.category}`;
    const template = t(key, { relation: t(`people.relation.${rel}`, null, rel || '') }, t('person.cat.via.other',
      { relation: t(`people.relation.${rel}`, null, rel || '') }));
    const [before, after = ''] = template.split('{name}');
    const nameNode = via.person_id && staff
      ? h('a', { href: `#/people/${encodeURIComponent(via.person_id)}`, class: 'via-link' }, via.name || `#${via.person_id}`)
      : h('span', null, via.name || '');
    return h('span', { class: 'why why-derived' }, before, nameNode, after);
  }

  function categoryDetail(c) {
    const parts = [];
    if (c.disability_grade) parts.push(t('person.grade', { n: c.disability_grade }));
    if (c.disability_cause) parts.push(t(`people.cause.${c.disability_cause}`, null, c.disability_cause));
    if (c.note) parts.push(c.note);
    return parts.length ? parts.join(' · ') : none();
  }

  function categoryDialog() {
    const cat = select({ id: 'category-code', name: 'category' }, CATEGORIES.map(c => ({ value: c, label: categoryLabel(c) })), 'veteran');
    const start = h('input', { id: 'category-start', name: 'start_date', type: 'date', max: today() });
    const end = h('input', { id: 'category-end', name: 'end_date', type: 'date', max: today() });
    const grade = select({ id: 'category-grade', name: 'disability_grade' },
      [{ value: '', label: t('person.choose') }, ...GRADES.map(n => ({ value: n, label: t('person.grade', { n }) }))]);
    const cause = select({ id: 'category-cause', name: 'disability_cause' },
      [{ value: '', label: t('person.choose') }, ...opts(CAUSES, 'people.cause')]);
    const note = h('input', { id: 'category-note', name: 'note', type: 'text', maxlength: '200' });
    const disability = h('div', { class: 'form-row' }, field(t('person.cat.field.grade'), grade), field(t('person.cat.field.cause'), cause));
    const sync = () => { disability.hidden = cat.value !== 'disabled_veteran'; };
    cat.addEventListener('change', sync);
    sync();
    openDialog({
      id: 'category-dialog',
      title: t('person.cat.form_title'),
      body: [
        field(t('person.cat.field.category'), cat),
        h('div', { class: 'form-row' }, field(t('person.cat.field.start_date'), start), field(t('person.cat.field.end_date'), end)),
        disability,
        field(t('person.cat.field.note'), note),
        h('p', { class: 'hint' }, t('person.cat.derived_note')),
      ],
      onSubmit: async () => {
        const body = { category: cat.value };
        if (start.value) body.start_date = start.value;
        if (end.value) body.end_date = end.value;
        if (cat.value === 'disabled_veteran') {
          if (!grade.value) throw fieldError('disability_grade', t('person.cat.grade_required'));
          body.disability_grade = Number(grade.value);
          if (cause.value) body.disability_cause = cause.value;
        }
        if (note.value.trim()) body.note = note.value.trim();
        show(await post(`/people/${encodeURIComponent(id)}/categories`, body));
        toast(t('person.cat.added'), 'ok');
      },
    });
  }

  function endCategoryDialog(c) {
    const end = h('input', { id: 'category-end-date', name: 'end_date', type: 'date', value: today(), max: today(), required: true });
    openDialog({
      id: 'category-end-dialog',
      title: t('person.cat.end_title', { category: categoryLabel(c.category, c) }),
      body: field(t('person.cat.field.end_date'), end),
      submitLabel: t('person.cat.end'),
      danger: true,
      onSubmit: async () => {
        if (!end.value) throw fieldError('end_date', t('common.required'));
        show(await post(`/people/${encodeURIComponent(id)}/categories/${encodeURIComponent(c.id)}/end`, { end_date: end.value }));
        toast(t('person.cat.ended_done'), 'ok');
      },
    });
  }

  // ---------- family ----------

  function familyBody(p) {
    const fam = p.family || [];
    if (!fam.length) return h('div', { class: 'state state-empty', id: 'family-empty' }, t('person.fam.empty'));
    return dataTable([
      { label: t('people.col.name'), cell: f => (staff
        ? h('a', { href: `#/people/${encodeURIComponent(f.person_id)}`, class: 'person-link', dataset: { id: f.person_id } }, f.name)
        : f.name) },
      { label: t('person.fam.col.relation'), cell: f => t(`people.relation.${f.relation}`, null, f.relation) },
      { label: t('people.col.status'), cell: f => [statusBadge(f.status),
        f.death_kind ? [' ', h('span', { class: 'badge badge-honour' }, t(`person.death_kind.${f.death_kind}`, null, f.death_kind))] : null] },
      writer ? { label: t('common.actions'), class: 'actions', cell: f => h('button', {
        type: 'button', class: 'btn btn-small btn-danger-outline write-action', dataset: { action: 'remove-link', id: f.link_id },
        onclick: () => removeAfterConfirm(
          t('person.fam.remove_confirm', { name: f.name, relation: t(`people.relation.${f.relation}`, null, f.relation) }),
          t('person.fam.remove'), personPath('family', f.link_id), t('person.fam.removed'), 'family-add'),
      }, t('person.fam.remove')) } : null,
    ].filter(Boolean), fam, { id: 'family-table', caption: t('person.sec.family') });
  }

  function familyDialog() {
    const picker = personPicker({ idPrefix: 'family', excludeId: id, label: t('person.fam.pick') });
    const relation = select({ id: 'family-relation', name: 'relation' },
      [{ value: '', label: t('person.choose') }, ...opts(RELATIONS, 'people.relation')]);
    const supported = h('input', { id: 'family-supported', name: 'supported', type: 'checkbox', disabled: true });
    const supportedRow = h('div', { class: 'field field-check' }, supported,
      h('label', { for: supported.id }, t('person.fam.supported')));
    relation.addEventListener('change', () => {
      supported.disabled = relation.value !== 'sibling';
      if (supported.disabled) supported.checked = false;
    });
    const { dialog } = openDialog({
      id: 'family-dialog',
      title: t('person.fam.form_title', { name: person.name }),
      body: [
        picker.el,
        field(t('person.fam.relation', { name: person.name }), relation),
        supportedRow,
        h('p', { class: 'hint' }, t('person.fam.supported_hint')),
      ],
      onSubmit: async () => {
        const rid = picker.value();
        if (!rid) throw fieldError('relative_id', t('person.fam.pick_required'));
        if (!relation.value) throw fieldError('relation', t('common.required'));
        const body = { relative_id: rid, relation: relation.value };
        if (relation.value === 'sibling') body.supported = supported.checked;
        show(await post(`/people/${encodeURIComponent(id)}/family`, body));
        toast(t('person.fam.added'), 'ok');
      },
    });
    dialog.querySelector('#family-q').focus();
  }

  // ---------- service ----------

  function serviceBody(p) {
    const recs = p.service || [];
    if (!recs.length) return h('div', { class: 'state state-empty', id: 'service-empty' }, t('person.svc.empty'));
    return h('div', { class: 'service-cards', id: 'service-cards' }, recs.map(s =>
      h('article', { class: 'service-card', dataset: { id: s.id } },
        h('h3', { class: 'service-title' }, t(`people.branch.${s.branch}`, null, s.branch),
          h('span', { class: 'service-span' }, span(s.enlist_date, s.discharge_date || t('person.svc.serving')))),
        h('dl', { class: 'facts facts-compact' },
          h('dt', null, t('person.svc.rank')), h('dd', null, or(s.rank)),
          h('dt', null, t('person.svc.exit_mode')), h('dd', null, s.exit_mode ? t(`people.exit.${s.exit_mode}`, null, s.exit_mode) : none()),
          s.disability_grade ? [h('dt', null, t('person.svc.disability')), h('dd', null,
            [t('person.grade', { n: s.disability_grade }),
              s.disability_cause ? ` · ${t(`people.cause.${s.disability_cause}`, null, s.disability_cause)}` : ''])] : null),
        h('div', { class: 'service-lists' },
          h('div', null, h('h4', null, t('person.svc.awards')),
            (s.awards || []).length ? h('ul', { class: 'plain-list' }, s.awards.map(a => h('li', null,
              h('span', { class: ['badge', a.wartime ? 'badge-warn' : 'badge-off'] }, t(a.wartime ? 'person.svc.wartime' : 'person.svc.peacetime')),
              ' ', t(`people.award.${a.level}`, null, a.level), a.date ? ` · ${a.date}` : '')))
              : h('p', { class: 'hint' }, t('person.svc.none'))),
          h('div', null, h('h4', null, t('person.svc.periods')),
            (s.periods || []).length ? h('ul', { class: 'plain-list' }, s.periods.map(pd => h('li', null,
              t(`people.period.${pd.kind}`, null, pd.kind), ' · ', span(pd.start_date, pd.end_date))))
              : h('p', { class: 'hint' }, t('person.svc.none')))),
        writer ? h('div', { class: 'service-actions' },
          h('button', { type: 'button', class: 'btn btn-small write-action', id: `service-edit-${s.id}`,
            dataset: { action: 'edit-service', id: s.id }, onclick: () => { returnFocus = `service-edit-${s.id}`; serviceDialog(s); } },
          t('person.svc.edit')),
          h('button', { type: 'button', class: 'btn btn-small btn-danger-outline write-action', dataset: { action: 'delete-service', id: s.id },
            onclick: () => removeAfterConfirm(
              t('person.svc.delete_confirm', { branch: t(`people.branch.${s.branch}`, null, s.branch),
                span: span(s.enlist_date, s.discharge_date || t('person.svc.serving')) }),
              t('person.svc.delete'), personPath('service', s.id), t('person.svc.deleted'), 'service-add') },
          t('person.svc.delete'))) : null)));
  }

  /** Add a service record, or (given one) edit it: then only what changed is sent, an emptied field as null. */
  function serviceDialog(rec = null) {
    const max = today();
    const v = rec || {};
    const branch = select({ id: 'service-branch', name: 'branch' },
      [{ value: '', label: t('person.choose') }, ...opts(BRANCHES, 'people.branch')], v.branch || '');
    const enlist = h('input', { id: 'service-enlist', name: 'enlist_date', type: 'date', max, required: true, value: v.enlist_date || '' });
    const discharge = h('input', { id: 'service-discharge', name: 'discharge_date', type: 'date', max, value: v.discharge_date || '' });
    const rank = h('input', { id: 'service-rank', name: 'rank', type: 'text', maxlength: '40', placeholder: t('person.svc.rank_placeholder'),
      value: v.rank || '' });
    const exitMode = select({ id: 'service-exit-mode', name: 'exit_mode' },
      [{ value: '', label: t('person.svc.exit_none') }, ...opts(EXIT_MODES, 'people.exit')], v.exit_mode || '');
    const grade = select({ id: 'service-grade', name: 'disability_grade' },
      [{ value: '', label: t('person.svc.no_disability') }, ...GRADES.map(n => ({ value: n, label: t('person.grade', { n }) }))],
      v.disability_grade ? String(v.disability_grade) : '');
    const cause = select({ id: 'service-cause', name: 'disability_cause' },
      [{ value: '', label: t('person.choose') }, ...opts(CAUSES, 'people.cause')], v.disability_cause || '');

    const awardRows = [];
    const periodRows = [];
    const awardList = h('div', { class: 'dyn-rows', id: 'service-awards' });
    const periodList = h('div', { class: 'dyn-rows', id: 'service-periods' });
    const noneNote = k => h('p', { class: 'hint dyn-empty' }, t(k));
    const refreshEmpty = () => {
      if (!awardRows.length) mount(awardList, noneNote('person.svc.no_awards'));
      if (!periodRows.length) mount(periodList, noneNote('person.svc.no_periods'));
    };

    // Rows carry no `name`: the fieldset is what a server error about awards/periods points at.
    function addAward(a = null) {
      if (!awardRows.length) awardList.replaceChildren();
      const n = awardRows.length + 1;
      const row = {
        level: select({ 'aria-label': t('person.svc.award_level'), class: 'award-level' }, opts(AWARD_LEVELS, 'people.award'),
          a ? a.level : undefined),
        wartime: h('input', { type: 'checkbox', class: 'award-wartime', id: `award-wartime-${Date.now()}-${n}`, checked: !!(a && a.wartime) }),
        date: h('input', { type: 'date', max, 'aria-label': t('person.svc.award_date'), class: 'award-date', value: (a && a.date) || '' }),
      };
      row.el = h('div', { class: 'dyn-row' }, row.level,
        h('span', { class: 'field-check' }, row.wartime, h('label', { for: row.wartime.id }, t('person.svc.wartime'))),
        row.date,
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => {
          awardRows.splice(awardRows.indexOf(row), 1); row.el.remove(); refreshEmpty();
        } }, t('person.svc.remove')));
      awardRows.push(row);
      awardList.appendChild(row.el);
      if (!a) row.level.focus();
    }
    function addPeriod(pd = null) {
      if (!periodRows.length) periodList.replaceChildren();
      const row = {
        kind: select({ 'aria-label': t('person.svc.period_kind'), class: 'period-kind' }, opts(PERIOD_KINDS, 'people.period'),
          pd ? pd.kind : undefined),
        start: h('input', { type: 'date', max, 'aria-label': t('person.svc.period_start'), class: 'period-start', value: (pd && pd.start_date) || '' }),
        end: h('input', { type: 'date', max, 'aria-label': t('person.svc.period_end'), class: 'period-end', value: (pd && pd.end_date) || '' }),
      };
      row.el = h('div', { class: 'dyn-row' }, row.kind, row.start, h('span', { class: 'dyn-sep' }, '–'), row.end,
        h('button', { type: 'button', class: 'btn btn-small', onclick: () => {
          periodRows.splice(periodRows.indexOf(row), 1); row.el.remove(); refreshEmpty();
        } }, t('person.svc.remove')));
      periodRows.push(row);
      periodList.appendChild(row.el);
      if (!pd) row.kind.focus();
    }
    (v.awards || []).forEach(addAward);
    (v.periods || []).forEach(addPeriod);
    refreshEmpty();

    openDialog({
      id: 'service-dialog',
      title: t(rec ? 'person.svc.edit_title' : 'person.svc.form_title'),
      body: [
        h('div', { class: 'form-row' }, field(t('person.svc.branch'), branch), field(t('person.svc.rank'), rank)),
        h('div', { class: 'form-row' }, field(t('person.svc.enlist'), enlist), field(t('person.svc.discharge'), discharge)),
        field(t('person.svc.exit_mode'), exitMode),
        h('div', { class: 'form-row' }, field(t('person.svc.disability_grade'), grade), field(t('person.cat.field.cause'), cause)),
        h('fieldset', { name: 'awards', class: 'dyn-fieldset' }, h('legend', null, t('person.svc.awards')), awardList,
          h('button', { type: 'button', class: 'btn btn-small', id: 'service-award-add', onclick: () => addAward() }, `+ ${t('person.svc.award_add')}`)),
        h('fieldset', { name: 'periods', class: 'dyn-fieldset' }, h('legend', null, t('person.svc.periods')), periodList,
          h('button', { type: 'button', class: 'btn btn-small', id: 'service-period-add', onclick: () => addPeriod() }, `+ ${t('person.svc.period_add')}`)),
      ],
      onSubmit: async () => {
        if (!branch.value) throw fieldError('branch', t('common.required'));
        if (!enlist.value) throw fieldError('enlist_date', t('common.required'));
        if (exitMode.value && !discharge.value) throw fieldError('discharge_date', t('person.svc.discharge_required'));
        const body = { branch: branch.value, enlist_date: enlist.value };
        if (discharge.value) body.discharge_date = discharge.value;
        if (rank.value.trim()) body.rank = rank.value.trim();
        if (exitMode.value) body.exit_mode = exitMode.value;
        if (grade.value) {
          body.disability_grade = Number(grade.value);
          if (cause.value) body.disability_cause = cause.value;
        }
        body.awards = awardRows.map(r => ({ level: r.level.value, wartime: r.wartime.checked, date: r.date.value || null }));
        for (const r of periodRows) {
          if (!r.start.value || !r.end.value) throw fieldError('periods', t('person.svc.period_dates'));
        }
        body.periods = periodRows.map(r => ({ kind: r.kind.value, start_date: r.start.value, end_date: r.end.value }));
        if (!rec) {
          show(await post(`/people/${encodeURIComponent(id)}/service`, body));
          toast(t('person.svc.added'), 'ok');
          return;
        }
        // Edit: every field as it now stands (emptied → null), sent only where it differs from the record.
        const next = { discharge_date: null, rank: null, exit_mode: null, disability_grade: null, disability_cause: null, ...body };
        const changed = {};
        for (const [k, val] of Object.entries(next)) {
          if (JSON.stringify(val) !== JSON.stringify(rec[k] ?? (Array.isArray(val) ? [] : null))) changed[k] = val;
        }
        if (!Object.keys(changed).length) return;
        show(await patch(personPath('service', rec.id), changed));
        toast(t('person.svc.saved'), 'ok');
      },
    });
  }

  // ---------- status ----------

  function statusBody(p) {
    const hist = p.status_history || [];
    if (!hist.length) return h('div', { class: 'state state-empty', id: 'status-empty' }, t('person.st.empty'));
    return dataTable([
      { label: t('person.st.col.status'), cell: s => statusBadge(s.status) },
      { label: t('person.st.col.since'), class: 'nowrap', cell: s => or(s.since) },
      { label: t('person.st.col.reason'), cell: s => or(s.reason) },
      { label: t('person.st.col.recorded_by'), cell: s => or(s.recorded_by) },
      { label: t('person.st.col.recorded_at'), class: 'nowrap', cell: s => fmtTime(s.recorded_at) },
    ], hist, { id: 'status-table', caption: t('person.sec.status') });
  }

  function statusDialog() {
    const status = select({ id: 'status-value', name: 'status' }, STATUSES.map(s => ({ value: s, label: statusLabel(s) })), person.status);
    const since = h('input', { id: 'status-since', name: 'since', type: 'date', value: today(), max: today(), required: true });
    const reason = h('input', { id: 'status-reason', name: 'reason', type: 'text', maxlength: '200' });
    const deathKind = select({ id: 'status-death-kind', name: 'death_kind' },
      [{ value: '', label: t('person.st.death_none') }, ...opts(DEATH_KINDS, 'person.death_kind')]);
    const deathField = field(t('person.st.field.death_kind'), deathKind, t('person.st.death_hint'));
    const warn = h('p', { class: 'warning', id: 'status-bars-warning' }, t('person.st.bars_warning'));
    const sync = () => {
      deathField.hidden = status.value !== 'deceased';
      warn.hidden = !BARRING.has(status.value);
    };
    status.addEventListener('change', sync);
    sync();
    openDialog({
      id: 'status-dialog',
      title: t('person.st.form_title'),
      body: [
        field(t('person.st.field.status'), status),
        warn,
        field(t('person.st.field.since'), since),
        deathField,
        field(t('person.st.field.reason'), reason),
      ],
      onSubmit: async () => {
        if (!since.value) throw fieldError('since', t('common.required'));
        const body = { status: status.value, since: since.value };
        if (reason.value.trim()) body.reason = reason.value.trim();
        if (status.value === 'deceased' && deathKind.value) body.death_kind = deathKind.value;
        show(await post(`/people/${encodeURIComponent(id)}/status`, body));
        toast(t('person.st.saved'), 'ok');
      },
    });
  }

  // ---------- details and unmasking ----------

  function editDialog() {
    const f = personFields({ mode: 'edit', user: ctx.user, defaults: person, unmaskedPhone: unmasked ? unmasked.phone : null });
    openDialog({
      id: 'person-dialog',
      title: t('people.form.edit_title', { name: person.name }),
      body: f.nodes,
      onSubmit: async () => {
        const body = f.collect();
        if (!Object.keys(body).length) return;
        const saved = await patch(`/people/${encodeURIComponent(id)}`, body);
        if ('phone' in body && unmasked) unmasked = { ...unmasked, phone: body.phone };
        show(saved);
        toast(t('people.saved'), 'ok');
      },
    });
  }

  function unmaskDialog() {
    const reason = h('input', { id: 'unmask-reason', name: 'reason', type: 'text', maxlength: '200', required: true,
      placeholder: t('person.unmask_reason_placeholder') });
    openDialog({
      id: 'unmask-dialog',
      title: t('person.unmask_title'),
      body: [h('p', { class: 'warning' }, t('person.unmask_intro')), field(t('person.unmask_reason'), reason)],
      submitLabel: t('person.unmask_submit'),
      onSubmit: async () => {
        const why = reason.value.trim();
        if (!why) throw fieldError('reason', t('people.reason_required'));
        const r = await post(`/people/${encodeURIComponent(id)}/unmask`, { reason: why });
        unmasked = { id_number: r.id_number, phone: r.phone };
        returnFocus = 'person-title';
        if (ctx.alive()) show(person);
      },
    });
  }

  load();
  return null;
}
