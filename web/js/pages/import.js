// Import wizard (admin, officer): 1. choose what to import and a file (CSV in
// UTF-8 or GBK, or .xlsx), 2. upload it for a preview (nothing is written:
// counts, every problem, the rejected rows to download, skip or update people
// already registered), 3. commit the valid rows and see what was written.
//
// The wizard's state lives in `job`, outside the page, so that a language
// switch (which rebuilds the page) keeps the preview, and an upload already
// on its way finishes even if the page is rebuilt or left (its outcome then
// arrives as a toast). The file is read once into memory before the preview,
// so the commit sends exactly the bytes that were previewed.
import { h, mount, select } from '../dom.js';
import { t, tl, getLang, fmtNumber } from '../i18n.js';
import { upload, API } from '../api.js';
import { toast, field, fieldError, showFormError, dataTable, pageHeader, downloadFile } from '../ui.js';

/**
 * What can be imported. Each kind has the same API: POST /imports/{kind}
 * (preview, or commit=1), GET /imports/{kind}/template. `list` is the page to
 * go back to; `onExisting` offers skip/update for records already there.
 * Labels: import.kind.{kind}, import.kind_hint.{kind}, import.back.{list}.
 */
export const KINDS = [
  { kind: 'people', roles: ['admin', 'officer'], list: 'people', onExisting: true },
  { kind: 'service', roles: ['admin', 'officer'], list: 'people', onExisting: true },
  { kind: 'orgs', roles: ['admin', 'officer'], list: 'orgs', onExisting: true },
  { kind: 'merchants', roles: ['admin', 'officer'], list: 'network', onExisting: true },
];

const FILE_TYPES = /\.(csv|xlsx)$/i;
const ACCEPT = '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const PROBLEMS_SHOWN = 1000;  // the server sends the first 1000 problems

const kindOf = kind => KINDS.find(k => k.kind === kind) || KINDS[0];
const kindLabel = kind => t(`import.kind.${kind}`, null, kind);
const formatLabel = format => t(`import.format.${String(format || '').replace(/-/g, '_')}`, null, format || t('common.none'));
const templateUrl = (kind, format = 'xlsx') => `${API}/imports/${encodeURIComponent(kind)}/template?format=${format}`;
const onImportPage = () => /^#\/import(\?|$)/.test(location.hash);

function fmtBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** The problem's message in the UI's language (the other one, then the code, if missing). */
const problemMessage = p => (getLang() === 'en' ? p.message_en || p.message_zh : p.message_zh || p.message_en) || p.code || '';

/** Only links the server makes under the API (the rejected rows) become hrefs. */
const safeApiUrl = url => (typeof url === 'string' && url.startsWith(`${API}/`) ? url : null);

let job = null;

function newJob(userId, kind) {
  return {
    userId,
    kind,
    phase: 'choose',       // choose | previewing | preview | committing | done | error
    file: null,            // the File picked in step 1
    blob: null,            // its bytes, read once: previewed and committed alike
    fileName: '',
    fileSize: 0,
    onExisting: 'skip',
    progress: null,        // {loaded, total, uploaded, since, seconds}
    preview: null,
    result: null,
    error: null,
    errorStage: null,      // 'preview' | 'commit'
    errorUploaded: false,  // the body had all gone up when the error came
    abort: null,
    ticker: null,
    notify: null,          // the page on screen: (what) => repaint
    busy: false,
  };
}

const notify = (j, what) => { if (j.notify) j.notify(what); };

