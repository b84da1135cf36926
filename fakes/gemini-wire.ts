/**
 * Gemini's exact wire shapes for the fake (shared by the tests and `npm run demo`; https://ai.google.dev/api/generate-content
 * §3, §5, §6): GenerateContentResponse bodies and SSE events (`data: …\r\n\r\n`, no `[DONE]`,
 * cumulative usageMetadata), and Google's error bodies — including the bad-key 400 whose
 * DebugInfo echoes the key, and the 429 with RetryInfo.
 */
import { randomId } from './scenario.js';

export const GEMINI_RETRY_DELAY = '7s';

export interface ErrorAnswer {
  status: number;
  body: unknown;
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

const MESSAGES: Record<number, (model: string) => string> = {
  400: () => 'Request contains an invalid argument.',
  401: () =>
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
  403: () => 'The caller does not have permission',
  404: (model) =>
    `models/${model} is not found for API version v1beta, or is not supported for generateContent. Call ListModels to see the list of available models and their supported methods.`,
  429: () =>
    'You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.',
  500: () =>
    'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
  503: () => 'The model is overloaded. Please try again later.',
};

export function googleError(code: number, message: string, details?: unknown[]): unknown {
  const error: Record<string, unknown> = { code, message, status: STATUS_NAMES[code] ?? 'UNKNOWN' };
  if (details) error.details = details;
  return { error };
}

/** The answer to `error <status>`: Google's body for that status (429 with RetryInfo). */
export function errorAnswer(status: number, model: string): ErrorAnswer {
  const message = (MESSAGES[status] ?? (() => `HTTP ${status}`))(model);
  if (status !== 429) return { status, body: googleError(status, message) };
  return {
    status,
    body: googleError(status, message, [
      {
        '@type': 'type.googleapis.com/google.rpc.QuotaFailure',
        violations: [
          {
            quotaMetric: 'generativelanguage.googleapis.com/generate_content_free_tier_requests',
            quotaId: 'GenerateRequestsPerMinutePerProjectPerModel-FreeTier',
            quotaDimensions: { location: 'global', model },
            quotaValue: '10',
          },
        ],
      },
      { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: GEMINI_RETRY_DELAY },
    ]),
  };
}

/** Google's real answer to a bad key: 400 API_KEY_INVALID, with a DebugInfo that echoes the key. */
export function keyInvalidAnswer(key: string): ErrorAnswer {
  return {
    status: 400,
    body: googleError(400, 'API key not valid. Please pass a valid API key.', [
      {
        '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
        reason: 'API_KEY_INVALID',
        domain: 'googleapis.com',
        metadata: { service: 'generativelanguage.googleapis.com' },
      },
      {
        '@type': 'type.googleapis.com/google.rpc.LocalizedMessage',
        locale: 'en-US',
        message: 'API key not valid. Please pass a valid API key.',
      },
      { '@type': 'type.googleapis.com/google.rpc.DebugInfo', detail: `Invalid API key: ${key}` },
    ]),
  };
}

/** `error echo-key`: a 400 whose message itself carries the key. */
export function echoKeyAnswer(key: string | null): ErrorAnswer {
  return { status: 400, body: googleError(400, `Invalid value for key ${key ?? ''}: request rejected.`) };
}

export const MISSING_KEY: ErrorAnswer = {
  status: 403,
  body: googleError(
    403,
    "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
  ),
};

/** The fake's own refusal of `?key=`: the gateway must never put a key in a URL. */
export const KEY_IN_URL: ErrorAnswer = {
  status: 400,
  body: googleError(400, 'fake Gemini: an API key in the URL is refused; send it in x-goog-api-key.'),
};

export function usageMetadata(prompt: number, candidates: number): Record<string, unknown> {
  return {
    promptTokenCount: prompt,
    candidatesTokenCount: candidates,
    totalTokenCount: prompt + candidates,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
  };
}

export interface ResponseMeta {
  model: string;
  responseId: string;
  promptTokens: number;
}

export function newMeta(model: string, promptTokens: number): ResponseMeta {
  return { model, responseId: randomId(22), promptTokens };
}

/** One GenerateContentResponse (a whole answer, or one stream event). */
export function generateResponse(
  meta: ResponseMeta,
  parts: unknown[],
  finishReason: string | null,
  candidateTokens: number,
): Record<string, unknown> {
  const candidate: Record<string, unknown> = { content: { parts, role: 'model' } };
  if (finishReason) candidate.finishReason = finishReason;
  candidate.index = 0;
  return {
    candidates: [candidate],
    usageMetadata: usageMetadata(meta.promptTokens, candidateTokens),
    modelVersion: meta.model,
    responseId: meta.responseId,
  };
}

/** Google's SSE framing: `data: <json>` and a CRLF blank line; JSON with `": "` after keys. */
export function geminiEvent(data: unknown): string {
  const json = typeof data === 'string' ? data : JSON.stringify(data, null, 1).replace(/\n\s*/g, '');
  return `data: ${json}\r\n\r\n`;
}

/** A fresh thought signature, shaped like Google's (base64 of opaque bytes). */
export function newThoughtSignature(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(48))).toString('base64');
}

export function modelsList(pageSize: number): unknown {
  const models = ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-3-pro-preview'].map((id) => ({
    name: `models/${id}`,
    displayName: id,
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ['generateContent', 'countTokens'],
  }));
  const page = models.slice(0, Math.max(1, pageSize));
  return page.length < models.length ? { models: page, nextPageToken: 'Ch9tb2RlbHMv' } : { models: page };
}
