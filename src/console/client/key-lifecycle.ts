import { api } from './api.js';
import { h } from './dom.js';
import { field, secretInput } from './forms.js';
import { keyPath, onKeyFormSubmit, type Reload, submitOrCancel } from './key-form.js';
import { type KeyView, keyLabel } from './keys-list.js';

/**
 * The key-lifecycle controls: verify with the provider, replace the secret, and the priority /
 * expiry / exclusive fields of the edit form.
 */

/** A number field's value for the API: empty → null; a number; anything else as typed, for the server to name. */
function numberValue(raw: string): number | string | null {
  const text = raw.trim();
  if (text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/** The edit form's extra fields and how they go into the PATCH body. */
export function lifecycleFields(key: KeyView): {
  fields: HTMLElement[];
  body: () => Record<string, unknown>;
} {
  const priority = h('input', {
    name: 'priority',
    type: 'text',
    inputmode: 'numeric',
    autocomplete: 'off',
    value: key.priority ?? '',
  });
  const expires = h('input', { name: 'expiresAt', type: 'date', value: key.expiresAt?.slice(0, 10) ?? '' });
  const exclusive = h('input', { name: 'exclusive', type: 'checkbox', checked: key.exclusive === true });
  exclusive.id = `key-${key.id}-exclusive`;
  return {
    fields: [
      field('Priority', priority, 'Lower is tried first; empty: after every numbered key.'),
      field('Expires', expires, 'Empty: never. From that day (UTC) on the key is not used.'),
      h(
        'div',
        { class: 'check' },
        exclusive,
        h('label', { for: exclusive.id }, 'Never fall back to another key for this provider'),
      ),
    ],
    body: () => ({
      priority: numberValue(priority.value),
      expiresAt: expires.value ? `${expires.value}T00:00:00.000Z` : null,
      exclusive: exclusive.checked,
    }),
  };
}

/** `POST …/verify`: the provider's cheapest key check; the answer is announced and the status shown. */
export async function verifyKey(key: KeyView): Promise<string> {
  const check = await api<{ valid: boolean; message?: string }>('POST', `${keyPath(key)}/verify`);
  return check.valid
    ? `${keyLabel(key)} is valid: the provider accepted it.`
    : `${keyLabel(key)} was rejected: ${check.message ?? 'the provider refused it.'}`;
}

/**
 * Replace the secret under the same id (`PUT`): name, budget, priority and history stay. The new key
 * goes in a password field that is emptied the moment the form is sent.
 */
export function replaceForm(key: KeyView, reload: Reload, close: () => void): HTMLFormElement {
  const apiKey = secretInput(false);
  const verify = h('input', { name: 'verify', type: 'checkbox', checked: true });
  verify.id = `key-${key.id}-replace-verify`;
  const form = h(
    'form',
    {
      class: 'edit',
      novalidate: true,
      autocomplete: 'off',
      'aria-label': `Replace the secret of ${keyLabel(key)}`,
    },
    field('New API key', apiKey, `Replaces ${key.keyPreview}; everything else about the key stays.`),
    h('div', { class: 'check' }, verify, h('label', { for: verify.id }, 'Check it with the provider first')),
    submitOrCancel('Replace', close),
  );
  onKeyFormSubmit(
    form,
    key,
    {
      method: 'PUT',
      action: 'replace',
      body: () => {
        const secret = apiKey.value;
        apiKey.value = '';
        return { apiKey: secret, ...(verify.checked ? { verify: true } : {}) };
      },
      done: (saved) => `Replaced the secret of ${keyLabel(saved)}: now ${saved.keyPreview}.`,
    },
    reload,
  );
  return form;
}
