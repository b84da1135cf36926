import { budgetValue } from './add-key.js';
import { api, messageOf } from './api.js';
import { confirmAction } from './confirm.js';
import { announce, h } from './dom.js';
import { busy, clearFieldErrors, field, showFailure } from './forms.js';
import { lifecycleFields, replaceForm, verifyKey } from './key-lifecycle.js';
import { hasLifecycle, type KeyView, keyLabel } from './keys-list.js';

/** After a change: reload the list, then put focus back on the same control of the same key. */
export type Reload = (focus?: { keyId: string; action: string }) => Promise<void>;

const path = (key: KeyView) => `/api/user/api-keys/${encodeURIComponent(key.id)}`;

function button(
  key: KeyView,
  action: string,
  text: string,
  onclick: () => void,
  cls = 'secondary',
): HTMLButtonElement {
  return h(
    'button',
    { type: 'button', class: cls, 'data-action': action, 'aria-label': `${text} ${keyLabel(key)}`, onclick },
    text,
  );
}

async function run(work: () => Promise<string>, reload: Reload, focus: { keyId: string; action: string }) {
  try {
    const message = await work();
    await reload(focus);
    announce(message);
  } catch (err) {
    announce(messageOf(err), 'error');
  }
}

/** The edit panel: name and monthly budget, saved with one PATCH; errors shown by the field. */
function editForm(key: KeyView, reload: Reload, close: () => void): HTMLFormElement {
  const name = h('input', {
    name: 'keyName',
    type: 'text',
    maxlength: 100,
    value: key.keyName ?? '',
    autocomplete: 'off',
  });
  const budget = h('input', {
    name: 'monthlyBudgetUsd',
    type: 'text',
    inputmode: 'decimal',
    autocomplete: 'off',
    value: key.monthlyBudgetUsd ?? '',
  });
  const more = hasLifecycle(key) ? lifecycleFields(key) : { fields: [], body: () => ({}) };
  const form = h(
    'form',
    { class: 'edit', novalidate: true, 'aria-label': `Edit ${keyLabel(key)}` },
    field('Name', name, 'Empty: no name.'),
    field('Monthly budget (USD)', budget, 'Empty: no budget.'),
    ...more.fields,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit' }, 'Save'),
      h('button', { type: 'button', class: 'secondary', onclick: close }, 'Cancel'),
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {
      keyName: name.value.trim() === '' ? null : name.value.trim(),
      monthlyBudgetUsd: budgetValue(budget.value),
      ...more.body(),
    };
    await busy(form, async () => {
      try {
        const saved = await api<KeyView>('PATCH', path(key), body);
        clearFieldErrors(form);
        await reload({ keyId: key.id, action: 'edit' });
        announce(`Saved ${keyLabel(saved)}.`);
      } catch (err) {
        showFailure(form, err);
      }
    });
  });
  return form;
}

/** The buttons under a key's card and the edit panel they open. */
export function keyActions(key: KeyView, reload: Reload): HTMLElement[] {
  const panel = h('div', { class: 'edit-panel', id: `key-${key.id}-panel`, hidden: true });
  let openedBy: HTMLButtonElement | null = null;
  /** One panel under the card, opened by Edit or Replace secret; its button says whether it is open. */
  const opener = (action: string, text: string, form: (close: () => void) => HTMLFormElement) => {
    const b = button(key, action, text, () => toggle(b, openedBy !== b));
    b.setAttribute('aria-expanded', 'false');
    b.setAttribute('aria-controls', panel.id);
    function toggle(by: HTMLButtonElement, open: boolean) {
      for (const other of [edit, replace]) other?.setAttribute('aria-expanded', 'false');
      panel.hidden = !open;
      openedBy = open ? by : null;
      by.setAttribute('aria-expanded', String(open));
      if (open) {
        panel.replaceChildren(form(() => toggle(by, false)));
        panel.querySelector('input')?.focus();
      } else {
        panel.replaceChildren();
        by.focus();
      }
    }
    return b;
  };
  const edit = opener('edit', 'Edit', (close) => editForm(key, reload, close));
  const replace = hasLifecycle(key)
    ? opener('replace', 'Replace secret', (close) => replaceForm(key, reload, close))
    : null;
  const verify = hasLifecycle(key)
    ? button(key, 'verify', 'Verify', () =>
        run(() => verifyKey(key), reload, { keyId: key.id, action: 'verify' }),
      )
    : null;

  const activeText = key.isActive ? 'Deactivate' : 'Activate';
  const active = button(key, 'active', activeText, () =>
    run(
      async () => {
        await api('PATCH', path(key), { isActive: !key.isActive });
        return key.isActive
          ? `${keyLabel(key)} is inactive: chats no longer use it.`
          : `${keyLabel(key)} is active again.`;
      },
      reload,
      { keyId: key.id, action: 'active' },
    ),
  );

  const remove = button(
    key,
    'delete',
    'Delete',
    async () => {
      const ok = await confirmAction({
        title: `Delete ${keyLabel(key)}?`,
        text: `The key ${key.keyPreview} is erased from the gateway and chats stop using it at once. This cannot be undone.`,
        confirm: 'Delete key',
      });
      if (!ok) return;
      await run(
        async () => {
          await api('DELETE', path(key));
          return `Deleted ${keyLabel(key)}.`;
        },
        reload,
        { keyId: '', action: '' },
      );
    },
    'danger',
  );

  return [h('div', { class: 'actions' }, edit, verify, replace, active, remove), panel];
}
