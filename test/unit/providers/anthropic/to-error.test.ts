import { describe, expect, it } from 'vitest';
import { toError } from '../../../../src/providers/anthropic/to-error.js';
import { anthropicCall, anthropicKey, fixtureText } from './helpers.js';

const call = anthropicCall();
const fixture = (name: string) => fixtureText(`anthropic/${name}`);

describe('toError: Anthropic errors → the contract’s', () => {
  it.each([
    ['error-400.json', 400, 400, 'invalid_request_error', 'upstream_bad_request', false],
    ['error-400-prompt-too-long.json', 400, 400, 'invalid_request_error', 'context_length_exceeded', false],
    ['error-400-credit.json', 400, 429, 'rate_limit_error', 'insufficient_quota', false],
    ['error-403.json', 403, 403, 'permission_error', 'upstream_forbidden', false],
    ['error-404.json', 404, 404, 'invalid_request_error', 'model_not_found', false],
    ['error-413.json', 413, 413, 'invalid_request_error', 'request_too_large', false],
    ['error-429.json', 429, 429, 'rate_limit_error', 'rate_limit_exceeded', undefined],
    ['error-500.json', 500, 502, 'upstream_error', 'upstream_error', undefined],
    ['error-529.json', 529, 503, 'service_unavailable', 'upstream_overloaded', undefined],
    ['error-500.json', 504, 504, 'timeout_error', 'upstream_timeout', undefined],
    ['error-500.json', 503, 503, 'service_unavailable', 'upstream_unavailable', undefined],
    ['error-400.json', 402, 429, 'rate_limit_error', 'insufficient_quota', false],
    ['error-400.json', 418, 502, 'upstream_error', 'upstream_error', false],
  ] as const)('%s with HTTP %i → %i %s %s', (file, status, ours, type, code, retryable) => {
    const err = toError(status, new Headers(), fixture(file), call);
    expect(err).toMatchObject({ status: ours, type, code, retryable });
    expect(err.message.startsWith('Anthropic')).toBe(true);
  });

  it('keeps Anthropic’s message, prefixed, for the client', () => {
    const err = toError(404, new Headers(), fixture('error-404.json'), call);
    expect(err.message).toBe('Anthropic: model: claude-sonnet-9');
  });

  it('turns a rejected user key into 401 provider_key_rejected naming the key by label, never by value', () => {
    const err = toError(401, new Headers(), fixture('error-401.json'), call);
    expect(err).toMatchObject({
      status: 401,
      type: 'authentication_error',
      code: 'provider_key_rejected',
      retryable: false,
    });
    expect(err.message).toContain('"work"');
    expect(err.message).not.toContain(anthropicKey);
  });

  it('turns a rejected system key into 502 system_key_rejected', () => {
    const err = toError(
      401,
      new Headers(),
      fixture('error-401.json'),
      anthropicCall({ keySource: 'system' }),
    );
    expect(err).toMatchObject({ status: 502, code: 'system_key_rejected' });
  });

  it('carries Retry-After and Anthropic’s rate-limit headers on 429', () => {
    const headers = new Headers({
      'retry-after': '12',
      'anthropic-ratelimit-requests-remaining': '0',
      'anthropic-ratelimit-tokens-reset': '2026-01-01T00:00:12Z',
      'request-id': 'req_1',
    });
    const err = toError(429, headers, fixture('error-429.json'), call);
    expect(err.headers).toEqual({
      'retry-after': '12',
      'anthropic-ratelimit-requests-remaining': '0',
      'anthropic-ratelimit-tokens-reset': '2026-01-01T00:00:12Z',
    });
  });

  it('gives 429 and 529 a Retry-After even when Anthropic sends none', () => {
    expect(toError(429, new Headers(), fixture('error-429.json'), call).headers['retry-after']).toBe('1');
    expect(toError(529, new Headers(), fixture('error-529.json'), call).headers['retry-after']).toBe('1');
    expect(toError(402, new Headers(), fixture('error-400.json'), call).headers['retry-after']).toBe('60');
  });

  it('scrubs the key and anything key-like from the upstream message', () => {
    const other = `sk-ant-api03-${'Zz9-'.repeat(22)}AA`;
    const body = JSON.stringify({
      type: 'error',
      error: { type: 'invalid_request_error', message: `bad key ${anthropicKey} and ${other}` },
    });
    const err = toError(400, new Headers(), body, call);
    expect(err.message).not.toContain(anthropicKey);
    expect(err.message).not.toContain(other);
    expect(err.message).toContain('[REDACTED]');
  });

  it('reads a plain-text body and ignores an HTML page', () => {
    expect(toError(500, new Headers(), 'upstream connect error', call).message).toBe(
      'Anthropic: upstream connect error',
    );
    expect(
      toError(413, new Headers(), '<html><body>413 Request Entity Too Large</body></html>', call),
    ).toMatchObject({
      status: 413,
      message: 'Anthropic returned HTTP 413.',
    });
  });
});
