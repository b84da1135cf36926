/** How amounts and times read on the page (the browser's locale; amounts in US dollars). */
const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const smallDollars = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumSignificantDigits: 3,
});

/** `$4.20`; sub-cent amounts keep three significant digits (`$0.000203`) instead of reading `$0.00`. */
export function usd(n: number | null): string {
  if (n === null) return 'unknown';
  if (n !== 0 && Math.abs(n) < 0.01) return smallDollars.format(n);
  return dollars.format(n);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function when(iso: string | null | undefined, never = 'never'): string {
  if (!iso) return never;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

const exactTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

/** To the second, in the browser's time zone: the audit log's events can be seconds apart. */
export function whenExact(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : exactTime.format(d);
}

/** `2026-12-04` → `Dec 4` (the day is UTC, as the usage API groups it). */
export function shortDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return d.toLocaleDateString('en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' });
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
