// Sign-in. The server answers with the user and the CSRF token; the session
// itself is an HttpOnly cookie this code never sees.
import { h, mount } from '../dom.js';
import { t } from '../i18n.js';
import { post } from '../api.js';

// Survives a re-render (the language switch rebuilds the page); never the password.
let typedUsername = '';

export function render(ctx) {
  ctx.setTitle(t('login.title'));

  const username = h('input', { id: 'login-username', name: 'username', type: 'text', autocomplete: 'username',
    autocapitalize: 'none', spellcheck: 'false', maxlength: '64', required: true,
    value: typedUsername, oninput: e => { typedUsername = e.target.value; } });
  const password = h('input', { id: 'login-password', name: 'password', type: 'password',
    autocomplete: 'current-password', maxlength: '256', required: true });
  const submit = h('button', { id: 'login-submit', type: 'submit', class: 'btn btn-primary btn-block' }, t('login.submit'));
  // Always in the DOM (empty when there is nothing to say) so screen readers
  // announce the message when it appears.
  const error = h('p', { id: 'login-error', class: 'form-error', role: 'alert' });

  const form = h('form', { id: 'login-form', class: 'login-form', novalidate: true },
    h('h1', { class: 'login-title' }, t('login.title')),
    h('div', { class: 'field' }, h('label', { for: 'login-username' }, t('login.username')), username),
    h('div', { class: 'field' }, h('label', { for: 'login-password' }, t('login.password')), password),
    error,
    submit);

  form.addEventListener('submit', async e => {
    e.preventDefault();
    error.textContent = '';
    // Own check instead of the browser's bubbles, which would speak the
    // browser's language rather than the one chosen here.
    if (!username.value.trim() || !password.value) {
      error.textContent = t('login.required');
      (username.value.trim() ? password : username).focus();
      return;
    }
    submit.disabled = true;
    submit.textContent = t('login.submitting');
    try {
      const data = await post('/auth/login', { username: username.value.trim(), password: password.value },
        { handle401: false });
      if (!ctx.alive()) return;
      typedUsername = '';
      ctx.signedIn(data);
    } catch (err) {
      if (!ctx.alive()) return;
      error.textContent = err.message || t('login.failed');
      password.value = '';
      password.focus();
      submit.disabled = false;
      submit.textContent = t('login.submit');
    }
  });

  mount(ctx.main, h('section', { class: 'login-page' },
    h('div', { class: 'login-card' },
      h('div', { class: 'login-brand' },
        h('img', { src: '/favicon.svg', alt: '', width: '56', height: '56' }),
        h('p', { class: 'login-app' }, t('app.title')),
        h('p', { class: 'login-sub' }, t('app.subtitle'))),
      form,
      h('p', { class: 'login-public' }, h('a', { href: '#/public/placement', id: 'login-placement-public' }, t('login.placement_public'))))));
  (username.value ? password : username).focus();
}
