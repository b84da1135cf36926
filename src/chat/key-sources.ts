import type { Kysely } from 'kysely';
import type { Caller } from '../auth/caller-type.js';
import { storedKeyUnreadable, systemKeyNotAllowed } from '../errors.js';
import type { Logger } from '../ops/logger.js';
import { type Provider, providerLabel } from '../providers/kit/providers.js';
import type { Database } from '../store/schema.js';
import { type Vault, VaultError } from '../vault/index.js';
import { bindingOf, type KeyOwner } from '../vault/key-owner.js';
import type { KeyRowCache } from '../vault/key-row-cache.js';
import { isExpired, rotationDue } from '../vault/key-view.js';
import type { SealedKey } from '../vault/sealed-keys.js';
import type { ModelRoute } from './route-model.js';

/** A key chosen for one call, before it is opened: what policy and budget checks need. */
export interface ChosenKey {
  provider: Provider;
  upstreamModel: string;
  keyLabel: string;
  /** Whose key: the caller's own, their organisation's, or the operator's system key. */
  keySource: 'user' | 'org' | 'system';
  /** The stored key's id (the user's or the organisation's), for lastUsedAt, usage, its budget and its health. */
  keyId?: string;
  /** The stored key's preview, for audit rows (never the key). */
  keyPreview?: string;
  /** The budget this call is checked against (the key's, or the system key's per user); null = none. */
  monthlyBudgetUsd: number | null;
}

/** The key chosen for one call, decrypted for this call only. */
export interface PickedKey extends ChosenKey {
  apiKey: string;
}

/** One key a group may try; its group opens it only when it is about to be tried. */
export interface KeyCandidate extends ChosenKey {
  /** The stored row, for a stored key (absent for the system key). */
  sealed?: SealedKey;
  /** Who owns the stored key: its vault binding, its health marks, its cache entry. */
  owner?: KeyOwner;
}

/**
 * The keys of one source, in the order they are tried. A request that tries any candidate of a
 * group stays in it (it never moves to OpenRouter or the system key half-way); the next source is
 * asked only when a group has no candidate, and never past an `exclusive` group.
 */
export interface KeyGroup {
  /** How errors name the group: "OpenAI", "OpenRouter", "the system OpenRouter key". */
  name: string;
  candidates: KeyCandidate[];
  /** The candidate's plaintext, for this call only. (Module functions, not closures: no per-request allocation.) */
  open(candidate: KeyCandidate, ctx: SourceContext): Promise<string>;
  /** `x-gateway-key-warning` when this candidate served: due for rotation or expiring soon (ASCII, id only). */
  warning?(candidate: KeyCandidate, ctx: SourceContext): string | undefined;
  /** Keys held but not usable now, described for the error (`"main" (rejected)`). */
  unusable: string[];
  exclusive: boolean;
  /** Whose keys: an exclusive organisation group's error says so. */
  source: ChosenKey['keySource'];
}

export interface KeyChoiceDeps {
  db: Kysely<Database>;
  vault: Vault;
  logger: Logger;
  /** The system OpenRouter key; undefined when there is none or SYSTEM_KEY_ACCESS=none. */
  systemOpenRouterKey: string | undefined;
  /** SYSTEM_KEY_MONTHLY_BUDGET_USD: each user's monthly budget on the system key. */
  systemMonthlyBudgetUsd?: number;
  /** Providers the gateway can call natively (others go through OpenRouter). */
  nativeProviders: ReadonlySet<Provider>;
  /** KEY_ROTATION_DAYS: the rotation period of keys that set none; 0 = no reminders. */
  keyRotationDays: number;
  onDecryptFailure?: () => void;
  /** The app's cache of sealed key rows; without it every call reads the database. */
  keyRows?: KeyRowCache;
  /** Epoch milliseconds; default Date.now. */
  now?: () => number;
}

