/**
 * Every top-level OpenAI chat parameter, classified for Anthropic (ARCHITECTURE.md: "every OpenAI
 * parameter has a row per provider"): translated by a converter of this folder, ignored because
 * dropping it cannot change what the model writes, or refused with a 400 naming it unless it holds
 * OpenAI's default. A parameter no list knows is refused too: never a silent drop. `null` always
 * means "not set". OpenAI's list: https://platform.openai.com/docs/api-reference/chat/create.
 */
import { badRequest } from '../../errors.js';
import { isRecord } from '../kit/records.js';
import type { ChatRequest } from '../types.js';

/** Read by the converters: build-request.ts and the files it calls. */
const TRANSLATED_PARAMS: ReadonlySet<string> = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'max_tokens',
  'max_completion_tokens',
  'temperature',
  'top_p',
  'top_k',
  'stop',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'reasoning_effort',
  'user',
  'safety_identifier',
]);

/**
 * Accepted and dropped, with the reason it is harmless (the README lists this table). Dotted names
 * are fields inside a translated parameter, dropped by its converter.
 */
export const IGNORED_PARAMS: Readonly<Record<string, string>> = {
  store: 'asks OpenAI to keep the completion; there is nothing to store at Anthropic',
  metadata: "tags for OpenAI's stored completions",
  service_tier: 'billing and latency tier, not content',
  prompt_cache_key: 'a cache-routing hint; Anthropic caches by prompt prefix',
  prompt_cache_retention: 'a cache lifetime hint',
  seed: 'best effort even at OpenAI ("determinism is not guaranteed"); Anthropic has no seed',
  prediction: 'a latency optimisation; the answer is the same without it',
  'stream_options.include_obfuscation': 'OpenAI-only padding field in chunks',
  'messages[].name': "Anthropic's turns have no author name",
  'image_url.detail': 'Anthropic sizes images itself',
  'messages[].content[].cache_control': 'a caching hint some clients add; it changes cost, not the answer',
  'tools[].function.strict': 'not sent: strict tool use is not available on every Claude model',
};

interface Refusal {
  /** The values that are OpenAI's default and so need no translation. */
  accepts: (value: unknown) => boolean;
  why: string;
}

const never = () => false;

/** Refused (400 naming the parameter) unless the value is the default shown. */
export const REFUSED_PARAMS: Readonly<Record<string, Refusal>> = {
  n: { accepts: (v) => v === 1, why: 'Anthropic writes one choice per request; send n: 1' },
  logprobs: { accepts: (v) => v === false, why: 'Anthropic returns no log probabilities' },
  top_logprobs: { accepts: (v) => v === 0, why: 'Anthropic returns no log probabilities' },
  logit_bias: {
    accepts: (v) => isRecord(v) && Object.keys(v).length === 0,
    why: 'Anthropic has no logit bias',
  },
  frequency_penalty: { accepts: (v) => v === 0, why: 'Anthropic has no frequency penalty' },
  presence_penalty: { accepts: (v) => v === 0, why: 'Anthropic has no presence penalty' },
  modalities: {
    accepts: (v) => Array.isArray(v) && v.length === 1 && v[0] === 'text',
    why: 'Anthropic answers in text only',
  },
  audio: { accepts: never, why: 'Anthropic answers in text only' },
  verbosity: { accepts: (v) => v === 'medium', why: 'Anthropic has no verbosity setting' },
  web_search_options: { accepts: never, why: "the gateway does not offer Anthropic's server tools" },
  functions: { accepts: never, why: 'deprecated by OpenAI; use tools' },
  function_call: { accepts: never, why: 'deprecated by OpenAI; use tool_choice' },
};

/** Throws a 400 for the first parameter Anthropic cannot honour. */
export function checkParams(chat: ChatRequest): void {
  for (const [param, value] of Object.entries(chat)) {
    if (value === null || value === undefined) continue;
    if (TRANSLATED_PARAMS.has(param) || Object.hasOwn(IGNORED_PARAMS, param)) continue;
    const refusal = Object.hasOwn(REFUSED_PARAMS, param) ? REFUSED_PARAMS[param] : undefined;
    if (refusal?.accepts(value)) continue;
    const why = refusal ? refusal.why : 'Anthropic models do not support it';
    throw badRequest('unsupported_parameter', `Unsupported parameter '${param}': ${why}.`, param);
  }
}

/** `stop` (a string or up to 4 strings) → `stop_sequences`. */
export function stopSequences(chat: ChatRequest): string[] | undefined {
  const { stop } = chat;
  if (stop === null || stop === undefined) return undefined;
  const list = typeof stop === 'string' ? [stop] : stop;
  if (!Array.isArray(list) || !list.every((s): s is string => typeof s === 'string')) {
    throw badRequest('invalid_value', "'stop' must be a string or an array of strings.", 'stop');
  }
  return list.length > 0 ? list : undefined;
}

/** `safety_identifier` (OpenAI's newer name) or `user` → `metadata.user_id`. */
export function userId(chat: ChatRequest): { user_id: string } | undefined {
  for (const param of ['safety_identifier', 'user'] as const) {
    const value = chat[param];
    if (value === null || value === undefined) continue;
    if (typeof value !== 'string') throw badRequest('invalid_value', `'${param}' must be a string.`, param);
    if (value !== '') return { user_id: value };
  }
  return undefined;
}
