import { ApiFailure, messageOf } from './api.js';
import { announce, h, uid } from './dom.js';

type Control = HTMLInputElement | HTMLSelectElement;

/**
 * A labelled control with an optional hint and a slot for the server's message about it, wired
 * with aria-describedby. The control's `name` is the API field it feeds, so an error whose `param`
 * names that field lands right here.
 */
export function field(label: string, control: Control, hint?: string | HTMLElement): HTMLDivElement {
  control.id ||= uid('f');
  const hintEl =
    hint === undefined ? null : h('p', { class: 'hint', id: `${control.id}-hint` }, hint as string | Node);
  const errorEl = h('p', { class: 'field-error', id: `${control.id}-error`, hidden: true });
  control.setAttribute('aria-describedby', [hintEl?.id, errorEl.id].filter(Boolean).join(' '));
  return h('div', { class: 'field' }, h('label', { for: control.id }, label), control, hintEl, errorEl);
}

export function clearFieldErrors(form: HTMLFormElement): void {
  for (const el of form.querySelectorAll<HTMLElement>('.field-error')) {
    el.hidden = true;
    el.textContent = '';
  }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
}

/** The form's control for an API field (`monthlyBudgetUsd`, `scopes[1]` → `scopes`). */
function controlFor(form: HTMLFormElement, param: string | null): HTMLElement | null {
  if (!param) return null;
  const name = param.replace(/[[.].*$/, '');
  return form.querySelector<HTMLElement>(`[name="${CSS.escape(name)}"]`);
}

/** Marks one field invalid with a message next to it; returns the control, or null when the form has none by that name. */
export function markField(form: HTMLFormElement, param: string | null, message: string): HTMLElement | null {
  const control = controlFor(form, param);
  // A group (the scopes' checkboxes) shares one slot, in its fieldset.
  const slot =
    control &&
    (form.querySelector<HTMLElement>(`#${CSS.escape(control.id)}-error`) ??
      control.closest('fieldset')?.querySelector<HTMLElement>('.field-error'));
  if (!control || !slot) return null;
  control.setAttribute('aria-invalid', 'true');
  slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
  slot.hidden = false;
  return control;
}

/**
 * Shows a failed call: each named field's message next to it (focus on the first), and the whole
 * message in the alert region. Returns true when some field took a message.
 */
export function showFailure(form: HTMLFormElement, err: unknown): boolean {
  clearFieldErrors(form);
  const problems =
    err instanceof ApiFailure
      ? err.fields.length > 0
        ? err.fields
        : err.param
          ? [{ param: err.param, message: err.message }]
          : []
      : [];
  let first: HTMLElement | null = null;
  for (const p of problems) {
    const control = markField(form, p.param, p.message);
    first ??= control;
  }
  first?.focus();
  announce(messageOf(err), 'error');
  return first !== null;
}

/** Disables a form's buttons while its call runs, so a double click cannot send twice. */
export async function busy<T>(form: HTMLFormElement, work: () => Promise<T>): Promise<T> {
  const buttons = [...form.querySelectorAll('button')];
  for (const b of buttons) b.disabled = true;
  form.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    for (const b of buttons) b.disabled = false;
    form.removeAttribute('aria-busy');
  }
}

/** The field a provider key is typed into: masked, and kept from spell-checkers and password managers. */
export function secretInput(required: boolean): HTMLInputElement {
  return h('input', {
    name: 'apiKey',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    autocapitalize: 'off',
    ...(required ? { required: true } : {}),
    'data-1p-ignore': true,
    'data-lpignore': 'true',
  });
}
