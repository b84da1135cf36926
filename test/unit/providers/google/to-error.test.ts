import { describe, expect, it } from 'vitest';
import { toError } from '../../../../src/providers/google/to-error.js';
import { fixtureText, GOOGLE_KEY, googleCall } from './helpers.js';

const call = googleCall({ stream: false });
const body = (name: string) => fixtureText(`google/${name}`).replaceAll('KEY_PLACEHOLDER', GOOGLE_KEY);

describe('toError for Gemini', () => {
  it.each([
    // fixture, status in, status out, type, code, retryable
    ['error-400-api-key-invalid.json', 400, 401, 'authentication_error', 'provider_key_rejected', false],
    ['error-403-key-blocked.json', 403, 401, 'authentication_error', 'provider_key_rejected', false],
    ['error-400-invalid-argument.json', 400, 400, 'invalid_request_error', 'upstream_bad_request', false],
    ['error-400-failed-precondition.json', 400, 400, 'invalid_request_error', 'upstream_bad_request', false],
    ['error-403-permission.json', 403, 403, 'permission_error', 'upstream_forbidden', false],
    ['error-404-model.json', 404, 404, 'invalid_request_error', 'model_not_found', false],
    ['error-429-rate.json', 429, 429, 'rate_limit_error', 'rate_limit_exceeded', undefined],
    ['error-429-daily.json', 429, 429, 'rate_limit_error', 'insufficient_quota', false],
    ['error-500.json', 500, 502, 'upstream_error', 'upstream_error', undefined],
    ['error-503.json', 503, 503, 'service_unavailable', 'upstream_unavailable', undefined],
    ['error-504.json', 504, 504, 'timeout_error', 'upstream_timeout', undefined],
  ] as const)('%s (HTTP %i) → %i %s %s', (name, status, outStatus, type, code, retryable) => {
    const err = toError(status, new Headers(), body(name), call);
    expect([err.status, err.type, err.code, err.retryable]).toEqual([outStatus, type, code, retryable]);
    expect(err.message).not.toContain(GOOGLE_KEY);
  });

  it('names the stored key by its label, and never forwards details that echo the key', () => {
    const text = body('error-400-api-key-invalid.json');
    expect(text).toContain(GOOGLE_KEY); // the fixture really echoes it
    const err = toError(400, new Headers(), text, call);
    expect(err.message).toBe(
      'Google Gemini rejected your stored key "work" (AIza…zQz9). Update or deactivate it.',
    );
    expect(JSON.stringify({ ...err, message: err.message })).not.toContain(GOOGLE_KEY);
    expect(JSON.stringify(err)).not.toContain('Invalid API key');
  });

  it("reports the gateway's own key as a 502 operators must fix", () => {
    const err = toError(
      400,
      new Headers(),
      body('error-400-api-key-invalid.json'),
      googleCall({ keySource: 'system' }),
    );
    expect([err.status, err.code, err.retryable]).toEqual([502, 'system_key_rejected', false]);
  });

  it('takes Retry-After from RetryInfo (rounded up), before the header', () => {
    const err = toError(429, new Headers({ 'retry-after': '3' }), body('error-429-rate.json'), call);
    expect(err.headers['retry-after']).toBe('13');
    expect(err.message).toMatch(/^Google Gemini: You exceeded your current quota/);
  });

  it('falls back to the Retry-After header, then to a default, when RetryInfo is absent', () => {
    const bare = JSON.stringify({
      error: {
        code: 429,
        message: 'Resource has been exhausted (e.g. check quota).',
        status: 'RESOURCE_EXHAUSTED',
      },
    });
    expect(toError(429, new Headers({ 'retry-after': '5' }), bare, call).headers['retry-after']).toBe('5');
    expect(toError(429, new Headers(), bare, call).headers['retry-after']).toBe('1');
    expect(toError(429, new Headers(), bare, call).code).toBe('rate_limit_exceeded');
  });

  it('treats a quota of limit: 0 as used up', () => {
    const zero = JSON.stringify({
      error: {
        code: 429,
        message: 'Quota exceeded for metric: x, limit: 0, model: gemini-2.5-pro',
        status: 'RESOURCE_EXHAUSTED',
      },
    });
    const err = toError(429, new Headers(), zero, call);
    expect([err.code, err.headers['retry-after']]).toEqual(['insufficient_quota', '60']);
  });

  it('puts the RetryInfo delay on a 503 too', () => {
    const text = JSON.stringify({
      error: {
        code: 503,
        message: 'busy',
        status: 'UNAVAILABLE',
        details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0.2s' }],
      },
    });
    expect(toError(503, new Headers(), text, call).headers['retry-after']).toBe('1');
  });

  it('scrubs the key and key-like strings from a message that echoes them', () => {
    const text = JSON.stringify({
      error: {
        code: 400,
        message: `Bad request for key ${GOOGLE_KEY} and AIza${'x'.repeat(35)}`,
        status: 'INVALID_ARGUMENT',
      },
    });
    const err = toError(400, new Headers(), text, call);
    expect(err.message).toBe('Google Gemini: Bad request for key [REDACTED] and [REDACTED]');
  });

  it('reads an array-wrapped body, and copes with text, HTML and empty bodies', () => {
    const wrapped = JSON.stringify([
      { error: { code: 404, message: 'models/x is not found', status: 'NOT_FOUND' } },
    ]);
    expect(toError(404, new Headers(), wrapped, call).message).toBe('Google Gemini: models/x is not found');
    expect(toError(502, new Headers(), 'upstream connect error', call).message).toBe(
      'Google Gemini: upstream connect error',
    );
    expect(toError(502, new Headers(), '<html><body>Bad gateway</body></html>', call).message).toBe(
      'Google Gemini returned HTTP 502.',
    );
    const empty = toError(418, new Headers(), '', call);
    expect([empty.status, empty.retryable, empty.message]).toEqual([
      502,
      false,
      'Google Gemini returned HTTP 418.',
    ]);
  });

  it('rejects the key on a 401 whatever the body says', () => {
    expect(toError(401, new Headers(), '{}', call).code).toBe('provider_key_rejected');
  });
});
