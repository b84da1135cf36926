import type { Kysely } from 'kysely';
import { noKeyAvailable, storedKeyUnreadable } from '../errors.js';
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
  /** The stored key's id when it is the user's, for lastUsedAt. */
  keyId?: string;
}

export interface PickKeyDeps {
  db: Kysely<Database>;
  vault: Vault;
  logger: Logger;
  systemOpenRouterKey: string | undefined;
  /** Providers the gateway can call natively (others go through OpenRouter). */
  nativeProviders: ReadonlySet<Provider>;
  onDecryptFailure?: () => void;
  /** The app's cache of sealed key rows; without it every call reads the database. */
  keyRows?: KeyRowCache;
}

export function keyLabelOf(key: Pick<SealedKey, 'keyName' | 'keyPreview'>): string {
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

/**
 * The caller's newest active key for the model's provider → their newest active OpenRouter key →
 * the system OpenRouter key → 403 naming the keys that would work.
 */
export async function pickKey(
  deps: PickKeyDeps,
  userId: string,
  model: string,
  route: ModelRoute,
): Promise<PickedKey> {
  const native = route.provider !== 'openrouter' && deps.nativeProviders.has(route.provider);
  const wanted: Provider[] = native ? [route.provider, 'openrouter'] : ['openrouter'];
  const read = () => activeSealedKeys(deps.db, userId, wanted);
  const keys = deps.keyRows ? await deps.keyRows.load(userId, wanted, read) : await read();

  const own = native ? keys.find((k) => k.provider === route.provider) : undefined;
  if (own) {
    return {
      provider: route.provider,
      upstreamModel: route.nativeModel,
      apiKey: await openKey(deps, userId, own),
      keyLabel: keyLabelOf(own),
      keySource: 'user',
      keyId: own.id,
    };
  }
  const openrouter = keys.find((k) => k.provider === 'openrouter');
  if (openrouter) {
    return {
      provider: 'openrouter',
      upstreamModel: route.openrouterModel,
      apiKey: await openKey(deps, userId, openrouter),
      keyLabel: keyLabelOf(openrouter),
      keySource: 'user',
      keyId: openrouter.id,
    };
  }
  if (deps.systemOpenRouterKey) {
    return {
      provider: 'openrouter',
      upstreamModel: route.openrouterModel,
      apiKey: deps.systemOpenRouterKey,
      keyLabel: 'the system OpenRouter key',
      keySource: 'system',
    };
  }
  const options = native
    ? `an active ${providerLabel(route.provider)} or OpenRouter key`
    : 'an active OpenRouter key';
  throw noKeyAvailable(model, options);
}
