/** /login?next=/path: signs in with a session cookie and returns to the page that asked. */
import './login.css';

import { $, errorText } from '../shared/dom.js';
import { languagePicker, t, translatePage } from '../shared/i18n.js';
import { safeNext, signIn } from '../shared/session.js';

translatePage();
$('#language').append(languagePicker());

const form = $<HTMLFormElement>('#login-form');
const error = $('#login-error');
const button = $<HTMLButtonElement>('#sign-in');
const next = safeNext(new URLSearchParams(location.search).get('next'));

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const username = String(data.get('username') ?? '').trim();
  const password = String(data.get('password') ?? '');
  if (!username || !password) {
    show(t('login:missing'));
    return;
  }
  button.disabled = true;
  signIn(username, password)
    .then(() => location.assign(next))
    .catch((err: unknown) => {
      show(errorText(err));
      button.disabled = false;
      $<HTMLInputElement>('#password', form).select();
    });
});

function show(message: string): void {
  error.textContent = message;
  error.hidden = false;
}

document.body.dataset['ready'] = 'true';