/**
 * Who asks, as key choice needs it: the user, whether they may spend the system key, and their
 * organisation (absent: no organisation keys are read or tried).
 */
export type KeyCaller = Pick<Caller, 'userId' | 'systemKey' | 'org'>;

/** One request's view of key choice, handed to every source. */
export interface SourceContext {
  deps: KeyChoiceDeps;
  caller: KeyCaller;
  model: string;
  route: ModelRoute;
  /** Whether the model's provider is called natively (else only OpenRouter can serve it). */
  native: boolean;
  now: number;
  /** The caller as a key owner. */
  user: KeyOwner;
  /** The caller's stored keys for the model's provider and OpenRouter, read once per request. */
  userKeys: readonly SealedKey[];
  /** The caller's organisation as a key owner; undefined without one. */
  org: KeyOwner | undefined;
  /** The organisation's keys for the same providers, read in the same query (empty without one). */
  orgKeys: readonly SealedKey[];
}

/** A source of keys; asked in order, only while no earlier source had a candidate. */
export type KeySource = (ctx: SourceContext) => Promise<KeyGroup | undefined>;

const WARN_BEFORE_EXPIRY_MS = 7 * 86_400_000;

function keyLabelOf(key: Pick<SealedKey, 'keyName' | 'keyPreview'>): string {
  return key.keyName ? `"${key.keyName}" (${key.keyPreview})` : key.keyPreview;
}

function warningFor(candidate: KeyCandidate, ctx: SourceContext): string | undefined {
  const key = candidate.sealed as SealedKey;
  const { now } = ctx;
  if (key.expiresAtMs !== null && key.expiresAtMs - now <= WARN_BEFORE_EXPIRY_MS)
    return `key ${key.id} expires ${new Date(key.expiresAtMs).toISOString()}`;
  if (rotationDue(key.secretSetMs, key.rotateAfterDays, ctx.deps.keyRotationDays, now))
    return `key ${key.id} is due for rotation`;
  return undefined;
}

function unusableReason(key: SealedKey, now: number): string | undefined {
  if (!key.isActive) return 'inactive';
  if (key.status === 'rejected') return 'rejected';
  if (isExpired(key.expiresAtMs, now)) return 'expired';
  return undefined;
}

const resting = (key: SealedKey, now: number) => key.restUntilMs !== null && key.restUntilMs > now;

/**
 * Priority order: lower `priority` first, unnumbered keys after the numbered ones, ties newest
 * first (the rows come newest first and the sort is stable); resting keys after all the others.
 */
function trialOrder(keys: SealedKey[], now: number): SealedKey[] {
  if (keys.length < 2) return keys;
  const rank = (k: SealedKey) => (resting(k, now) ? 2 : 0) + (k.priority === null ? 1 : 0);
  return [...keys].sort((a, b) => rank(a) - rank(b) || (a.priority ?? 0) - (b.priority ?? 0));
}

async function openStored(candidate: KeyCandidate, ctx: SourceContext): Promise<string> {
  const key = candidate.sealed as SealedKey;
  const owner = candidate.owner as KeyOwner;
  const { deps } = ctx;
  try {
    // The owner's binding: an organisation's ciphertext moved to a user's row (or back) never opens.
    return await deps.vault.open(key.encryptedKey, bindingOf(owner, key.id, key.provider));
  } catch (err) {
    if (!(err instanceof VaultError)) throw err;
    deps.onDecryptFailure?.();
    deps.logger.error('stored key could not be opened', { keyId: key.id, reason: err.reason });
    throw storedKeyUnreadable(`${providerLabel(key.provider)} key ${keyLabelOf(key)}`, owner.kind);
  }
}