/** Uploads the job's file for a preview or a commit; the page follows through notify(). */
function run(j, stage) {
  const commit = stage === 'commit';
  j.phase = commit ? 'committing' : 'previewing';
  j.error = null;
  j.busy = true;
  j.progress = { loaded: 0, total: j.blob.size, uploaded: false, since: 0, seconds: 0 };
  const stopTicker = () => { if (j.ticker) clearInterval(j.ticker); j.ticker = null; };
  const up = upload(`/imports/${encodeURIComponent(j.kind)}`, j.blob, {
    query: {
      filename: j.fileName,
      commit: commit ? 1 : null,
      on_existing: commit && kindOf(j.kind).onExisting ? j.onExisting : null,
    },
    onProgress: (loaded, total) => {
      if (j.progress.uploaded) return;
      j.progress.loaded = loaded;
      j.progress.total = total;
      notify(j, 'progress');
    },
    onUploaded: () => {
      const p = j.progress;
      p.uploaded = true;
      p.loaded = p.total;
      p.since = Date.now();
      stopTicker();
      j.ticker = setInterval(() => {
        p.seconds = Math.floor((Date.now() - p.since) / 1000);
        notify(j, 'progress');
      }, 1000);
      notify(j, 'progress');
    },
  });
  j.abort = up.abort;
  notify(j, 'phase');

  up.promise.then(data => {
    stopTicker();
    j.busy = false;
    j.abort = null;
    if (commit) {
      j.result = data || {};
      j.phase = 'done';
      const n = j.result.inserted || 0;
      const u = j.result.updated || 0;
      if (j.notify) {
        toast(t('import.done_toast', { inserted: n, updated: u }), 'ok');
      } else {
        // The page was left while the server worked: say what happened anyway.
        toast(t('import.done_away', { kind: kindLabel(j.kind), inserted: n, updated: u }), 'ok');
      }
    } else {
      j.preview = data || {};
      j.onExisting = 'skip';
      j.phase = 'preview';
    }
    if (!j.notify && job === j && !onImportPage()) job = null;
    notify(j, 'phase');
  }, err => {
    stopTicker();
    j.busy = false;
    j.abort = null;
    if (err.code === 'aborted') {
      j.phase = commit ? 'preview' : 'choose';
      if (j.notify) toast(t('import.cancelled'), 'ok');
    } else if (err.status === 401) {
      // The app has already sent the user to the login page.
      j.phase = commit ? 'preview' : 'choose';
    } else {
      j.phase = 'error';
      j.error = err;
      j.errorStage = stage;
      j.errorUploaded = j.progress.uploaded;
      if (!j.notify) toast(t(commit ? 'import.failed_away' : 'import.preview_failed_away', { message: err.message }));
    }
    if (!j.notify && job === j && !onImportPage()) job = null;
    notify(j, 'phase');
  });
}

