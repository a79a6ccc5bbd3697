// Sign in with an API key. The key stays in this tab's session storage only.
import { h, failure } from '../ui.js';

export default function signIn(container, { onSignedIn }) {
  const input = h('input', { type: 'password', id: 'api-key', name: 'key', autocomplete: 'off', placeholder: 'pma_…', required: true, 'aria-label': 'API key' });
  const message = h('div');
  const form = h('form', {},
    h('label', { for: 'api-key' }, 'API key'), input,
    h('button', { type: 'submit' }, 'Sign in'), message);
  form.addEventListener('submit', async event => {
    event.preventDefault();
    message.replaceChildren();
    const key = input.value.trim();
    if (!key.startsWith('pma_')) {
      message.append(failure(new Error('An API key starts with pma_. Create one with: penguin-analytics keys create --tenant T --role viewer')));
      return;
    }
    try {
      await onSignedIn(key);
    } catch (error) {
      message.append(failure(error));
    }
  });
  container.append(h('div', { class: 'signin card' },
    h('h1', {}, 'PenguinMails Analytics'),
    h('p', { class: 'muted' }, 'Sign in with an API key. serve --demo prints some; keys create makes more.'),
    form));
  input.focus();
}
