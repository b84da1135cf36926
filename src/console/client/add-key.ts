import { api } from './api.js';
import { announce, h } from './dom.js';
import { busy, clearFieldErrors, field, secretInput, showFailure } from './forms.js';
import type { KeyView } from './keys-list.js';
import { config, keyFormatHint, providerLabel } from './page-config.js';

/** A budget field's value for the API: empty → none; a number; anything else is sent as typed so the server names it. */
export function budgetValue(raw: string): number | string | null {
  const text = raw.trim();
  if (text === '') return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : text;
}

/**
 * The "Add a key" form. The key goes in a password field (never shown while typed, no autofill,
 * no spellcheck) and is cleared from the field the moment the form is submitted, whatever the
 * answer: after a submit no input or node of the page holds it. The server checks the format and
 * its message is shown next to the field it names.
 */
export function mountAddKeyForm(form: HTMLFormElement, onAdded: (key: KeyView) => void): void {
  const provider = h(
    'select',
    { name: 'provider', required: true },
    ...config.providers.map((p) => h('option', { value: p.id }, p.label)),
  );
  const apiKey = secretInput(true);
  const formatHint = h('span', {}, keyFormatHint(provider.value));
  const keyName = h('input', { name: 'keyName', type: 'text', maxlength: 100, autocomplete: 'off' });
  const budget = h('input', {
    name: 'monthlyBudgetUsd',
    type: 'text',
    inputmode: 'decimal',
    autocomplete: 'off',
  });

  const verify = h('input', { name: 'verify', type: 'checkbox', checked: true, id: 'add-key-verify' });

  provider.addEventListener('change', () => {
    formatHint.textContent = keyFormatHint(provider.value);
  });

  form.append(
    field('Provider', provider),
    field('Name', keyName, 'Optional: tells two keys of one provider apart (“work”, “personal”).'),
    field('API key', apiKey, formatHint),
    field(
      'Monthly budget (USD)',
      budget,
      'Optional: calls on this key stop once it has spent this much in a UTC month.',
    ),
    h(
      'div',
      { class: 'check' },
      verify,
      h('label', { for: verify.id }, 'Check the key with the provider before saving'),
      h('p', { class: 'hint' }, 'A key the provider refuses is not stored.'),
    ),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Add key')),
  );

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const secret = apiKey.value;
    // Out of the page before the call: the field never holds the key after a submit.
    apiKey.value = '';
    const body: Record<string, unknown> = { provider: provider.value, apiKey: secret };
    if (keyName.value.trim() !== '') body.keyName = keyName.value.trim();
    const limit = budgetValue(budget.value);
    if (limit !== null) body.monthlyBudgetUsd = limit;
    if (verify.checked) body.verify = true;
    await busy(form, async () => {
      try {
        const created = await api<KeyView>('POST', '/api/user/api-keys', body);
        clearFieldErrors(form);
        keyName.value = '';
        budget.value = '';
        announce(`Key added: ${created.keyName ?? providerLabel(created.provider)} (${created.keyPreview}).`);
        onAdded(created);
      } catch (err) {
        showFailure(form, err);
        if (document.activeElement === document.body) apiKey.focus();
      }
    });
  });
}
