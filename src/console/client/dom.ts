/**
 * DOM building without HTML strings: every value is set as text or as an attribute, so nothing a
 * user stored (a key name, a token name) can ever become markup. The page's CSP forbids inline
 * script and style, so no `style` attributes either: classes only.
 */
type Child = Node | string | number | null | undefined | false;
type AttrValue = string | number | boolean | null | undefined | ((event: Event) => void);
export type Attrs = Record<string, AttrValue>;

function apply(el: Element, attrs: Attrs, children: Child[]): void {
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === 'function') el.addEventListener(name.slice(2), value);
    else if (value === true) el.setAttribute(name, '');
    else if (value !== false && value !== null && value !== undefined) el.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'number' ? String(child) : child);
  }
}

/** `h('button', { type: 'button', onclick: fn }, 'Delete')`: attributes named `on…` are listeners. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  apply(el, attrs, children);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  apply(el, attrs, children);
  return el;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el as T;
}

let counter = 0;
/** A unique id for label/aria wiring. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

/**
 * Success goes to the polite status region, failure to the assertive alert region; each message
 * replaces the last, and the other region is emptied so a stale error never lingers beside a success.
 */
export function announce(message: string, kind: 'ok' | 'error' = 'ok'): void {
  const status = byId('status');
  const alert = byId('alert');
  const [target, other] = kind === 'ok' ? [status, alert] : [alert, status];
  other.textContent = '';
  // Emptied first so the same message twice is announced twice.
  target.textContent = '';
  requestAnimationFrame(() => {
    target.textContent = message;
  });
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  apply(el, {}, children);
}

/** A part of the page that loads from the API and forgets it all on sign-out. */
export interface Section {
  load(): Promise<void>;
  clear(): void;
}
