import { mountAddKeyForm } from './add-key.js';
import { api, loadFailureText } from './api.js';
import { byId, fill, h, type Section } from './dom.js';
import { keyActions } from './key-actions.js';
import { type KeyView, keyList } from './keys-list.js';

/**
 * The keys section: the add form (mounted once) and the list, reloaded after every change. Other
 * sections (usage) hear about the keys through `onKeys`, to name them.
 */
export function keysSection(onKeys: (keys: KeyView[]) => void): Section {
  const area = byId('key-list-area');
  let mounted = false;

  async function load(focus?: { keyId: string; action: string }): Promise<void> {
    if (!mounted) {
      mountAddKeyForm(byId<HTMLFormElement>('add-key-form'), () => void load());
      mounted = true;
    }
    area.setAttribute('aria-busy', 'true');
    try {
      const { data } = await api<{ data: KeyView[] }>('GET', '/api/user/api-keys');
      fill(
        area,
        keyList(data, (key) => keyActions(key, load)),
      );
      onKeys(data);
      restoreFocus(focus);
    } catch (err) {
      fill(area, h('p', { class: 'notice' }, loadFailureText(err, 'keys:read', 'list keys')));
      onKeys([]);
    } finally {
      area.setAttribute('aria-busy', 'false');
    }
  }

  /** Re-rendering replaced the focused button: focus its successor, or the list's heading. */
  function restoreFocus(focus?: { keyId: string; action: string }): void {
    if (!focus) return;
    const card = focus.keyId ? area.querySelector(`[data-key-id="${CSS.escape(focus.keyId)}"]`) : null;
    const target =
      card?.querySelector<HTMLElement>(`[data-action="${CSS.escape(focus.action)}"]`) ?? byId('keys-title');
    target.focus();
  }

  return { load: () => load(), clear: () => fill(area) };
}
