import type { AuditEntry } from '../../audit/audit-repo.js';
import type { Provider } from '../../providers/kit/providers.js';
import { h } from './dom.js';
import { when, whenExact } from './format.js';
import { providerLabel } from './page-config.js';

/**
 * How one audit row reads on the page: a person's words for the action, its details in a line,
 * who did it and from where. Every value is text (the rows quote what the server stored: key
 * names, user agents), and no row ever holds a secret — the server never writes one.
 */

/** `tone` colours the event: `bad` for refusals and removals, `warn` for what deserves a look. */
const ACTIONS: Record<string, { text: string; tone?: 'bad' | 'warn' }> = {
  'key.created': { text: 'Key created' },
  'key.updated': { text: 'Key changed' },
  'key.replaced': { text: 'Key secret replaced' },
  'key.deleted': { text: 'Key deleted', tone: 'bad' },
  'key.rejected': { text: 'Key refused by the provider', tone: 'bad' },
  'key.new_ip': { text: 'Key used from a new IP', tone: 'warn' },
  'key.budget_reached': { text: 'Budget reached', tone: 'warn' },
  'key.rewrapped': { text: 'Key re-encrypted' },
  'token.created': { text: 'Token created' },
  'token.revoked': { text: 'Token revoked', tone: 'bad' },
  'token.org_detached': { text: 'Token detached from its organisation', tone: 'warn' },
};

/** The API's field names (`key.updated`'s `fields`) as the edit form calls them. */
const FIELD_TEXT: Record<string, string> = {
  keyName: 'name',
  monthlyBudgetUsd: 'monthly budget',
  isActive: 'active',
  priority: 'priority',
  expiresAt: 'expiry',
  exclusive: 'exclusive',
};

function actionLabel(event: AuditEntry): { text: string; tone?: 'bad' | 'warn' } {
  if (event.action === 'key.verified')
    return event.details.result === 'valid'
      ? { text: 'Key verified — valid' }
      : { text: 'Key verified — rejected', tone: 'bad' };
  if (event.action === 'key.budget_reached' && event.target.type === 'system_key')
    return { text: 'Gateway key budget reached', tone: 'warn' };
  return ACTIONS[event.action] ?? { text: event.action };
}

const list = (value: unknown) => (Array.isArray(value) ? value.map(String) : [String(value)]);

/** How a detail reads; null: not on the line (`result` is in the label, `expiresAt` said below). */
const DETAIL_TEXT: Record<string, (value: unknown) => string | null> = {
  provider: (v) => providerLabel(v as Provider),
  keyName: (v) => `“${String(v)}”`,
  fields: (v) =>
    `changed: ${list(v)
      .map((f) => FIELD_TEXT[f] ?? f)
      .join(', ')}`,
  previousPreview: (v) => `was ${String(v)}`,
  verified: (v) => (v ? 'checked with the provider' : 'not checked'),
  scopes: (v) => `scopes: ${list(v).join(', ')}`,
  during: (v) => `during a ${String(v)} request`,
  status: (v) => `answered ${String(v)}`,
  // A rewrap (npm run rewrap-keys): which encryption secrets, by their ids.
  fromKid: (v) => `from secret ${String(v)}`,
  toKid: (v) => `to secret ${String(v)}`,
  result: () => null,
  expiresAt: () => null,
};

/** The details worth a line under the event; unknown ones as `name: value`, so nothing is hidden. */
function detailText(event: AuditEntry): string {
  const parts = Object.entries(event.details).flatMap(([name, value]) => {
    if (value === null || value === undefined) return [];
    const known = Object.hasOwn(DETAIL_TEXT, name) ? DETAIL_TEXT[name] : undefined;
    const text = known ? known(value) : `${name}: ${list(value).join(', ')}`;
    return text === null ? [] : [text];
  });
  if (event.action === 'token.created')
    parts.push(
      event.details.expiresAt ? `expires ${when(String(event.details.expiresAt))}` : 'never expires',
    );
  if (event.orgId) parts.push(`organisation ${event.orgId}`);
  return parts.join(' · ');
}

