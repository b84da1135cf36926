import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic } from '../../fakes/anthropic-server.js';
import { startFakeGemini } from '../../fakes/gemini-server.js';
import type { NextHandler } from '../../fakes/recording-server.js';
import { type ChatHarness, createChatHarness, useNativeChat, userMessage } from '../helpers/chat-harness.js';
import { echoes, leaksOf, seenByClient } from './support/leaks.js';

/**
 * A malicious or compromised upstream echoes the key it was sent — in error messages, error
 * details, headers, mid-stream errors; whole, split, cut, re-cased or encoded. Nothing of it may
 * reach the client, nor the gateway's logs.
 */
type Scenario = [name: string, stream: boolean, reply: (echo: string) => NextHandler];

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const sse = (res: ServerResponse, events: string[]) => {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  res.end(events.join(''));
};
/** Header values cannot hold line breaks: the upstream would send the key on one line. */
const oneLine = (s: string) => s.replace(/[\r\n]+/g, ' ');
const echoHeaders = (echo: string): Record<string, string> => ({
  'x-echo-key': oneLine(echo),
  'www-authenticate': `Bearer realm="${oneLine(echo)}"`,
  'x-ratelimit-remaining-tokens': oneLine(echo),
  'x-ratelimit-reset-tokens': oneLine(echo).slice(0, 30),
  'anthropic-ratelimit-tokens-remaining': oneLine(echo),
  'retry-after': oneLine(echo).slice(-10),
  'set-cookie': `session=${oneLine(echo)}`,
});

const OPENAI_CHUNK = (text: string) =>
  `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 1, model: 'gpt-4o-mini', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`;
