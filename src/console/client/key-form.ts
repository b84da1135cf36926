import { api } from './api.js';
import { announce, h } from './dom.js';
import { busy, clearFieldErrors, showFailure } from './forms.js';
import type { KeyView } from './keys-list.js';

/** After a change: reload the list, then put focus back on the same control of the same key. */
export type Reload = (focus?: { keyId: string; action: string }) => Promise<void>;

export const keyPath = (key: KeyView) => `/api/user/api-keys/${encodeURIComponent(key.id)}`;

/**
 * What every form under a key's card does when sent (edit, replace): one request, then the list
 * reloaded with focus back on the control that opened the form and the result announced; a
 * refusal is shown next to its field. `body` runs at once, before the request, so a form can
 * empty a secret field the moment it is sent.
 */
export function onKeyFormSubmit(
  form: HTMLFormElement,
  key: KeyView,
  send: { method: 'PATCH' | 'PUT'; action: string; body: () => unknown; done: (saved: KeyView) => string },
  reload: Reload,
): void {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = send.body();
    await busy(form, async () => {
      try {
        const saved = await api<KeyView>(send.method, keyPath(key), body);
        clearFieldErrors(form);
        await reload({ keyId: key.id, action: send.action });
        announce(send.done(saved));
      } catch (err) {
        showFailure(form, err);
      }
    });
  });
}

/** The buttons at the foot of such a form: send it, or close it unchanged. */
export function submitOrCancel(submit: string, close: () => void): HTMLDivElement {
  return h(
    'div',
    { class: 'actions' },
    h('button', { type: 'submit' }, submit),
    h('button', { type: 'button', class: 'secondary', onclick: close }, 'Cancel'),
  );
}
