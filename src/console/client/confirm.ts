import { byId } from './dom.js';

/**
 * A modal confirmation on the page's one `<dialog>` (focus moves into it and returns to the
 * button that opened it; Escape cancels). Resolves true only for the confirm button.
 */
export function confirmAction(opts: { title: string; text: string; confirm: string }): Promise<boolean> {
  const dialog = byId<HTMLDialogElement>('confirm');
  byId('confirm-title').textContent = opts.title;
  byId('confirm-text').textContent = opts.text;
  byId('confirm-ok').textContent = opts.confirm;
  const opener = document.activeElement as HTMLElement | null;
  dialog.returnValue = '';
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener(
      'close',
      () => {
        opener?.focus();
        resolve(dialog.returnValue === 'ok');
      },
      { once: true },
    );
  });
}