export function render(ctx) {
  ctx.setTitle(t('import.title'));
  const kinds = KINDS.filter(k => k.roles.includes(ctx.user.role));
  const wanted = ctx.query.get('kind');
  const fromQuery = kinds.some(k => k.kind === wanted) ? wanted : null;
  if (!job || job.userId !== ctx.user.id) job = newJob(ctx.user.id, fromQuery || (kinds[0] || KINDS[0]).kind);
  else if (job.phase === 'choose' && fromQuery) job.kind = fromQuery;
  const j = job;

  const STEPS = ['choose', 'preview', 'result'];
  const stepsEl = h('ol', { class: 'import-steps', id: 'import-steps', 'aria-label': t('import.steps') },
    STEPS.map((s, i) => h('li', { class: 'import-step', dataset: { step: s } },
      h('span', { class: 'import-step-no', 'aria-hidden': 'true' }, String(i + 1)),
      h('span', { class: 'import-step-label' }, t(`import.step.${s}`)))));
  const body = h('div', { id: 'import-body', class: 'import-body' });

  mount(ctx.main,
    pageHeader(t('import.title')),
    h('p', { class: 'page-intro' }, t('import.intro')),
    stepsEl, body);

  let view = null;
  let first = true;

  function stepOf(phase) {
    if (phase === 'choose') return 'choose';
    if (phase === 'previewing' || phase === 'preview') return 'preview';
    if (phase === 'error') return j.errorStage === 'commit' ? 'result' : 'preview';
    return 'result';
  }

  function paint() {
    const current = stepOf(j.phase);
    const at = STEPS.indexOf(current);
    for (const li of stepsEl.children) {
      const i = STEPS.indexOf(li.dataset.step);
      li.classList.toggle('is-done', i < at);
      li.classList.toggle('is-current', i === at);
      if (i === at) li.setAttribute('aria-current', 'step'); else li.removeAttribute('aria-current');
    }
    if (j.phase === 'choose') view = chooseView();
    else if (j.phase === 'previewing' || j.phase === 'committing') view = progressView();
    else if (j.phase === 'preview') view = previewView();
    else if (j.phase === 'done') view = resultView();
    else view = errorView();
    mount(body, view.el);
    // Keyboard and screen-reader users land on the new step's heading.
    if (!first && view.heading) view.heading.focus();
    first = false;
  }

  j.notify = what => {
    if (what === 'progress' && view && view.update) view.update();
    else paint();
  };
  paint();

  // ---------- step 1: what and which file ----------

  function chooseView() {
    const kindSel = select({ id: 'import-kind', name: 'kind' },
      kinds.map(k => ({ value: k.kind, label: kindLabel(k.kind) })), j.kind);
    const kindHint = h('p', { class: 'hint import-kind-hint', id: 'import-kind-hint' }, t(`import.kind_hint.${j.kind}`));
    const fileInput = h('input', { id: 'import-file', name: 'file', type: 'file', accept: ACCEPT, required: true });
    if (j.file) {
      // Back from a preview or after a language switch: the same file stays chosen.
      try {
        const dt = new DataTransfer();
        dt.items.add(j.file);
        fileInput.files = dt.files;
      } catch { j.file = null; }
    }
    const fileInfo = h('p', { class: 'hint import-file-info', id: 'import-file-info' });
    const showFileInfo = () => {
      fileInfo.textContent = j.file ? t('import.file_info', { name: j.file.name, size: fmtBytes(j.file.size) }) : '';
    };
    showFileInfo();

    // The .xlsx template keeps every column as text, so a 身份证号 typed in stays whole;
    // Excel opening a CSV turns it into a number and loses its last digits.
    const templateLink = (format, id, label) => h('a', { id, class: 'btn btn-link import-template', href: templateUrl(j.kind, format), download: '',
      onclick: e => {
        e.preventDefault();
        downloadFile(templateUrl(j.kind, format), `${j.kind}-template.${format}`).catch(err => { if (err.status !== 401) toast(err.message); });
      } }, label);
    const template = templateLink('xlsx', 'import-template', t('import.template'));
    const templateCsv = templateLink('csv', 'import-template-csv', t('import.template_csv'));

    kindSel.addEventListener('change', () => {
      j.kind = kindSel.value;
      ctx.setQuery({ kind: j.kind });
      kindHint.textContent = t(`import.kind_hint.${j.kind}`);
      template.href = templateUrl(j.kind, 'xlsx');
      templateCsv.href = templateUrl(j.kind, 'csv');
    });
    fileInput.addEventListener('change', () => {
      j.file = fileInput.files && fileInput.files[0] ? fileInput.files[0] : null;
      j.blob = null;
      showFileInfo();
      showFormError(form, null);
    });

    const heading = h('h2', { id: 'import-step-title', tabindex: '-1' }, t('import.step1.title'));
    const submit = h('button', { type: 'submit', class: 'btn btn-primary', id: 'import-upload' }, t('import.upload'));
    const form = h('form', { id: 'import-form', class: 'panel import-panel', novalidate: true },
      heading,
      h('div', { class: 'form-row' },
        h('div', null, field(t('import.field.kind'), kindSel), kindHint),
        h('div', null, field(t('import.field.file'), fileInput), fileInfo)),
      h('div', { class: 'import-formats note', id: 'import-formats' },
        h('h3', { class: 'import-formats-title' }, t('import.formats_title')),
        h('ul', { class: 'duty-list' }, tl('import.formats').map(s => h('li', null, s))),
        h('p', { class: 'import-template-line' }, template, templateCsv, h('span', { class: 'hint' }, t('import.template_hint')))),
      h('p', { class: 'form-error', role: 'alert' }),
      h('div', { class: 'import-actions' }, submit));

    form.addEventListener('submit', async e => {
      e.preventDefault();
      if (submit.disabled) return;
      showFormError(form, null);
      const file = j.file;
      try {
        if (!file) throw fieldError('file', t('import.file_required'));
        if (!FILE_TYPES.test(file.name)) throw fieldError('file', t('import.file_type'));
        if (!file.size) throw fieldError('file', t('import.file_empty'));
      } catch (err) {
        showFormError(form, err);
        return;
      }
      submit.disabled = true;
      form.setAttribute('aria-busy', 'true');
      try {
        // One copy of the bytes for the preview and the commit alike.
        j.blob = new Blob([await file.arrayBuffer()], { type: 'application/octet-stream' });
      } catch {
        submit.disabled = false;
        form.removeAttribute('aria-busy');
        showFormError(form, fieldError('file', t('import.file_unreadable')));
        return;
      }
      j.fileName = file.name;
      j.fileSize = j.blob.size;
      j.preview = null;
      j.result = null;
      run(j, 'preview');
    });

    return { el: form, heading };
  }

  // ---------- uploading and waiting for the server ----------

  function progressView() {
    const commit = j.phase === 'committing';
    const heading = h('h2', { id: 'import-step-title', tabindex: '-1' },
      t(commit ? 'import.committing_title' : 'import.previewing_title', { name: j.fileName }));
    const bar = h('progress', { id: 'import-progress-bar', class: 'import-bar', max: '100', value: 0,
      'aria-labelledby': 'import-progress-label' });
    const label = h('p', { id: 'import-progress-label', class: 'import-progress-label' });
    const detail = h('p', { id: 'import-progress-detail', class: 'hint' });
    // Announced once per phase, not on every percent.
    const announce = h('p', { class: 'visually-hidden', role: 'status' });
    const cancel = h('button', { type: 'button', class: 'btn', id: 'import-cancel',
      onclick: () => { if (j.abort && !j.progress.uploaded) j.abort(); } }, t('import.cancel'));
    let announced = null;

    function update() {
      const p = j.progress;
      const el = document.getElementById('import-progress');
      if (el) el.classList.toggle('is-processing', p.uploaded);
      if (!p.uploaded) {
        const pct = p.total ? Math.min(100, Math.floor((p.loaded * 100) / p.total)) : 0;
        bar.value = pct;
        label.textContent = t('import.uploading', { pct });
        detail.textContent = t('import.bytes', { loaded: fmtBytes(p.loaded), total: fmtBytes(p.total) });
        cancel.hidden = false;
      } else {
        bar.removeAttribute('value');  // indeterminate: the server is working
        label.textContent = t('import.processing', { s: p.seconds });
        detail.textContent = t(commit ? 'import.processing_commit' : 'import.processing_preview');
        cancel.hidden = true;
      }
      const phase = p.uploaded ? 'processing' : 'uploading';
      if (announced !== phase) {
        announced = phase;
        announce.textContent = p.uploaded ? t('import.processing', { s: p.seconds }) : t('import.uploading', { pct: 0 });
      }
    }

    const el = h('section', { class: 'panel import-panel import-progress', id: 'import-progress', 'aria-busy': 'true' },
      heading, label, bar, detail, announce, h('div', { class: 'import-actions' }, cancel));
    update();
    return { el, heading, update };
  }

  // ---------- step 2: the preview ----------

  function stat(key, n, label, tone) {
    return h('div', { class: ['stat-card', 'import-stat', tone && `import-stat-${tone}`], id: `import-stat-${key}`,
      dataset: { value: String(n ?? 0) } },
    h('span', { class: 'stat-value' }, fmtNumber(n ?? 0)),
    h('span', { class: 'stat-label' }, label));
  }

  function fileFacts(data) {
    return h('dl', { class: 'facts import-facts', id: 'import-facts' },
      h('dt', null, t('import.fact.kind')), h('dd', null, kindLabel(j.kind)),
      h('dt', null, t('import.fact.file')), h('dd', null, t('import.file_info', { name: j.fileName, size: fmtBytes(j.fileSize) })),
      h('dt', null, t('import.fact.format')),
      h('dd', { id: 'import-format', dataset: { format: data.format || '' } }, formatLabel(data.format)));
  }

  function rejectedLink(data) {
    const url = safeApiUrl(data.rejected_url);
    if (!url) return null;
    return h('p', { class: 'import-rejected-line' },
      h('a', { id: 'import-rejected', class: 'btn', href: url, download: '',
        onclick: e => {
          e.preventDefault();
          downloadFile(url, 'rejected.csv').catch(err => { if (err.status !== 401) toast(err.message); });
        } }, t('import.rejected_download', { n: data.invalid || 0 })),
      h('span', { class: 'hint' }, t('import.rejected_hint')));
  }

  function problemsBlock(data) {
    const problems = Array.isArray(data.problems) ? data.problems : [];
    if (!problems.length) {
      return h('p', { class: 'verify-result verify-ok', id: 'import-no-problems' }, t('import.no_problems'));
    }
    const columns = [
      { label: t('import.col.row'), class: 'nowrap', cell: p => String(p.row ?? '') },
      { label: t('import.col.column'), class: 'nowrap', cell: p => p.column || t('common.none') },
      { label: t('import.col.reason'), cell: p => problemMessage(p) },
    ];
    return h('section', { class: 'import-problems', 'aria-labelledby': 'import-problems-title' },
      h('h3', { id: 'import-problems-title' }, t('import.problems_title', { n: problems.length })),
      problems.length >= PROBLEMS_SHOWN ? h('p', { class: 'hint', id: 'import-problems-capped' },
        t('import.problems_capped', { n: PROBLEMS_SHOWN })) : null,
      dataTable(columns, problems, { id: 'import-problems', caption: t('import.problems_title', { n: problems.length }) }));
  }

  function previewView() {
    const p = j.preview || {};
    const k = kindOf(j.kind);
    const heading = h('h2', { id: 'import-step-title', tabindex: '-1' }, t('import.preview_title'));
    const existingLabel = t(`import.stat.existing_${j.kind}`, null, t('import.stat.existing'));
    const valid = p.valid || 0;

    let existingBox = null;
    if (k.onExisting && p.existing > 0) {
      const radio = v => h('div', { class: 'field field-check' },
        h('input', { type: 'radio', name: 'on_existing', id: `import-on-existing-${v}`, value: v, checked: j.onExisting === v,
          onchange: () => { j.onExisting = v; } }),
        h('label', { for: `import-on-existing-${v}` }, t(`import.on_existing.${v}`)));
      existingBox = h('fieldset', { class: 'dyn-fieldset import-existing', id: 'import-existing' },
        h('legend', null, t(`import.on_existing.legend_${j.kind}`, { n: fmtNumber(p.existing) })),
        radio('skip'), radio('update'));
    }

    const commitBtn = h('button', { type: 'button', class: 'btn btn-primary', id: 'import-commit', disabled: valid === 0,
      onclick: () => { if (j.blob && !j.busy) run(j, 'commit'); } }, t('import.commit', { n: fmtNumber(valid) }));
    const restart = h('button', { type: 'button', class: 'btn', id: 'import-restart', onclick: restartWizard }, t('import.restart'));

    const el = h('section', { class: 'panel import-panel', id: 'import-preview' },
      heading,
      h('p', { class: 'hint' }, t('import.preview_note')),
      fileFacts(p),
      h('div', { class: 'home-cards import-stats', id: 'import-stats' },
        stat('rows', p.rows, t('import.stat.rows')),
        stat('valid', p.valid, t('import.stat.valid'), 'ok'),
        stat('invalid', p.invalid, t('import.stat.invalid'), p.invalid ? 'bad' : null),
        stat('existing', p.existing, existingLabel)),
      problemsBlock(p),
      rejectedLink(p),
      existingBox,
      valid === 0 ? h('p', { class: 'warning', id: 'import-nothing-valid' }, t('import.nothing_valid')) : null,
      h('div', { class: 'import-actions' }, restart, commitBtn));
    return { el, heading };
  }

  // ---------- step 3: the result ----------

  function resultView() {
    const r = j.result || {};
    const k = kindOf(j.kind);
    const heading = h('h2', { id: 'import-step-title', tabindex: '-1' }, t('import.done_title'));
    const el = h('section', { class: 'panel import-panel', id: 'import-result' },
      heading,
      h('p', { class: 'verify-result verify-ok', id: 'import-done', role: 'status' },
        t('import.done_summary', { inserted: fmtNumber(r.inserted || 0), updated: fmtNumber(r.updated || 0) })),
      fileFacts(r),
      h('div', { class: 'home-cards import-stats', id: 'import-result-stats' },
        stat('inserted', r.inserted, t('import.stat.inserted'), 'ok'),
        stat('updated', r.updated, t('import.stat.updated')),
        stat('skipped', r.skipped, t('import.stat.skipped')),
        stat('rejected', r.invalid, t('import.stat.rejected'), r.invalid ? 'bad' : null)),
      rejectedLink(r),
      r.sha256 ? h('p', { class: 'hint import-sha' }, t('import.sha256'), ' ', h('span', { class: 'mono', id: 'import-sha256' }, r.sha256)) : null,
      h('div', { class: 'import-actions' },
        h('button', { type: 'button', class: 'btn', id: 'import-again', onclick: () => restartWizard(true) }, t('import.again')),
        h('a', { class: 'btn btn-primary', id: 'import-back', href: `#/${k.list}` }, t(`import.back.${k.list}`))));
    return { el, heading };
  }

  // ---------- errors ----------

  function errorView() {
    const err = j.error || {};
    const commit = j.errorStage === 'commit';
    let title = t(commit ? 'import.error.commit_failed' : 'import.error.preview_failed');
    let hint = null;
    if (err.status === 413) {
      title = t('import.error.too_large');
      hint = t('import.error.too_large_hint');
    } else if (err.status === 0) {
      title = t('import.error.network');
      hint = commit && j.errorUploaded ? t('import.error.commit_unknown') : t('import.error.network_hint');
    } else if (err.status === 403) {
      title = t('error.forbidden');
    } else if (err.status === 400 || err.status === 422) {
      title = t('import.error.bad_file');
      hint = t('import.error.bad_file_hint');
    }
    const heading = h('h2', { id: 'import-step-title', tabindex: '-1' }, title);
    const retry = err.status === 0 || err.status >= 500 || err.status === 429
      ? h('button', { type: 'button', class: 'btn btn-primary', id: 'import-retry',
        onclick: () => { if (j.blob && !j.busy) run(j, commit ? 'commit' : 'preview'); } }, t('common.retry'))
      : null;
    const el = h('section', { class: 'state state-error import-error', id: 'import-error', role: 'alert',
      dataset: { status: String(err.status ?? ''), code: err.code || '' } },
    heading,
    h('p', { class: 'import-error-message', id: 'import-error-message' }, err.message || t('error.http', { status: err.status })),
    hint ? h('p', { class: 'import-error-hint' }, hint) : null,
    h('p', { class: 'hint' }, t('import.error.file', { name: j.fileName })),
    h('div', { class: 'import-actions' },
      commit ? h('a', { class: 'btn', href: `#/${kindOf(j.kind).list}`, id: 'import-error-list' },
        t(`import.back.${kindOf(j.kind).list}`)) : null,
      h('button', { type: 'button', class: 'btn', id: 'import-restart', onclick: () => restartWizard() }, t('import.restart')),
      retry));
    return { el, heading };
  }

  /** Back to step 1; the chosen file stays unless `fresh` (after an import). */
  function restartWizard(fresh) {
    if (j.busy) return;
    j.phase = 'choose';
    j.blob = null;
    j.preview = null;
    j.result = null;
    j.error = null;
    if (fresh === true) j.file = null;
    ctx.setQuery({ kind: j.kind });
    paint();
  }

  return () => {
    j.notify = null;
    if (!onImportPage() && job === j && !j.busy) job = null;
  };
}
