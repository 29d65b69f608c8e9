// The 双清单 board of a year: the two lists side by side (拥军优属, handled by
// government departments; 拥政爱民, by the stationed units), each item with
// its responsible unit, content, deadline, quality standard, state and
// overdue flag; the completion and on-time rates by list, by responsible
// unit and by quarter as numbers and charts; adding an item (征集) and moving
// it through its states; export. The server computes every number.
import { h, mount, select } from '../dom.js';
import { t, fmtNumber } from '../i18n.js';
import { get, post, exportUrl } from '../api.js';
import { orgPicker } from '../lookups.js';
import {
  emptyState, errorState, field, fieldError, openDialog, confirmDialog, dataTable, resultsArea, pageHeader,
  exportLinks, section, toast,
} from '../ui.js';
import { barChart, ChartSet, chartBox, pct } from '../charts.js';
import { nm } from './cases.js';

const LISTS = [
  { key: 'army', type: 'dual_army', responsible: 'department' },
  { key: 'civil', type: 'dual_civil', responsible: 'unit' },
];

export function render(ctx) {
  const role = ctx.user.role;
  const writer = ['admin', 'officer'].includes(role);
  const thisYear = new Date().getFullYear();
  let year = Number(ctx.query.get('year')) || thisYear;
  if (year < 2000 || year > 9999) year = thisYear;
  ctx.setTitle(t('dual.title'));
  const charts = new ChartSet();
  let types = null; // the two case types, for the actions each state allows

  const years = [];
  for (let y = thisYear + 1; y >= thisYear - 4; y--) years.push(y);
  if (!years.includes(year)) years.push(year);
  const yearSel = select({ id: 'dual-year', name: 'year' }, years.map(y => ({ value: String(y), label: String(y) })), String(year));
  yearSel.addEventListener('change', () => { year = Number(yearSel.value); ctx.setQuery({ year }); load(); });
  const exportsBox = h('div', { class: 'toolbar' });
  const results = h('div', { id: 'dual-results', class: 'results' });

  mount(ctx.main,
    pageHeader(t('dual.title'), writer ? h('button', { type: 'button', class: 'btn btn-primary write-action', id: 'dual-add',
      onclick: () => addDialog() }, t('dual.add')) : null),
    h('p', { class: 'page-intro' }, t('dual.intro')),
    h('div', { class: 'filter-bar' }, field(t('dual.year'), yearSel)),
    exportsBox, results);

  async function load() {
    mount(exportsBox, exportLinks('dual', exportUrl(`/dual-lists/${year}`, {}, 'csv'), exportUrl(`/dual-lists/${year}`, {}, 'xlsx')));
    const show = resultsArea(results);
    charts.clear();
    try {
      const [board, typeList] = await Promise.all([get(`/dual-lists/${year}`), types ? null : get('/case-types')]);
      if (!ctx.alive()) return;
      if (typeList) types = Object.fromEntries((typeList.items || []).map(x => [x.code, x]));
      if (!board.items.length) {
        show(emptyState(t('dual.empty', { year }), 'dual-empty'));
        return;
      }
      const rateBoxes = { list: chartBox('dual-chart-list', t('dual.by_list')), unit: chartBox('dual-chart-unit', t('dual.by_unit')),
        quarter: chartBox('dual-chart-quarter', t('dual.by_quarter')) };
      show(
        totals(board.total),
        h('div', { class: 'dual-lists', id: 'dual-lists' }, LISTS.map(l => listPanel(l, board.items.filter(x => x.list === l.key)))),
        section('dual-rates', t('dual.rates'), null, h('div', null,
          h('p', { class: 'hint' }, t('dual.rates_hint')),
          rateTable('list', board.by_list), rateBoxes.list,
          rateTable('unit', board.by_unit), rateBoxes.unit,
          rateTable('quarter', board.by_quarter), rateBoxes.quarter)));
      for (const [k, rows] of [['list', board.by_list], ['unit', board.by_unit], ['quarter', board.by_quarter]]) {
        charts.add(barChart(rateBoxes[k], {
          categories: rows.map(r => r.name), percent: true, horizontal: k === 'unit',
          series: [{ name: t('dual.completion_rate'), data: rows.map(r => r.completion_rate) },
            { name: t('dual.on_time_rate'), data: rows.map(r => r.on_time_rate) }],
        }));
      }
    } catch (err) {
      if (ctx.alive() && err.status !== 401) show(errorState(err, load));
    }
  }

  function totals(x) {
    const card = (key, value) => h('div', { class: 'stat-card', dataset: { key }, id: `dual-total-${key}` },
      h('span', { class: 'stat-value' }, value), h('span', { class: 'stat-label' }, t(`dual.total.${key}`)));
    return h('section', { class: 'home-cards', 'aria-label': t('dual.totals') },
      card('items', fmtNumber(x.items)), card('completed', fmtNumber(x.completed)), card('on_time', fmtNumber(x.on_time)),
      card('overdue', fmtNumber(x.overdue)), card('completion_rate', pct(x.completion_rate)), card('on_time_rate', pct(x.on_time_rate)));
  }

  function rateTable(kind, rows) {
    return dataTable([
      { label: t(`dual.by_${kind}`), cell: r => r.name },
      { label: t('dual.total.items'), class: 'num', cell: r => fmtNumber(r.items) },
      { label: t('dual.total.completed'), class: 'num', cell: r => fmtNumber(r.completed) },
      { label: t('dual.total.on_time'), class: 'num', cell: r => fmtNumber(r.on_time) },
      { label: t('dual.total.overdue'), class: 'num', cell: r => fmtNumber(r.overdue) },
      { label: t('dual.completion_rate'), class: 'num', cell: r => pct(r.completion_rate) },
      { label: t('dual.on_time_rate'), class: 'num', cell: r => pct(r.on_time_rate) },
    ], rows, { id: `dual-rates-${kind}`, caption: t(`dual.by_${kind}`) });
  }

  function listPanel(list, items) {
    return section(`dual-${list.key}`, t(`dual.list.${list.key}`), null, items.length
      ? dataTable([
        { label: t('dual.col.content'), cell: x => h('a', { href: `#/cases/${x.case_id}`, class: 'case-link', dataset: { id: x.case_id } }, x.content) },
        { label: t('dual.col.unit'), cell: x => x.org_name },
        { label: t('dual.col.deadline'), class: 'nowrap', cell: x => h('span', null, x.deadline,
          x.overdue ? [' ', h('span', { class: 'badge badge-danger' }, t('cases.overdue'))] : null) },
        { label: t('dual.col.quality'), cell: x => x.quality_standard },
        { label: t('dual.col.state'), class: 'nowrap', cell: x => h('span', {
          class: ['badge', x.completed ? 'badge-on' : 'badge-type'], dataset: { state: x.state } }, nm(x, 'state_name')) },
        { label: t('cases.step.actions'), cell: x => actions(list, x) },
      ], items, { id: `dual-table-${list.key}`, caption: t(`dual.list.${list.key}`) })
      : emptyState(t('dual.list_empty'), `dual-empty-${list.key}`));
  }

  // What the signed-in role may do from the item's state (the server checks again).
  function actions(list, x) {
    const type = types && types[list.type];
    const moves = type ? type.transitions.filter(m => m.from === x.state && m.roles.includes(role)
      && (role !== 'unit' || x.org_id === ctx.user.org_id)) : [];
    if (!moves.length) return t('common.none');
    return h('div', { class: 'row-actions' }, moves.map(m => h('button', {
      type: 'button', class: ['btn', 'btn-small', m.action === 'drop' ? 'btn-danger' : null],
      dataset: { case: x.case_id, action: m.action }, onclick: e => move(e.currentTarget, x, m),
    }, nm(m))));
  }

  async function move(btn, x, m) {
    if (m.action === 'drop' && !(await confirmDialog(t('dual.drop_confirm', { content: x.content }), { okLabel: nm(m) }))) return;
    btn.disabled = true;
    try {
      await post(`/cases/${x.case_id}/steps/${x.step_id}/transitions`, { action: m.action });
      toast(t('dual.moved', { action: nm(m) }), 'success');
      if (ctx.alive()) load();
    } catch (err) {
      btn.disabled = false;
      if (err.status !== 401) toast(err.message);
    }
  }

  // 征集: a new item of the year. The collecting body (the 双拥办's department)
  // is the applicant; the responsible unit handles it.
  function addDialog() {
    const listSel = select({ id: 'dual-form-list', name: 'list' }, LISTS.map(l => ({ value: l.key, label: t(`dual.list.${l.key}`) })), 'army');
    const proposer = orgPicker({ idPrefix: 'dual-proposer', label: t('dual.form.proposer'), fieldName: 'org_id' });
    const responsible = orgPicker({ idPrefix: 'dual-responsible', label: t('dual.form.responsible'), fieldName: 'departments' });
    const content = h('textarea', { id: 'dual-form-content', name: 'content', maxlength: '2000', rows: '3', required: true });
    const deadline = h('input', { id: 'dual-form-deadline', name: 'deadline', type: 'date', required: true, value: `${year}-12-20` });
    const quality = h('input', { id: 'dual-form-quality', name: 'quality_standard', maxlength: '2000', autocomplete: 'off', required: true });
    const list = () => LISTS.find(l => l.key === listSel.value);
    proposer.setType('department');
    responsible.setType(list().responsible);
    listSel.addEventListener('change', () => responsible.setType(list().responsible));
    openDialog({
      id: 'dual-dialog',
      title: t('dual.form.title', { year }),
      submitLabel: t('dual.form.submit'),
      body: [
        h('p', { class: 'hint' }, t('dual.form.intro')),
        h('p', { class: 'hint' }, t('dual.form.responsible_hint')),
        field(t('dual.form.list'), listSel),
        proposer.el, responsible.el,
        field(t('dual.col.content'), content),
        field(t('dual.col.deadline'), deadline),
        field(t('dual.col.quality'), quality),
      ],
      onSubmit: async () => {
        if (!proposer.value()) throw fieldError('org_id', t('dual.form.pick_proposer'));
        await post('/cases', {
          type: list().type, org_id: proposer.value(), departments: responsible.value() ? { item: responsible.value() } : null, year,
          content: content.value.trim(), deadline: deadline.value, quality_standard: quality.value.trim(),
        });
        toast(t('dual.added'), 'success');
        if (ctx.alive()) load();
      },
    });
  }

  load();
  return () => charts.dispose();
}
