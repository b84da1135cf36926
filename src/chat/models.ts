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
 * null. Only keys routing could use count: active, not rejected, not expired; and, as in routing,
 * an owner whose keys for a step are all unusable but one of them `exclusive` ends the walk there.
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

/** Per provider, what routing would find in one owner's keys: a usable key, or an exclusive one. */
interface Holding {
  usable: Set<Provider>;
  /** Providers with an exclusive key: when none of the owner's keys for it is usable, routing stops there. */
  exclusive: Set<Provider>;
}

/** What the caller's keys (and their organisation's) hold per provider, in one query. */
async function holdings(
  db: Kysely<Database>,
  caller: Pick<Caller, 'userId' | 'org'>,
  now: number,
): Promise<{ user: Holding; org: Holding }> {
  const orgId = caller.org?.orgId;
  const rows = await db
    .selectFrom('api_keys')
    .select(['provider', 'owner_kind', 'is_active', 'status', 'exclusive', 'expires_at'])
    .where((eb) => {
      const own = eb.and([eb('owner_kind', '=', 'user'), eb('user_id', '=', caller.userId)]);
      return orgId === undefined
        ? own
        : eb.or([own, eb.and([eb('owner_kind', '=', 'org'), eb('user_id', '=', orgId)])]);
    })
    .execute();
  const held = {
    user: { usable: new Set<Provider>(), exclusive: new Set<Provider>() },
    org: { usable: new Set<Provider>(), exclusive: new Set<Provider>() },
  };
  for (const r of rows) {
    const h = r.owner_kind === 'org' ? held.org : held.user;
    if (r.exclusive) h.exclusive.add(r.provider);
    const expired = isExpired(r.expires_at === null ? null : new Date(r.expires_at).getTime(), now);
    if (r.is_active && r.status !== 'rejected' && !expired) h.usable.add(r.provider);
  }
  return held;
}

type Via = ListedModel['gateway']['via'];

/**
 * The first step of routing's order that serves `provider`'s model: a step with a usable key
 * answers; one holding only unusable keys, one of them exclusive, ends the walk (routing answers
 * 403 exclusive_keys_unusable there); the system key comes last, when its policy allows.
 */
function viaFor(
  held: { user: Holding; org: Holding },
  provider: Provider,
  native: boolean,
  systemAllowed: () => boolean,
): Via {
  const steps: [Via, Holding, Provider][] = [
    ['user', held.user, provider],
    ['org', held.org, provider],
    ['openrouter', held.user, 'openrouter'],
    ['org_openrouter', held.org, 'openrouter'],
  ];
  // A model routed only through OpenRouter starts at the third step.
  for (const [via, h, p] of native ? steps : steps.slice(2)) {
    if (h.usable.has(p)) return via;
    if (h.exclusive.has(p)) return null;
  }
  return systemAllowed() ? 'system' : null;
}

export async function listModels(
  deps: Deps,
  caller: Pick<Caller, 'userId' | 'systemKey' | 'org'>,
  systemKeyAllows: (model: string) => boolean,
): Promise<{ object: 'list'; data: ListedModel[] }> {
  const held = await holdings(deps.db, caller, deps.clock().getTime());
  const system =
    Boolean(deps.config.openrouterApiKey) && deps.config.systemKey.access !== 'none' && caller.systemKey;
  const data = MODELS_CATALOG.map((m): ListedModel => {
    const native = m.provider !== 'openrouter' && NATIVE_PROVIDERS.has(m.provider);
    const via = viaFor(
      held,
      m.provider,
      native,
      () => Boolean(system) && systemKeyAllows(routeModel(m.id).openrouterModel),
    );
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
