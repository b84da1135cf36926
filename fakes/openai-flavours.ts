/**
 * What differs between the three OpenAI-compatible providers the fake imitates: base path, ids,
 * extra chunk fields, usage extras, and the exact error bodies (see
 * https://platform.openai.com/docs/guides/error-codes and https://openrouter.ai/docs/api-reference/overview).
 *
 * Meta's error body shape is unverified upstream; the fake uses a problem-style
 * `{"title","detail","status"}` body so the gateway's defensive parsing gets exercised.
 */
import { maskKey, randomId } from './scenario.js';

export type Flavour = 'openai' | 'openrouter' | 'meta';

export const DEFAULT_BASE_PATH: Record<Flavour, string> = {
  openai: '/v1',
  openrouter: '/api/v1',
  meta: '/compat/v1',
};

export const RETRY_AFTER_SECONDS = '7';

export interface ErrorAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export function completionId(flavour: Flavour): string {
  if (flavour === 'openrouter') return `gen-${Math.floor(Date.now() / 1000)}-${randomId(20)}`;
  return `chatcmpl-${randomId(24)}`;
}

/** Fields every chat response / chunk of the flavour carries besides id/object/created/model. */
export function extraFields(flavour: Flavour): Record<string, unknown> {
  if (flavour === 'openai') return { service_tier: 'default', system_fingerprint: 'fp_fake0001' };
  if (flavour === 'openrouter') return { provider: 'OpenAI' };
  return {};
}

