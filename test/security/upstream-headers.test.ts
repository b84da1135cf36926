import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic } from '../../fakes/anthropic-server.js';
import type { NextHandler } from '../../fakes/recording-server.js';
import { type ChatHarness, createChatHarness, useNativeChat, userMessage } from '../helpers/chat-harness.js';

/**
 * Upstream rate-limit headers reach the client only by name (a known list), with values scrubbed
 * and shaped like numbers, durations or dates, and never in place of the gateway's own
 * `x-ratelimit-*-requests` (the client's limit is the gateway's).
 */
const run = (secret: string, text: string) => {
  const hay = text.replace(/\s+/g, '').toLowerCase();
  for (let i = 0; i + 8 <= secret.length; i++)
    if (hay.includes(secret.slice(i, i + 8).toLowerCase())) return true;
  return false;
};
const allHeaders = (res: Response) => [...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n');

const rateLimited =
  (headers: (key: string) => Record<string, string>, body: unknown): NextHandler =>
  (req, res) => {
    res.writeHead(429, { 'content-type': 'application/json', ...headers(req.key ?? '') });
    res.end(JSON.stringify(body));
  };

describe('OpenAI-compatible upstream rate-limit headers', () => {
  let h: ChatHarness;
  let alice: string;
  let key: string;
  beforeAll(async () => {
    h = await createChatHarness('sqlite', { RATE_LIMIT_RPM: '100' });
    alice = await h.t.jwt('alice');
    key = (await h.storeKey(alice, 'openai', 'main')).apiKey;
  });
  afterAll(async () => h.close());

  it('never override the gateway’s x-ratelimit-*-requests and never carry the key', async () => {
    h.fakes.openai.next(
      rateLimited(
        (k) => ({
          'retry-after': '3',
          'x-ratelimit-limit-requests': '99999',
          'x-ratelimit-remaining-requests': '99998',
          'x-ratelimit-reset-requests': '1s',
          'x-ratelimit-limit-tokens': '30000',
          'x-ratelimit-remaining-tokens': k,
          'x-ratelimit-reset-tokens': `${k.slice(0, 30)} ${k.slice(30)}`,
          'x-ratelimit-debug': 'internal-host-7',
        }),
        { error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } },
      ),
    );
    const res = await h.chat(alice, { model: 'openai/gpt-4o-mini', messages: userMessage('hi') });
    expect(res.status).toBe(429);
    expect(res.headers.get('x-ratelimit-limit-requests')).toBe('100');
    expect(Number(res.headers.get('x-ratelimit-remaining-requests'))).toBeLessThan(100);
    expect(res.headers.get('x-ratelimit-reset-requests')).not.toBe('1s');
    expect(res.headers.get('x-ratelimit-limit-tokens')).toBe('30000');
    expect(res.headers.get('retry-after')).toBe('3');
    expect(res.headers.get('x-ratelimit-debug')).toBeNull();
    expect(run(key, allHeaders(res))).toBe(false);
    expect(run(key, await res.text())).toBe(false);
  });
});

describe('Anthropic rate-limit headers', () => {
  const a = useNativeChat({
    user: 'anthropic-headers',
    key: { provider: 'anthropic', keyName: 'claude' },
    model: 'anthropic/claude-sonnet-4-5',
    startFakes: async () => ({ anthropic: await startFakeAnthropic() }),
    env: ({ anthropic }) => ({ ANTHROPIC_BASE_URL: anthropic.baseUrl }),
  });

  it('pass known names with plain values and drop the rest', async () => {
    a.fakes.anthropic.next(
      rateLimited(
        (k) => ({
          'retry-after': '5',
          'anthropic-ratelimit-requests-limit': '50',
          'anthropic-ratelimit-requests-remaining': '0',
          'anthropic-ratelimit-requests-reset': '2026-01-01T00:00:05Z',
          'anthropic-ratelimit-tokens-remaining': Buffer.from(k).toString('base64'),
          'anthropic-ratelimit-input-tokens-limit': k.toUpperCase(),
          'anthropic-ratelimit-shadow': k,
        }),
        {
          type: 'error',
          error: { type: 'rate_limit_error', message: 'Number of requests has exceeded your rate limit' },
        },
      ),
    );
    const res = await a.say('hi');
    expect(res.status).toBe(429);
    expect(res.headers.get('anthropic-ratelimit-requests-limit')).toBe('50');
    expect(res.headers.get('anthropic-ratelimit-requests-remaining')).toBe('0');
    expect(res.headers.get('anthropic-ratelimit-requests-reset')).toBe('2026-01-01T00:00:05Z');
    expect(res.headers.get('anthropic-ratelimit-shadow')).toBeNull();
    const headers = allHeaders(res);
    expect(run(a.apiKey, headers)).toBe(false);
    expect(run(Buffer.from(a.apiKey).toString('base64').slice(4, -4), headers)).toBe(false);
  });
});
