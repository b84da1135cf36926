import type { Kysely } from 'kysely';
import type { Caller } from '../auth/caller-type.js';
import { noKeyAvailable, storedKeyUnreadable, systemKeyNotAllowed } from '../errors.js';
import type { Logger } from '../ops/logger.js';
import { type Provider, providerLabel } from '../providers/shared/providers.js';
import type { Database } from '../store/schema.js';
import { type Vault, VaultError } from '../vault/index.js';
import type { KeyRowCache } from '../vault/key-row-cache.js';
import { activeSealedKeys, type SealedKey } from '../vault/keys-repo.js';
import type { ModelRoute } from './route-model.js';

/** The key chosen for one call, decrypted for this call only. */
export interface PickedKey {
  provider: Provider;
  upstreamModel: string;
  apiKey: string;
  keyLabel: string;
  keySource: 'user' | 'system';
  /** The stored key's id when it is the user's, for lastUsedAt, usage and its budget. */
  keyId?: string;
  /** The budget this call is checked against (the key's, or the system key's per user); null = none. */
  monthlyBudgetUsd: number | null;
}

export interface PickKeyDeps {
  db: Kysely<Database>;
  vault: Vault;
  logger: Logger;
  /** The system OpenRouter key; undefined when there is none or SYSTEM_KEY_ACCESS=none. */
  systemOpenRouterKey: string | undefined;
  /** SYSTEM_KEY_MONTHLY_BUDGET_USD: each user's monthly budget on the system key. */
  systemMonthlyBudgetUsd?: number;
  /** Providers the gateway can call natively (others go through OpenRouter). */
  nativeProviders: ReadonlySet<Provider>;
  onDecryptFailure?: () => void;
  /** The app's cache of sealed key rows; without it every call reads the database. */
  keyRows?: KeyRowCache;
}

function keyLabelOf(key: Pick<SealedKey, 'keyName' | 'keyPreview'>): string {
  return key.keyName ? `"${key.keyName}" (${key.keyPreview})` : key.keyPreview;
}

async function openKey(deps: PickKeyDeps, userId: string, key: SealedKey): Promise<string> {
  try {
    return await deps.vault.open(key.encryptedKey, { userId, keyId: key.id, provider: key.provider });
  } catch (err) {
    if (!(err instanceof VaultError)) throw err;
    deps.onDecryptFailure?.();
    deps.logger.error('stored key could not be opened', { keyId: key.id, reason: err.reason });
    throw storedKeyUnreadable(`${providerLabel(key.provider)} key ${keyLabelOf(key)}`);
  }
}

/** One way to serve the call, in the order key choice tries them. */
interface KeyCandidate {
  source: 'user' | 'system';
  provider: Provider;
  upstreamModel: string;
  /** The user's stored key; absent for the system key. */
  key?: SealedKey;
}

/** Who asks, as key choice needs it: the user, and whether they may spend the system key. */
export type KeyCaller = Pick<Caller, 'userId' | 'systemKey'>;

/**
 * The caller's newest active key for the model's provider → their newest active OpenRouter key →
 * the system OpenRouter key (when configured: SYSTEM_KEY_ACCESS=none leaves it out).
 */
async function keyCandidates(deps: PickKeyDeps, userId: string, route: ModelRoute): Promise<KeyCandidate[]> {
  const native = route.provider !== 'openrouter' && deps.nativeProviders.has(route.provider);
  const wanted: Provider[] = native ? [route.provider, 'openrouter'] : ['openrouter'];
  const read = () => activeSealedKeys(deps.db, userId, wanted);
  const keys = deps.keyRows ? await deps.keyRows.load(userId, wanted, read) : await read();
  const candidates: KeyCandidate[] = [];
  const own = native ? keys.find((k) => k.provider === route.provider) : undefined;
  if (own)
    candidates.push({ source: 'user', provider: route.provider, upstreamModel: route.nativeModel, key: own });
  const openrouter = keys.find((k) => k.provider === 'openrouter');
  if (openrouter)
    candidates.push({
      source: 'user',
      provider: 'openrouter',
      upstreamModel: route.openrouterModel,
      key: openrouter,
    });
  if (deps.systemOpenRouterKey)
    candidates.push({ source: 'system', provider: 'openrouter', upstreamModel: route.openrouterModel });
  return candidates;
}

const SYSTEM_KEY_LABEL = 'the system OpenRouter key';

/**
 * The first candidate, opened for this call. Refusals are errors, never a move to the next
 * candidate: a caller not allowed the system key gets 403 system_key_not_allowed, a caller with
 * no candidate 403 no_key_available naming the keys that would work.
 */
export async function pickKey(
  deps: PickKeyDeps,
  caller: KeyCaller,
  model: string,
  route: ModelRoute,
): Promise<PickedKey> {
  const [first] = await keyCandidates(deps, caller.userId, route);
  if (first?.key) {
    return {
      provider: first.provider,
      upstreamModel: first.upstreamModel,
      apiKey: await openKey(deps, caller.userId, first.key),
      keyLabel: keyLabelOf(first.key),
      keySource: 'user',
      keyId: first.key.id,
      monthlyBudgetUsd: first.key.monthlyBudgetUsd,
    };
  }
  const native = route.provider !== 'openrouter' && deps.nativeProviders.has(route.provider);
  const options = native
    ? `an active ${providerLabel(route.provider)} or OpenRouter key`
    : 'an active OpenRouter key';
  if (first && deps.systemOpenRouterKey) {
    if (!caller.systemKey) throw systemKeyNotAllowed(model, options);
    return {
      provider: first.provider,
      upstreamModel: first.upstreamModel,
      apiKey: deps.systemOpenRouterKey,
      keyLabel: SYSTEM_KEY_LABEL,
      keySource: 'system',
      monthlyBudgetUsd: deps.systemMonthlyBudgetUsd ?? null,
    };
  }
  throw noKeyAvailable(model, options);
}