/** A group of one owner's stored keys (the caller's, or their organisation's) for `provider`. */
function storedKeyGroup(
  ctx: SourceContext,
  source: 'user' | 'org',
  provider: Provider,
  upstreamModel: string,
): KeyGroup | undefined {
  const owner = (source === 'org' ? ctx.org : ctx.user) as KeyOwner;
  // One pass, few allocations: this runs on every chat request.
  const usable: SealedKey[] = [];
  const unusable: string[] = [];
  let exclusive = false;
  for (const key of source === 'org' ? ctx.orgKeys : ctx.userKeys) {
    if (key.provider !== provider) continue;
    if (key.exclusive) exclusive = true;
    const reason = unusableReason(key, ctx.now);
    if (reason) unusable.push(`${keyLabelOf(key)} (${reason})`);
    else usable.push(key);
  }
  if (usable.length === 0 && unusable.length === 0) return undefined;
  const candidates: KeyCandidate[] = [];
  for (const key of trialOrder(usable, ctx.now)) {
    candidates.push({
      provider,
      upstreamModel,
      keyLabel: keyLabelOf(key),
      keySource: source,
      keyId: key.id,
      keyPreview: key.keyPreview,
      monthlyBudgetUsd: key.monthlyBudgetUsd,
      sealed: key,
      owner,
    });
  }
  return {
    name: providerLabel(provider),
    source,
    exclusive,
    unusable,
    candidates,
    open: openStored,
    warning: warningFor,
  };
}

/** The user's keys for the model's own provider, when the gateway calls it natively. */
const userProviderKeys: KeySource = async (ctx) =>
  ctx.native ? storedKeyGroup(ctx, 'user', ctx.route.provider, ctx.route.nativeModel) : undefined;

/** The organisation's keys for the model's own provider (only for a caller in an organisation). */
const orgProviderKeys: KeySource = async (ctx) =>
  ctx.org && ctx.native ? storedKeyGroup(ctx, 'org', ctx.route.provider, ctx.route.nativeModel) : undefined;

/** The user's OpenRouter keys, which serve every model. */
const userOpenRouterKeys: KeySource = async (ctx) =>
  storedKeyGroup(ctx, 'user', 'openrouter', ctx.route.openrouterModel);

/** The organisation's OpenRouter keys (only for a caller in an organisation). */
const orgOpenRouterKeys: KeySource = async (ctx) =>
  ctx.org ? storedKeyGroup(ctx, 'org', 'openrouter', ctx.route.openrouterModel) : undefined;

const openSystemKey = async (_: KeyCandidate, ctx: SourceContext) => ctx.deps.systemOpenRouterKey as string;

/** The operator's OpenRouter key, when configured; a caller not allowed it gets 403 here. */
const systemKey: KeySource = async (ctx) => {
  const { deps, caller, route } = ctx;
  if (!deps.systemOpenRouterKey) return undefined;
  if (!caller.systemKey) throw systemKeyNotAllowed(ctx.model, wantedKeys(ctx));
  return {
    name: 'the system OpenRouter key',
    source: 'system',
    exclusive: false,
    unusable: [],
    candidates: [
      {
        provider: 'openrouter',
        upstreamModel: route.openrouterModel,
        keyLabel: 'the system OpenRouter key',
        keySource: 'system',
        monthlyBudgetUsd: deps.systemMonthlyBudgetUsd ?? null,
      },
    ],
    open: openSystemKey,
  };
};

/**
 * Where keys come from, in order: the user's keys for the provider → the organisation's keys for
 * the provider → the user's OpenRouter keys → the organisation's OpenRouter keys → the system key.
 * The organisation's sources are empty for a caller without one.
 */
export const KEY_SOURCES: readonly KeySource[] = [
  userProviderKeys,
  orgProviderKeys,
  userOpenRouterKeys,
  orgOpenRouterKeys,
  systemKey,
];

/** The keys that would serve the model, for "store …" messages. */
export function wantedKeys(ctx: Pick<SourceContext, 'native' | 'route'>): string {
  return ctx.native
    ? `an active ${providerLabel(ctx.route.provider)} or OpenRouter key`
    : 'an active OpenRouter key';
}
