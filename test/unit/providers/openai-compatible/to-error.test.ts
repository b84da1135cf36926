import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../../../../src/errors.js';
import { toError } from '../../../../src/providers/openai-compatible/to-error.js';
import type { CallContext } from '../../../../src/providers/types.js';
import { callContext, fixtureText, keys } from './helpers.js';

const openai = callContext({ stream: false, keyLabel: 'work' });
const openrouter = callContext({
  provider: 'openrouter',
  apiKey: keys.openrouter,
  upstreamModel: 'openai/gpt-4o-mini:free',
  keyLabel: 'sk-o…abab',
  stream: false,
});
const meta = callContext({
  provider: 'meta',
  apiKey: keys.meta,
  upstreamModel: 'Llama-3.3-70B-Instruct',
  stream: false,
});

const map = (
  status: number,
  body: string,
  call: CallContext = openai,
  headers: Record<string, string> = {},
) => toError(status, new Headers(headers), body, call);

/** Everything a client could see of the error. */
const visible = (err: GatewayError) =>
  JSON.stringify({ message: err.message, code: err.code, headers: err.headers });

describe('toError: a rejected key', () => {
  it("names the user's key by its label, never by its value, in a 401 provider_key_rejected", () => {
    const err = map(401, fixtureText('openai/error-401.json'));
    expect(err).toMatchObject({
      status: 401,
      type: 'authentication_error',
      code: 'provider_key_rejected',
      message: 'OpenAI rejected your stored key work. Update or deactivate it.',
      retryable: false,
    });
    expect(visible(err)).not.toContain('sk-');
  });

  it('says which provider rejected the key for OpenRouter and Meta', () => {
    expect(map(401, fixtureText('openrouter/error-401.json'), openrouter).message).toBe(
      'OpenRouter rejected your stored key sk-o…abab. Update or deactivate it.',
    );
    expect(map(401, fixtureText('meta/error-401.json'), meta)).toMatchObject({
      status: 401,
      code: 'provider_key_rejected',
      message: 'Meta Llama rejected your stored key work. Update or deactivate it.',
    });
  });

  it('treats an OpenRouter 403 about the key as a rejected key', () => {
    const err = map(403, '{"error":{"code":403,"message":"This API key is disabled."}}', openrouter);
    expect(err).toMatchObject({ status: 401, code: 'provider_key_rejected' });
  });

  it("makes the gateway's own rejected key an operator problem: 502 system_key_rejected, not retryable", () => {
    const err = map(401, fixtureText('openrouter/error-401.json'), { ...openrouter, keySource: 'system' });
    expect(err).toMatchObject({
      status: 502,
      type: 'upstream_error',
      code: 'system_key_rejected',
      retryable: false,
    });
    expect(err.message).not.toContain('stored key');
  });

  it('scrubs a key value used as a key label', () => {
    const err = map(401, '{}', { ...openai, keyLabel: keys.openai });
    expect(err.message).not.toContain(keys.openai);
  });
});