export function usageBody(flavour: Flavour, prompt: number, completion: number): Record<string, unknown> {
  const base = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (flavour === 'meta') return base;
  const details = {
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
  if (flavour === 'openai') return { ...base, ...details };
  const cost = (prompt * 0.15 + completion * 0.6) / 1_000_000;
  return { ...base, ...details, cost, is_byok: false, cost_details: { upstream_inference_cost: null } };
}

function openaiError(message: string, type: string, code: string | null, param: string | null = null) {
  return { error: { message, type, param, code } };
}

function openrouterError(code: number, message: string, metadata?: Record<string, unknown>) {
  return { error: metadata ? { code, message, metadata } : { code, message } };
}

const META_TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  402: 'Payment Required',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

function metaError(status: number, detail: string) {
  return { title: META_TITLES[status] ?? 'Error', detail, status };
}

/** The flavour's real answer for an upstream failure with `status` (`error <status>` directive). */
export function errorAnswer(flavour: Flavour, status: number, ctx: { key: string | null; model: string }) {
  const headers: Record<string, string> = status === 429 ? { 'retry-after': RETRY_AFTER_SECONDS } : {};
  const a = (s: number, body: unknown): ErrorAnswer => ({ status: s, body, headers });
  const key = ctx.key ?? '';
  if (flavour === 'openai') {
    switch (status) {
      case 401:
        return a(
          401,
          openaiError(
            `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
            'invalid_request_error',
            'invalid_api_key',
          ),
        );
      case 402: // OpenAI has no 402: an exhausted balance is its 429 insufficient_quota (no retry-after)
        return a(
          429,
          openaiError(
            'You exceeded your current quota, please check your plan and billing details.',
            'insufficient_quota',
            'insufficient_quota',
          ),
        );
      case 403:
        return a(
          403,
          openaiError(
            'Country, region, or territory not supported',
            'request_forbidden',
            'unsupported_country_region_territory',
          ),
        );
      case 404:
        return a(
          404,
          openaiError(
            `The model \`${ctx.model}\` does not exist or you do not have access to it.`,
            'invalid_request_error',
            'model_not_found',
          ),
        );
      case 429:
        return a(
          429,
          openaiError(
            `Rate limit reached for ${ctx.model} in organization org-fake on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 7s.`,
            'requests',
            'rate_limit_exceeded',
          ),
        );
      case 503:
        return a(
          503,
          openaiError('The engine is currently overloaded, please try again later.', 'server_error', null),
        );
      default:
        return a(
          status,
          openaiError(
            status >= 500
              ? 'The server had an error while processing your request. Sorry about that!'
              : `Fake error ${status}`,
            status >= 500 ? 'server_error' : 'invalid_request_error',
            null,
          ),
        );
    }
  }
  if (flavour === 'openrouter') {
    const messages: Record<number, string> = {
      401: 'User not found.',
      402: 'Insufficient credits. Add more using https://openrouter.ai/settings/credits',
      404: `No endpoints found for ${ctx.model}.`,
      429: 'Rate limit exceeded: free-models-per-min.',
      500: 'Internal Server Error',
      503: 'No allowed providers are available for the selected model.',
    };
    if (status === 403) {
      const metadata = {
        reasons: ['violence'],
        flagged_input: 'some flagged text',
        provider_name: 'OpenAI',
        model_slug: ctx.model,
      };
      return a(
        403,
        openrouterError(
          403,
          `${ctx.model} requires moderation on OpenAI. Your input was flagged for "violence". No credits were charged.`,
          metadata,
        ),
      );
    }
    return a(status, openrouterError(status, messages[status] ?? `Fake error ${status}`));
  }
  const details: Record<number, string> = {
    401: 'Invalid API key',
    404: `Model ${ctx.model} not found`,
    429: 'Rate limit exceeded',
  };
  return a(status, metaError(status, details[status] ?? `Fake error ${status}`));
}

/** `error echo-key`: a 400 whose message and `metadata.raw` carry the caller's FULL key. */
export function echoKeyAnswer(flavour: Flavour, key: string | null): ErrorAnswer {
  const k = key ?? '';
  const message = `Invalid request for API key ${k}: upstream rejected the payload`;
  const metadata = { provider_name: 'OpenAI', raw: `{"error":{"message":"bad request, key=${k}"}}` };
  const headers = {};
  if (flavour === 'openrouter')
    return { status: 400, body: openrouterError(400, message, metadata), headers };
  if (flavour === 'openai') {
    const body = { error: { message, type: 'invalid_request_error', param: null, code: null, metadata } };
    return { status: 400, body, headers };
  }
  return { status: 400, body: { ...metaError(400, message), metadata }, headers };
}

export function missingKeyAnswer(flavour: Flavour): ErrorAnswer {
  const headers = {};
  if (flavour === 'openai') {
    const msg =
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
    return { status: 401, body: openaiError(msg, 'invalid_request_error', null), headers };
  }
  if (flavour === 'openrouter')
    return { status: 401, body: openrouterError(401, 'No auth credentials found'), headers };
  return { status: 401, body: metaError(401, 'Missing API key'), headers };
}

export function badRequestAnswer(flavour: Flavour, message: string): ErrorAnswer {
  const headers = {};
  if (flavour === 'openai')
    return { status: 400, body: openaiError(message, 'invalid_request_error', null), headers };
  if (flavour === 'openrouter') return { status: 400, body: openrouterError(400, message), headers };
  return { status: 400, body: metaError(400, message), headers };
}

export function notFoundAnswer(flavour: Flavour, method: string, path: string): ErrorAnswer {
  const headers = {};
  const message = `Invalid URL (${method} ${path})`;
  if (flavour === 'openai')
    return { status: 404, body: openaiError(message, 'invalid_request_error', null), headers };
  if (flavour === 'openrouter') return { status: 404, body: openrouterError(404, 'Not Found'), headers };
  return { status: 404, body: metaError(404, message), headers };
}

export const MODEL_IDS: Record<Flavour, string[]> = {
  openai: ['gpt-4o-mini', 'gpt-4o', 'o3-mini'],
  openrouter: ['openai/gpt-4o-mini', 'anthropic/claude-sonnet-4.5', 'meta-llama/llama-3.3-70b-instruct'],
  meta: ['Llama-4-Maverick-17B-128E-Instruct-FP8', 'Llama-3.3-70B-Instruct'],
};

/** `GET {base}/models` in OpenAI's list shape (OpenRouter entries carry a few extra fields). */
export function modelsBody(flavour: Flavour): Record<string, unknown> {
  const created = 1721172741;
  const data = MODEL_IDS[flavour].map((id) => {
    if (flavour === 'openrouter') {
      return {
        id,
        object: 'model',
        created,
        owned_by: id.split('/')[0],
        name: id,
        context_length: 128000,
        pricing: { prompt: '0.00000015', completion: '0.0000006' },
      };
    }
    return { id, object: 'model', created, owned_by: flavour === 'openai' ? 'system' : 'Meta' };
  });
  return { object: 'list', data };
}

/** OpenRouter `GET /api/v1/key` → 200 body. */
export function keyInfoBody(key: string): Record<string, unknown> {
  return {
    data: {
      label: `${key.slice(0, 11)}...${key.slice(-3)}`,
      limit: 50,
      limit_remaining: 41.2,
      limit_reset: 'monthly',
      usage: 8.8,
      usage_daily: 0.4,
      usage_weekly: 2.1,
      usage_monthly: 8.8,
      byok_usage: 0,
      include_byok_in_limit: false,
      is_free_tier: false,
      is_provisioning_key: false,
      expires_at: null,
      rate_limit: { requests: 1000, interval: '1h' },
    },
  };
}
