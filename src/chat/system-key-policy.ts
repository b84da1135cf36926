import type { SystemKeyPolicy } from '../config.js';
import { modelNotAllowed, systemKeyLimit } from '../errors.js';
import type { ChatRequest } from '../providers/types.js';
import { toHex, utf8Encode } from '../util/encoding.js';

/**
 * What a call on the system OpenRouter key may ask for (SYSTEM_KEY_MODELS,
 * SYSTEM_KEY_MAX_OUTPUT_TOKENS, no `n` > 1, no fields that pick other models or add paid tools),
 * checked after key choice and before any upstream work. Nothing the caller set is changed: a
 * request over a limit is refused; only a missing output cap is added, and the README says so.
 */

/** Fields that change which model runs or add paid tools on OpenRouter. */
const SYSTEM_KEY_REFUSED_FIELDS = ['models', 'route', 'plugins', 'web_search_options'] as const;

const OUTPUT_CAPS = ['max_tokens', 'max_completion_tokens'] as const;

/** `openai/gpt-4o-mini,meta-llama/*` → one matcher; `*` matches any run of characters, `/` included. */
export function modelMatcher(patterns: readonly string[]): (model: string) => boolean {
  const escaped = patterns.map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*'));
  const re = new RegExp(`^(?:${escaped.join('|')})$`, 'i');
  return (model) => re.test(model);
}

/**
 * The request as it goes upstream on the system key, or a 400/403. `openrouterModel` is the id
 * the system key is asked for (a bare `gpt-4o` arrives as `openai/gpt-4o`).
 */
export function applySystemKeyPolicy(
  chat: ChatRequest,
  openrouterModel: string,
  policy: SystemKeyPolicy,
  allowed: (model: string) => boolean,
): ChatRequest {
  if (!allowed(openrouterModel) && !allowed(chat.model)) {
    throw modelNotAllowed(chat.model, policy.models);
  }
  for (const field of SYSTEM_KEY_REFUSED_FIELDS) {
    if (chat[field] !== undefined && chat[field] !== null)
      throw systemKeyLimit(field, `'${field}' is not allowed on the system key.`);
  }
  if (typeof chat.n === 'number' && chat.n > 1)
    throw systemKeyLimit('n', "'n' above 1 is not allowed on the system key.");
  let capped = false;
  for (const field of OUTPUT_CAPS) {
    const value = chat[field];
    if (typeof value !== 'number') continue;
    capped = true;
    if (value > policy.maxOutputTokens) {
      throw systemKeyLimit(
        field,
        `'${field}' may be at most ${policy.maxOutputTokens} on the system key (SYSTEM_KEY_MAX_OUTPUT_TOKENS).`,
      );
    }
  }
  return capped ? chat : { ...chat, max_tokens: policy.maxOutputTokens };
}

/**
 * OpenRouter's `user` for the system key: HMAC-SHA256 of the user id under a key derived from the
 * encryption secret, so the operator can trace abuse by user without OpenRouter learning the id,
 * and nobody without the secret can reverse or recompute it.
 */
export function createUserHasher(secret: string): (userId: string) => Promise<string> {
  const hmacKey = (raw: Uint8Array<ArrayBuffer>) =>
    crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const derived = (async () => {
    const master = await hmacKey(utf8Encode(secret));
    const raw = await crypto.subtle.sign('HMAC', master, utf8Encode('byok-gateway openrouter user v1'));
    return hmacKey(new Uint8Array(raw));
  })();
  const memo = new Map<string, string>();
  return async (userId) => {
    const hit = memo.get(userId);
    if (hit) return hit;
    const mac = await crypto.subtle.sign('HMAC', await derived, utf8Encode(userId));
    const id = `u_${toHex(new Uint8Array(mac)).slice(0, 32)}`;
    if (memo.size >= 10_000) memo.clear();
    memo.set(userId, id);
    return id;
  };
}
