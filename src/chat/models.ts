import type { Caller } from '../auth/caller-type.js';
import type { Deps } from '../deps.js';
import { NATIVE_PROVIDERS } from '../providers/registry.js';
import { activeProvidersOf } from '../vault/keys-repo.js';
import { MODELS_CATALOG } from './models-catalog.js';
import { routeModel } from './route-model.js';

/**
 * `GET /v1/models`: OpenAI's list shape. Each entry also carries `gateway`, our extra field:
 * whether this caller can reach the model and with which key (`user` key of the model's own
 * provider, the user's `openrouter` key, the `system` key, or none). The system key counts only
 * where its policy would let this caller use it for the model (`systemKeyAllows`).
 */
export interface ListedModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
  gateway: { reachable: boolean; via: 'user' | 'openrouter' | 'system' | null; provider: string | null };
}

export async function listModels(
  deps: Deps,
  caller: Pick<Caller, 'userId' | 'systemKey'>,
  systemKeyAllows: (model: string) => boolean,
): Promise<{ object: 'list'; data: ListedModel[] }> {
  const held = await activeProvidersOf(deps.db, caller.userId);
  const system =
    Boolean(deps.config.openrouterApiKey) && deps.config.systemKey.access !== 'none' && caller.systemKey;
  const data = MODELS_CATALOG.map((m): ListedModel => {
    const native = m.provider !== 'openrouter' && NATIVE_PROVIDERS.has(m.provider) && held.has(m.provider);
    let via: ListedModel['gateway']['via'] = null;
    if (native) via = 'user';
    else if (held.has('openrouter')) via = 'openrouter';
    else if (system && systemKeyAllows(routeModel(m.id).openrouterModel)) via = 'system';
    const provider = via === null ? null : native ? m.provider : 'openrouter';
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
