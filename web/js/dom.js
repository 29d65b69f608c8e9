// The only way this UI builds DOM. Strings always become text nodes, so data
// from the server (names, addresses, audit details) can never turn into markup.
// There is deliberately no way to pass HTML in: no innerHTML, no style strings
// (the server's CSP forbids inline styles; use classes and `hidden`).

// Properties set as DOM properties rather than attributes, so that form state
// (value, checked...) behaves as the user sees it.
const PROPS = new Set(['value', 'checked', 'selected', 'disabled', 'hidden', 'readOnly', 'required', 'multiple']);
const FORBIDDEN = new Set(['innerHTML', 'outerHTML', 'style', 'srcdoc']);

/**
 * h('a', {href: '#/home', class: 'nav-link'}, 'text', otherNode, [more])
 * attrs: `class` (string or array), `on<event>` (function), `dataset` (object),
 * booleans (true → present, false → absent), null/undefined → skipped.
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  if (attrs) {
    for (const [key, val] of Object.entries(attrs)) {
      if (val === null || val === undefined || val === false) continue;
      if (FORBIDDEN.has(key) || key.startsWith('on') && typeof val !== 'function') {
        throw new Error(`h(): attribute "${key}" is not allowed`);
      }
      if (key === 'class') {
        el.className = Array.isArray(val) ? val.filter(Boolean).join(' ') : val;
      } else if (key === 'dataset') {
        Object.assign(el.dataset, val);
      } else if (key.startsWith('on')) {
        el.addEventListener(key.slice(2).toLowerCase(), val);
      } else if (PROPS.has(key)) {
        el[key] = val;
      } else {
        el.setAttribute(key, val === true ? '' : String(val));
      }
    }
  }
  append(el, children);
  return el;
}

/** Appends children (strings, numbers, nodes, nested arrays); skips null/false. */
export function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else if (c instanceof Node) el.appendChild(c);
    else el.appendChild(document.createTextNode(String(c)));
  }
  return el;
}

/** Replaces everything inside el with the given children. */
export function mount(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export const $ = (sel, root = document) => root.querySelector(sel);

/** Builds a <select> from [{value, label}] and selects `selected`. */
export function select(attrs, options, selected) {
  const el = h('select', attrs);
  fillSelect(el, options, selected);
  return el;
}

export function fillSelect(el, options, selected) {
  el.replaceChildren(...options.map(o =>
    h('option', { value: o.value, selected: String(o.value) === String(selected ?? '') }, o.label)));
  return el;
}
