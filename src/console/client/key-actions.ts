import { budgetValue } from './add-key.js';
import { api, messageOf } from './api.js';
import { confirmAction } from './confirm.js';
import { announce, h } from './dom.js';
import { field } from './forms.js';
import { keyPath, onKeyFormSubmit, type Reload, submitOrCancel } from './key-form.js';
import { lifecycleFields, replaceForm, verifyKey } from './key-lifecycle.js';
import { type KeyView, keyLabel } from './keys-list.js';

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
  const more = lifecycleFields(key);
  const form = h(
    'form',
    { class: 'edit', novalidate: true, 'aria-label': `Edit ${keyLabel(key)}` },
    field('Name', name, 'Empty: no name.'),
    field('Monthly budget (USD)', budget, 'Empty: no budget.'),
    ...more.fields,
    submitOrCancel('Save', close),
  );
  onKeyFormSubmit(
    form,
    key,
    {
      method: 'PATCH',
      action: 'edit',
      body: () => ({
        keyName: name.value.trim() === '' ? null : name.value.trim(),
        monthlyBudgetUsd: budgetValue(budget.value),
        ...more.body(),
      }),
      done: (saved) => `Saved ${keyLabel(saved)}.`,
    },
    reload,
  );
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
      for (const other of [edit, replace]) other.setAttribute('aria-expanded', 'false');
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
  const replace = opener('replace', 'Replace secret', (close) => replaceForm(key, reload, close));
  const verify = button(key, 'verify', 'Verify', () =>
    run(() => verifyKey(key), reload, { keyId: key.id, action: 'verify' }),
  );

  const activeText = key.isActive ? 'Deactivate' : 'Activate';
  const active = button(key, 'active', activeText, () =>
    run(
      async () => {
        await api('PATCH', keyPath(key), { isActive: !key.isActive });
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
          await api('DELETE', keyPath(key));
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
