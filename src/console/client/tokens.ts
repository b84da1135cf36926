import type { AccessToken } from '../../auth/tokens-repo.js';
import { api, messageOf } from './api.js';
import { confirmAction } from './confirm.js';
import { announce, byId, fill, h, type Section, uid } from './dom.js';
import { when } from './format.js';
import { busy, clearFieldErrors, field, showFailure } from './forms.js';
import { config } from './page-config.js';

const LIFETIMES: [string, number | null][] = [
  ['Never', null],
  ['In 1 day', 1],
  ['In 7 days', 7],
  ['In 30 days', 30],
  ['In 90 days', 90],
];

/** Shows a new token once, with a copy button; "Done" takes it out of the page for good. */
function reveal(area: HTMLElement, created: AccessToken & { token: string }, focusAfter: HTMLElement): void {
  const value = h('input', {
    type: 'text',
    readonly: true,
    value: created.token,
    id: uid('new-token'),
    class: 'token-value',
    spellcheck: 'false',
    'aria-describedby': 'new-token-note',
  });
  const copy = h('button', { type: 'button', 'data-action': 'copy' }, 'Copy');
  copy.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(created.token);
      announce('Token copied to the clipboard.');
    } catch {
      value.select();
      announce('Copying was refused by the browser: the token is selected, press Ctrl+C (⌘C).', 'error');
    }
  });
  const done = h('button', { type: 'button', class: 'secondary' }, 'Done, I stored it');
  done.addEventListener('click', () => {
    area.replaceChildren();
    area.hidden = true;
    focusAfter.focus();
  });
  fill(
    area,
    h('h3', { id: 'new-token-title' }, `Token “${created.name}” created`),
    h(
      'p',
      { id: 'new-token-note' },
      'Copy it now: it is shown only this once. Use it as the API key of an OpenAI SDK.',
    ),
    h('div', { class: 'field' }, h('label', { for: value.id }, 'New token'), value),
    h('div', { class: 'actions' }, copy, done),
  );
  area.hidden = false;
  value.focus();
  value.select();
}

function tokenList(tokens: AccessToken[], reload: () => Promise<void>): HTMLElement {
  if (tokens.length === 0)
    return h('p', { class: 'empty' }, 'No tokens yet: create one above to point an SDK at the gateway.');
  return h(
    'ul',
    { class: 'cards', id: 'token-list', 'aria-label': 'Your tokens' },
    ...tokens.map((t) => {
      const revoke = h(
        'button',
        { type: 'button', class: 'danger', 'data-action': 'revoke', 'aria-label': `Revoke ${t.name}` },
        'Revoke',
      );
      revoke.addEventListener('click', async () => {
        const ok = await confirmAction({
          title: `Revoke ${t.name}?`,
          text: `Anything using ${t.tokenPreview} stops working at once. This cannot be undone.`,
          confirm: 'Revoke token',
        });
        if (!ok) return;
        try {
          await api('DELETE', `/api/user/tokens/${encodeURIComponent(t.id)}`);
          await reload();
          byId('tokens-title').focus();
          announce(`Revoked ${t.name}.`);
        } catch (err) {
          announce(messageOf(err), 'error');
        }
      });
      return h(
        'li',
        { class: 'card token', 'data-token-id': t.id },
        h('div', { class: 'card-head' }, h('h3', {}, t.name)),
        h(
          'dl',
          { class: 'facts' },
          h('div', {}, h('dt', {}, 'Token'), h('dd', {}, h('code', {}, t.tokenPreview))),
          h('div', {}, h('dt', {}, 'Scopes'), h('dd', {}, t.scopes.join(', '))),
          h('div', {}, h('dt', {}, 'Expires'), h('dd', {}, when(t.expiresAt))),
          h('div', {}, h('dt', {}, 'Last used'), h('dd', {}, when(t.lastUsedAt))),
        ),
        h('div', { class: 'actions' }, revoke),
      );
    }),
  );
}

/**
 * The tokens section. Token management takes a JWT (a token never mints tokens), so a token-signed
 * session only explains. `onChange` hears of each token created or revoked (the audit log shows it).
 */
export function tokensSection(kind: () => 'jwt' | 'token', onChange: () => void): Section {
  const area = byId('tokens-area');
  const listArea = h('div', {});
  const revealArea = h('section', { class: 'reveal', hidden: true, 'aria-labelledby': 'new-token-title' });
  const name = h('input', {
    name: 'name',
    type: 'text',
    maxlength: 100,
    required: true,
    autocomplete: 'off',
  });
  const boxes = config.scopes.map((s) =>
    h('input', {
      type: 'checkbox',
      name: 'scopes',
      value: s.id,
      id: `scope-${s.id}`,
      checked: s.id === 'chat',
    }),
  );
  const lifetime = h(
    'select',
    { name: 'expiresAt' },
    ...LIFETIMES.map(([label, days]) => h('option', { value: days ?? '' }, label)),
  );
  const form = h(
    'form',
    { id: 'token-form', novalidate: true, autocomplete: 'off', 'aria-label': 'Create a token' },
    field('Name', name, 'What will use it (“laptop”, “CI”).'),
    h(
      'fieldset',
      { class: 'scopes' },
      h('legend', {}, 'Scopes'),
      ...boxes.map((b, i) =>
        h('div', { class: 'check' }, b, h('label', { for: b.id }, config.scopes[i]?.text ?? b.value)),
      ),
      h('p', { class: 'field-error', id: 'scopes-error', hidden: true }),
    ),
    field('Expires', lifetime),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Create token')),
  );
  for (const b of boxes) b.setAttribute('aria-describedby', 'scopes-error');

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const days = lifetime.value === '' ? null : Number(lifetime.value);
    const body = {
      name: name.value.trim(),
      scopes: boxes.filter((b) => b.checked).map((b) => b.value),
      ...(days ? { expiresAt: new Date(Date.now() + days * 86_400_000).toISOString() } : {}),
    };
    await busy(form, async () => {
      try {
        const created = await api<AccessToken & { token: string }>('POST', '/api/user/tokens', body);
        clearFieldErrors(form);
        name.value = '';
        await load();
        onChange();
        reveal(revealArea, created, name);
        announce(`Token ${created.name} created; copy it now.`);
      } catch (err) {
        showFailure(form, err);
      }
    });
  });

  async function load(): Promise<void> {
    if (kind() === 'token') {
      fill(
        area,
        h(
          'p',
          { class: 'notice' },
          'Tokens are managed with a JWT only: a gateway token can neither mint nor list tokens. Sign in with a JWT to manage them.',
        ),
      );
      return;
    }
    if (!area.contains(form)) fill(area, form, revealArea, listArea);
    try {
      const { data } = await api<{ data: AccessToken[] }>('GET', '/api/user/tokens');
      fill(
        listArea,
        tokenList(data, async () => {
          await load();
          onChange();
        }),
      );
    } catch (err) {
      fill(listArea, h('p', { class: 'notice' }, messageOf(err)));
    }
  }
  const clear = () => {
    fill(listArea);
    fill(revealArea);
    revealArea.hidden = true;
  };
  return { load, clear };
}