const BROWSERS: [RegExp, string][] = [
  [/Edg\/(\d+)/, 'Edge'],
  [/OPR\/(\d+)/, 'Opera'],
  [/Firefox\/(\d+)/, 'Firefox'],
  [/HeadlessChrome\/(\d+)/, 'Headless Chrome'],
  [/Chrome\/(\d+)/, 'Chrome'],
  [/Version\/(\d+)[\d.]* (?:Mobile\/\S+ )?Safari\//, 'Safari'],
];
const SYSTEMS: [RegExp, string][] = [
  [/Android/, 'Android'],
  [/iPhone|iPad/, 'iOS'],
  [/CrOS/, 'ChromeOS'],
  [/Windows/, 'Windows'],
  [/Mac OS X/, 'macOS'],
  [/Linux/, 'Linux'],
];

/** `Chrome 131 on Linux` from a browser's long user agent; anything else cut to 32 characters. */
function shortAgent(agent: string): string {
  for (const [pattern, name] of BROWSERS) {
    const version = pattern.exec(agent)?.[1];
    if (!version) continue;
    const system = SYSTEMS.find(([p]) => p.test(agent))?.[1];
    return system ? `${name} ${version} on ${system}` : `${name} ${version}`;
  }
  return agent.length > 32 ? `${agent.slice(0, 31)}…` : agent;
}

/** `JWT`, or `Token 3f6ca780…` (its id, whole in the title), or the operator's rewrap run. */
function actor(event: AuditEntry): (Node | string)[] {
  const { via, tokenId, userId } = event.actor;
  const who: (Node | string)[] =
    via === 'token' && tokenId
      ? ['Token ', h('code', { title: tokenId }, `${tokenId.slice(0, 8)}…`)]
      : [via === 'jwt' ? 'JWT' : via === 'operator' ? 'Operator (key rewrap)' : via];
  return userId ? [...who, h('span', { class: 'hint audit-user' }, userId)] : who;
}

const TARGET_TEXT: Record<string, string> = {
  api_key: 'Key',
  access_token: 'Token',
  system_key: 'Gateway key',
};

function target(event: AuditEntry): (Node | string)[] {
  const { type, id, preview } = event.target;
  const shown = preview ?? (id ? `${id.slice(0, 8)}…` : null);
  return [
    `${TARGET_TEXT[type] ?? type} `,
    shown ? h('code', { class: 'preview', ...(id ? { title: id } : {}) }, shown) : '',
  ];
}

/** An IPv4 address never breaks; an IPv6 one may, after a colon only. */
function ipText(ip: string): (Node | string)[] {
  return ip.split(':').flatMap((part, i) => (i === 0 ? [part] : [':', h('wbr'), part]));
}

/** A cell that also names its column, for the stacked layout of narrow screens (audit.css). */
const cell = (label: string, ...children: (Node | string)[]) =>
  h('td', { role: 'cell', 'data-label': label }, h('div', {}, ...children));

export function auditRow(event: AuditEntry): HTMLTableRowElement {
  const label = actionLabel(event);
  const details = detailText(event);
  const agent = event.userAgent;
  return h(
    'tr',
    { role: 'row', 'data-action': event.action, 'data-event-id': event.id },
    cell(
      'Time',
      h('time', { datetime: event.createdAt, title: event.createdAt }, whenExact(event.createdAt)),
    ),
    cell(
      'Event',
      h('strong', { class: label.tone ? `audit-${label.tone}` : 'audit-event' }, label.text),
      details ? h('span', { class: 'hint audit-details' }, details) : '',
    ),
    cell('Target', ...target(event)),
    cell('Actor', ...actor(event)),
    cell('IP', ...(event.ip ? ipText(event.ip) : ['—'])),
    cell('User agent', agent ? h('span', { title: agent }, shortAgent(agent)) : '—'),
  );
}

const COLUMNS = ['Time', 'Event', 'Target', 'Actor', 'IP', 'User agent'];

/**
 * The table. Narrow screens stack each row into a card (audit.css), which takes a table's
 * semantics away in some browsers: the ARIA roles put them back.
 */
export function auditTable(): { table: HTMLTableElement; body: HTMLTableSectionElement } {
  const body = h('tbody', { role: 'rowgroup' });
  const table = h(
    'table',
    { class: 'audit-table', id: 'audit-table', role: 'table', 'aria-labelledby': 'audit-title' },
    h(
      'thead',
      { role: 'rowgroup' },
      h('tr', { role: 'row' }, ...COLUMNS.map((c) => h('th', { scope: 'col', role: 'columnheader' }, c))),
    ),
    body,
  );
  return { table, body };
}
