import type { Kysely } from 'kysely';
import type { Caller } from '../auth/caller-type.js';
import type { Deps } from '../deps.js';
import type { Provider } from '../providers/kit/providers.js';
import { NATIVE_PROVIDERS } from '../providers/registry.js';
import type { Database } from '../store/schema.js';
import { isExpired } from '../vault/key-view.js';
import { MODELS_CATALOG } from './models-catalog.js';
import { routeModel } from './route-model.js';

/**
 * `GET /v1/models`: OpenAI's list shape. Each entry also carries `gateway`, our extra field:
 * whether this caller can reach the model and with which key, in routing order: `user` (their
 * key for the model's own provider), `org` (their organisation's key for it), `openrouter` (their
 * OpenRouter key), `org_openrouter` (their organisation's OpenRouter key), `system` (the
 * operator's key, counted only where its policy would let this caller use it for the model), or
 * null. Only keys routing could use count: active, not rejected, not expired.
 */
export interface ListedModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  gateway: {
    reachable: boolean;
    via: 'user' | 'org' | 'openrouter' | 'org_openrouter' | 'system' | null;
    provider: string | null;
  };
}

/** The providers the caller's usable keys (and their organisation's) cover, in one query. */
async function usableProviders(
  db: Kysely<Database>,
  caller: Pick<Caller, 'userId' | 'org'>,
  now: number,
): Promise<{ user: Set<Provider>; org: Set<Provider> }> {
  const orgId = caller.org?.orgId;
  const rows = await db
    .selectFrom('api_keys')
    .select(['provider', 'owner_kind', 'expires_at'])
    .where('is_active', '=', 1)
    .where('status', '!=', 'rejected')
    .where((eb) => {
      const own = eb.and([eb('owner_kind', '=', 'user'), eb('user_id', '=', caller.userId)]);
      return orgId === undefined
        ? own
        : eb.or([own, eb.and([eb('owner_kind', '=', 'org'), eb('user_id', '=', orgId)])]);
    })
    .execute();
  const held = { user: new Set<Provider>(), org: new Set<Provider>() };
  for (const r of rows) {
    if (isExpired(r.expires_at === null ? null : new Date(r.expires_at).getTime(), now)) continue;
    (r.owner_kind === 'org' ? held.org : held.user).add(r.provider);
  }
  return held;
}

export async function listModels(
  deps: Deps,
  caller: Pick<Caller, 'userId' | 'systemKey' | 'org'>,
  systemKeyAllows: (model: string) => boolean,
): Promise<{ object: 'list'; data: ListedModel[] }> {
  const held = await usableProviders(deps.db, caller, deps.clock().getTime());
  const system =
    Boolean(deps.config.openrouterApiKey) && deps.config.systemKey.access !== 'none' && caller.systemKey;
  const data = MODELS_CATALOG.map((m): ListedModel => {
    const native = m.provider !== 'openrouter' && NATIVE_PROVIDERS.has(m.provider);
    let via: ListedModel['gateway']['via'] = null;
    if (native && held.user.has(m.provider)) via = 'user';
    else if (native && held.org.has(m.provider)) via = 'org';
    else if (held.user.has('openrouter')) via = 'openrouter';
    else if (held.org.has('openrouter')) via = 'org_openrouter';
    else if (system && systemKeyAllows(routeModel(m.id).openrouterModel)) via = 'system';
    const provider = via === null ? null : via === 'user' || via === 'org' ? m.provider : 'openrouter';
    return {
      id: m.id,
      object: 'model',
      created: m.created,
      owned_by: m.id.split('/')[0] ?? m.provider,
      gateway: { reachable: via !== null, via, provider },
    };
  });
  return { object: 'list', data };
}