const OPENAI_OK = {
  id: 'c1',
  object: 'chat.completion',
  created: 1,
  model: 'gpt-4o-mini',
  choices: [{ index: 0, message: { role: 'assistant', content: 'fine' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
};

const OPENAI_SCENARIOS: Scenario[] = [
  [
    'a 400 whose message, param and code quote it',
    false,
    (e) => (_q, res) =>
      json(
        res,
        400,
        {
          error: {
            message: `Incorrect API key provided: ${e}.`,
            type: 'invalid_request_error',
            param: e,
            code: e,
          },
        },
        echoHeaders(e),
      ),
  ],
  [
    'a 401 quoting it',
    false,
    (e) => (_q, res) =>
      json(res, 401, { error: { message: `Invalid key ${e}`, code: 'invalid_api_key' } }, echoHeaders(e)),
  ],
  [
    'a 429 with it in every rate-limit header',
    false,
    (e) => (_q, res) =>
      json(
        res,
        429,
        { error: { message: `slow down ${e}`, type: 'requests', code: 'rate_limit_exceeded' } },
        echoHeaders(e),
      ),
  ],
  [
    'a 402 with it in metadata',
    false,
    (e) => (_q, res) =>
      json(res, 402, { error: { code: 402, message: `no credit on ${e}`, metadata: { raw: e, key: e } } }),
  ],
  [
    'a plain-text 502',
    false,
    (e) => (_q, res) => {
      res.writeHead(502, { 'content-type': 'text/plain', 'x-echo-key': oneLine(e) });
      res.end(`upstream proxy error for key ${e}`);
    },
  ],
  [
    'a 200 carrying an error',
    false,
    (e) => (_q, res) => json(res, 200, { error: { code: 500, message: `failed with ${e}` } }),
  ],
  [
    'a good answer with it in the headers',
    false,
    (e) => (_q, res) => json(res, 200, OPENAI_OK, echoHeaders(e)),
  ],
  [
    'a stream whose error event quotes it',
    true,
    (e) => (_q, res) =>
      sse(res, [
        OPENAI_CHUNK('par'),
        `data: ${JSON.stringify({ error: { message: `stream failed for ${e}`, code: 500 } })}\n\n`,
      ]),
  ],
  [
    'a stream whose choice finishes in an error quoting it',
    true,
    (e) => (_q, res) =>
      sse(res, [
        OPENAI_CHUNK('par'),
        `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: 'error', error: { message: e } }] })}\n\n`,
      ]),
  ],
];

const ANTHROPIC_START = `event: message_start\ndata: ${JSON.stringify({ type: 'message_start', message: { id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5', content: [], stop_reason: null, usage: { input_tokens: 1, output_tokens: 0 } } })}\n\n`;
const ANTHROPIC_SCENARIOS: Scenario[] = [
  [
    'a 400 quoting it',
    false,
    (e) => (_q, res) =>
      json(
        res,
        400,
        { type: 'error', error: { type: 'invalid_request_error', message: `bad key ${e}` } },
        echoHeaders(e),
      ),
  ],
  [
    'a 401 quoting it',
    false,
    (e) => (_q, res) =>
      json(res, 401, {
        type: 'error',
        error: { type: 'authentication_error', message: `invalid x-api-key ${e}` },
      }),
  ],
  [
    'a 429 with it in the rate-limit headers',
    false,
    (e) => (_q, res) =>
      json(res, 429, { type: 'error', error: { type: 'rate_limit_error', message: e } }, echoHeaders(e)),
  ],
  [
    'a 529 quoting it',
    false,
    (e) => (_q, res) => json(res, 529, { type: 'error', error: { type: 'overloaded_error', message: e } }),
  ],
  [
    'a stream error event quoting it',
    true,
    (e) => (_q, res) =>
      sse(res, [
        ANTHROPIC_START,
        `event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'api_error', message: `boom ${e}` } })}\n\n`,
      ]),
  ],
];

const GEMINI_CHUNK = `data: ${JSON.stringify({ candidates: [{ content: { parts: [{ text: 'tok0 ' }], role: 'model' }, index: 0 }] })}\n\n`;
const GEMINI_SCENARIOS: Scenario[] = [
  [
    'a 400 API_KEY_INVALID with it in details',
    false,
    (e) => (_q, res) =>
      json(
        res,
        400,
        {
          error: {
            code: 400,
            message: `API key not valid: ${e}`,
            status: 'INVALID_ARGUMENT',
            details: [
              {
                '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
                reason: 'API_KEY_INVALID',
                metadata: { key: e },
              },
              { '@type': 'type.googleapis.com/google.rpc.LocalizedMessage', locale: 'en-US', message: e },
            ],
          },
        },
        echoHeaders(e),
      ),
  ],
  [
    'a 429 quoting it',
    false,
    (e) => (_q, res) =>
      json(
        res,
        429,
        {
          error: {
            code: 429,
            message: `quota for ${e}`,
            status: 'RESOURCE_EXHAUSTED',
            details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }],
          },
        },
        echoHeaders(e),
      ),
  ],
  [
    'a 500 quoting it',
    false,
    (e) => (_q, res) => json(res, 500, { error: { code: 500, message: e, status: 'INTERNAL' } }),
  ],
  [
    'a stream error quoting it',
    true,
    (e) => (_q, res) =>
      sse(res, [
        GEMINI_CHUNK,
        `data: ${JSON.stringify({ error: { code: 503, message: `overloaded ${e}`, status: 'UNAVAILABLE' } })}\n\n`,
      ]),
  ],
];

/** Runs every scenario with every echo of the key and checks what the client saw and what was logged. */
function attack(
  scenarios: Scenario[],
  get: () => {
    key: string;
    queue(h: NextHandler): void;
    send(stream: boolean): Promise<Response>;
    logs: string[];
  },
) {
  it.each(scenarios)('returns nothing of the key from %s', async (_name, stream, reply) => {
    const { key, queue, send, logs } = get();
    for (const [how, echo] of echoes(key)) {
      queue(reply(echo));
      const seen = await seenByClient(await send(stream));
      expect(leaksOf(key, seen), how).toEqual([]);
    }
    expect(leaksOf(key, logs.join('\n'))).toEqual([]);
  });
}

describe('a malicious OpenAI-compatible upstream', () => {
  let h: ChatHarness;
  let alice: string;
  let key = '';
  beforeAll(async () => {
    h = await createChatHarness('sqlite');
    alice = await h.t.jwt('alice');
    key = (await h.storeKey(alice, 'openai', 'main')).apiKey;
  });
  afterAll(async () => h.close());

  attack(OPENAI_SCENARIOS, () => ({
    key,
    queue: (handler) => h.fakes.openai.next(handler),
    send: (stream) => h.chat(alice, { model: 'openai/gpt-4o-mini', stream, messages: userMessage('hi') }),
    logs: h.t.logs,
  }));

  it('cannot reach the client with the system key either', async () => {
    const bob = await h.t.jwt('bob');
    for (const [how, echo] of echoes(h.systemKey)) {
      h.fakes.openrouter.next(OPENAI_SCENARIOS[0]?.[2](echo) as NextHandler);
      const res = await h.chat(bob, { model: 'mistralai/mistral-small', messages: userMessage('hi') });
      expect(res.headers.get('x-gateway-key-source')).toBe('system');
      expect(leaksOf(h.systemKey, await seenByClient(res)), how).toEqual([]);
    }
  });
});

describe('a malicious Anthropic upstream', () => {
  const a = useNativeChat({
    user: 'anthropic-victim',
    key: { provider: 'anthropic', keyName: 'claude' },
    model: 'anthropic/claude-sonnet-4-5',
    startFakes: async () => ({ anthropic: await startFakeAnthropic() }),
    env: ({ anthropic }) => ({ ANTHROPIC_BASE_URL: anthropic.baseUrl }),
  });
  attack(ANTHROPIC_SCENARIOS, () => ({
    key: a.apiKey,
    queue: (handler) => a.fakes.anthropic.next(handler),
    send: (stream) => a.say('hi', { stream }),
    logs: a.t.logs,
  }));
});

describe('a malicious Gemini upstream', () => {
  const g = useNativeChat({
    user: 'gemini-victim',
    key: { provider: 'google', keyName: 'gemini' },
    model: 'google/gemini-2.5-flash',
    startFakes: async () => ({ gemini: await startFakeGemini() }),
    env: ({ gemini }) => ({ GOOGLE_BASE_URL: gemini.baseUrl }),
  });
  attack(GEMINI_SCENARIOS, () => ({
    key: g.apiKey,
    queue: (handler) => g.fakes.gemini.next(handler),
    send: (stream) => g.say('hi', { stream }),
    logs: g.t.logs,
  }));
});
