import type { ApiKey } from '../../vault/keys-repo.js';
import { h } from './dom.js';
import { usd, when } from './format.js';
import { providerLabel } from './page-config.js';

/** A key as `GET /api/user/api-keys` lists it: the public view (previews only) with this month's spend. */
export type KeyView = ApiKey & { monthSpendUsd: number };

const STATUS_TEXT: Record<ApiKey['status'], string> = {
  unverified: 'Not verified',
  valid: 'Valid',
  rejected: 'Rejected',
  expired: 'Expired',
};

export function keyLabel(key: KeyView): string {
  return key.keyName ?? `${providerLabel(key.provider)} key`;
}

function fact(term: string, ...value: (Node | string)[]): HTMLDivElement {
  return h('div', {}, h('dt', {}, term), h('dd', {}, ...value));
}

function spend(key: KeyView): (Node | string)[] {
  if (key.monthlyBudgetUsd === null) return [`${usd(key.monthSpendUsd)} (no budget)`];
  const over = key.monthSpendUsd >= key.monthlyBudgetUsd;
  return [
    `${usd(key.monthSpendUsd)} of ${usd(key.monthlyBudgetUsd)}`,
    h('meter', {
      min: 0,
      max: key.monthlyBudgetUsd || 1,
      high: (key.monthlyBudgetUsd || 1) * 0.8,
      value: Math.min(key.monthSpendUsd, key.monthlyBudgetUsd || 1),
      'aria-label': `Budget used by ${keyLabel(key)}`,
    }),
    over ? h('strong', { class: 'warn' }, ' budget reached') : '',
  ];
}

/** The state a person cares about first: can this key be used right now? */
function statusBadges(key: KeyView): HTMLElement[] {
  const badges = [
    key.isActive
      ? h('span', { class: 'status status-active' }, 'Active')
      : h('span', { class: 'status status-inactive' }, 'Inactive'),
  ];
  badges.push(
    h('span', { class: `status status-${key.status}`, 'data-status': key.status }, STATUS_TEXT[key.status]),
  );
  if (key.rotationDue) badges.push(h('span', { class: 'status status-warning' }, 'Rotation due'));
  return badges;
}

/** The lifecycle facts: order, fallback, expiry, the provider's last word. */
function lifecycleFacts(key: KeyView): HTMLElement[] {
  const facts = [fact('Priority', key.priority === null ? 'last' : String(key.priority))];
  if (key.exclusive) facts.push(fact('Fallback', 'never: this provider uses only your keys'));
  if (key.expiresAt) facts.push(fact('Expires', when(key.expiresAt)));
  if (key.verifiedAt) facts.push(fact('Verified', when(key.verifiedAt)));
  if (key.status === 'rejected' && key.lastError)
    facts.push(fact('Refused', h('span', { class: 'warn' }, key.lastError)));
  return facts;
}

/** One key's card: name, provider, preview, status, last use, spend against budget, then its actions. */
function keyCard(key: KeyView, actions: HTMLElement[]): HTMLLIElement {
  const titleId = `key-${key.id}-title`;
  return h(
    'li',
    { class: 'card key', 'data-key-id': key.id, 'aria-labelledby': titleId },
    h(
      'div',
      { class: 'card-head' },
      h('h3', { id: titleId }, keyLabel(key)),
      h('span', { class: `badge provider-${key.provider}` }, providerLabel(key.provider)),
      ...statusBadges(key),
    ),
    h(
      'dl',
      { class: 'facts' },
      fact('Preview', h('code', { class: 'preview' }, key.keyPreview)),
      fact('Last used', when(key.lastUsedAt)),
      fact('This month', ...spend(key)),
      ...lifecycleFacts(key),
      fact('Added', when(key.createdAt)),
    ),
    ...actions,
  );
}

/** The list, or what to do when it is empty. */
export function keyList(keys: KeyView[], actionsFor: (key: KeyView) => HTMLElement[]): HTMLElement {
  if (keys.length === 0)
    return h(
      'p',
      { class: 'empty' },
      'No keys yet: add one above, and chats will use it instead of the gateway’s key.',
    );
  return h(
    'ul',
    { class: 'cards', id: 'key-list', 'aria-label': 'Your keys' },
    ...keys.map((k) => keyCard(k, actionsFor(k))),
  );
}