describe('toError: quota and rate limits', () => {
  it('answers an OpenRouter 402 with a non-retryable 429 insufficient_quota that still carries Retry-After', () => {
    const err = map(402, fixtureText('openrouter/error-402.json'), openrouter);
    expect(err).toMatchObject({
      status: 429,
      type: 'rate_limit_error',
      code: 'insufficient_quota',
      retryable: false,
    });
    expect(err.message).toMatch(/^OpenRouter: This request requires more credits/);
    expect(err.headers['retry-after']).toBe('60');
  });

  it("passes a 402's Retry-After on", () => {
    expect(map(402, '{}', openrouter, { 'retry-after': '7' }).headers['retry-after']).toBe('7');
  });

  it("answers OpenAI's 429 insufficient_quota the same way", () => {
    const err = map(429, fixtureText('openai/error-429-quota.json'));
    expect(err).toMatchObject({ status: 429, code: 'insufficient_quota', retryable: false });
  });

  it('keeps a 429 a 429 with the upstream Retry-After and x-ratelimit headers', () => {
    const err = map(429, fixtureText('openai/error-429-rate.json'), openai, {
      'retry-after': '20',
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '20s',
      'x-request-id': 'req_123',
    });
    expect(err).toMatchObject({ status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    expect(err.retryable).toBeUndefined();
    expect(err.headers).toEqual({
      'retry-after': '20',
      'x-ratelimit-limit-requests': '3',
      'x-ratelimit-remaining-requests': '0',
      'x-ratelimit-reset-requests': '20s',
    });
    expect(err.message).toMatch(/^OpenAI: Rate limit reached for gpt-4o-mini/);
  });

  it('turns an HTTP-date Retry-After into seconds', () => {
    const date = new Date(Date.now() + 30_000).toUTCString();
    const seconds = Number(map(429, '{}', openai, { 'retry-after': date }).headers['retry-after']);
    expect(seconds).toBeGreaterThanOrEqual(29);
    expect(seconds).toBeLessThanOrEqual(30);
  });

  it('falls back to retry-after-ms, rounded up, and passes it on', () => {
    const err = map(429, fixtureText('openrouter/error-429.json'), openrouter, { 'retry-after-ms': '1500' });
    expect(err.headers).toEqual({ 'retry-after': '2', 'retry-after-ms': '1500' });
  });

  it('defaults Retry-After to 1 second', () => {
    expect(map(429, '', openai).headers['retry-after']).toBe('1');
    expect(map(429, '', openai, { 'retry-after': 'soon' }).headers['retry-after']).toBe('1');
  });
});

describe('toError: request errors keep their status', () => {
  it("keeps a 400 with OpenAI's own code and the provider's name before its message", () => {
    const err = map(400, fixtureText('openai/error-400-context.json'));
    expect(err).toMatchObject({
      status: 400,
      type: 'invalid_request_error',
      code: 'context_length_exceeded',
      retryable: false,
    });
    expect(err.message).toMatch(/^OpenAI: This model's maximum context length is 128000 tokens/);
  });

  it("ignores OpenRouter's numeric codes, which only repeat the status", () => {
    expect(map(400, fixtureText('openrouter/error-400.json'), openrouter)).toMatchObject({
      status: 400,
      code: 'upstream_bad_request',
      message: 'OpenRouter: openai/gpt-4o-mini is not a valid model ID',
    });
  });

  it("reads Meta's problem+json errors", () => {
    expect(map(400, fixtureText('meta/error-400-problem.json'), meta)).toMatchObject({
      status: 400,
      message: 'Meta Llama: Bad Request',
    });
    expect(map(422, '{"detail":"max_completion_tokens too large"}', meta).message).toBe(
      'Meta Llama: max_completion_tokens too large',
    );
  });

  it('says model_not_found for a 404 that mentions the model', () => {
    expect(map(404, fixtureText('openai/error-404-model.json'))).toMatchObject({
      status: 404,
      type: 'invalid_request_error',
      code: 'model_not_found',
      retryable: false,
    });
    expect(map(404, fixtureText('openrouter/error-404-endpoints.json'), openrouter).code).toBe(
      'model_not_found',
    );
  });

  it('says upstream_not_found for any other 404', () => {
    expect(map(404, '{"error":{"message":"Not found"}}')).toMatchObject({
      status: 404,
      code: 'upstream_not_found',
    });
  });

  it.each([
    [409, 'upstream_conflict'],
    [413, 'request_too_large'],
    [422, 'upstream_unprocessable'],
  ])('keeps %i as a non-retryable invalid_request_error', (status, code) => {
    expect(map(status, '{"error":{"message":"no"}}')).toMatchObject({
      status,
      type: 'invalid_request_error',
      code,
      message: 'OpenAI: no',
      retryable: false,
    });
  });
});

describe('toError: other failures', () => {
  it('keeps a 403 as a non-retryable permission_error, without OpenRouter metadata', () => {
    const err = map(403, fixtureText('openrouter/error-403-moderation.json'), openrouter);
    expect(err).toMatchObject({
      status: 403,
      type: 'permission_error',
      code: 'upstream_forbidden',
      retryable: false,
    });
    expect(err.message).toMatch(/^OpenRouter: gpt-4o-mini requires moderation/);
    expect(visible(err)).not.toContain('RAW-UPSTREAM-TEXT');
  });

  it('makes an upstream 408 and 504 a 504 timeout_error', () => {
    expect(map(408, '')).toMatchObject({ status: 504, type: 'timeout_error', code: 'upstream_timeout' });
    expect(map(504, '')).toMatchObject({ status: 504, type: 'timeout_error', code: 'upstream_timeout' });
  });

  it('keeps a 503 with its Retry-After', () => {
    const err = map(503, '{"error":{"message":"No instances available","code":503}}', openrouter, {
      'retry-after': '5',
    });
    expect(err).toMatchObject({ status: 503, type: 'service_unavailable', code: 'upstream_unavailable' });
    expect(err.headers).toEqual({ 'retry-after': '5' });
    expect(map(503, '').headers).toEqual({});
  });

  it.each([500, 502, 529])('makes %i a retryable 502 upstream_error', (status) => {
    const err = map(status, '{"error":{"message":"boom","type":"server_error"}}');
    expect(err).toMatchObject({
      status: 502,
      type: 'upstream_error',
      code: 'upstream_error',
      message: 'OpenAI: boom',
    });
    expect(err.retryable).toBeUndefined();
  });

  it('never passes on an HTML error page', () => {
    expect(map(502, '<html><body><h1>502 Bad Gateway</h1></body></html>').message).toBe(
      'OpenAI returned HTTP 502.',
    );
  });

  it('makes an unexpected status a non-retryable 502', () => {
    expect(map(418, 'teapot')).toMatchObject({ status: 502, code: 'upstream_error', retryable: false });
  });
});

describe('toError: upstream text is scrubbed', () => {
  const otherOpenRouter = `sk-or-v1-${'9f'.repeat(32)}`;
  const otherOpenAI = `sk-proj-${'Qx7_'.repeat(15)}T3BlbkFJ${'Mn3-'.repeat(15)}`;
  const unusual = 'custom-key-without-a-known-shape-42';

  it.each([
    ['the whole key of the call', keys.openai, openai],
    ['an odd-shaped key of the call', unusual, { ...openai, apiKey: unusual }],
    ['another sk-or-v1 key', otherOpenRouter, openai],
    ['another sk-proj key', otherOpenAI, openrouter],
  ])('removes %s from every row', (_what, secret, call) => {
    const bodies = [
      JSON.stringify({ error: { message: `Incorrect API key provided: ${secret}.` } }),
      JSON.stringify({ error: `bad key ${encodeURIComponent(secret)}` }),
      JSON.stringify({ message: `key=${secret}` }),
      `plain text ${secret}`,
    ];
    for (const status of [400, 401, 402, 403, 404, 408, 409, 413, 422, 429, 500, 503]) {
      for (const body of bodies) {
        const err = map(status, body, call);
        expect(visible(err)).not.toContain(secret);
        expect(visible(err)).not.toContain(secret.slice(0, 24));
      }
    }
    expect(map(400, bodies[0] ?? '', call).message).toContain('[REDACTED]');
  });

  it("cuts a long upstream message to 500 characters after the provider's name", () => {
    const err = map(400, JSON.stringify({ error: { message: 'x'.repeat(5000) } }));
    expect(err.message).toBe(`OpenAI: ${'x'.repeat(499)}…`);
  });
});
