import { describe, expect, it } from 'vitest';
import { buildRequest, verifyKeyRequest } from '../../../../src/providers/anthropic/build-request.js';
import {
  anthropicAdapter,
  IGNORED_PARAMS,
  REFUSED_PARAMS,
} from '../../../../src/providers/anthropic/index.js';
import type { ChatRequest } from '../../../../src/providers/types.js';
import { anthropicCall, anthropicKey, fixtureText, thrown } from './helpers.js';

interface TranslationCase {
  name: string;
  openai: ChatRequest;
  anthropic: Record<string, unknown>;
  upstreamModel?: string;
  stream?: boolean;
}

const CASES: TranslationCase[] = JSON.parse(fixtureText('anthropic/request-translation.json'));

function bodyOf(chat: ChatRequest, overrides: Parameters<typeof anthropicCall>[0] = {}) {
  return JSON.parse(buildRequest(chat, anthropicCall(overrides)).body ?? '');
}

const hi = (extra: Record<string, unknown> = {}, model = 'claude-sonnet-4-5'): ChatRequest => ({
  model: `anthropic/${model}`,
  messages: [{ role: 'user', content: 'Hi' }],
  ...extra,
});

/** The 400 a request gets, as {param, code}. */
function refusal(chat: ChatRequest, upstreamModel = 'claude-sonnet-4-5') {
  const err = thrown(() => buildRequest(chat, anthropicCall({ upstreamModel })));
  expect(err.status).toBe(400);
  expect(err.type).toBe('invalid_request_error');
  return { param: err.param, code: err.code, message: err.message };
}

describe('buildRequest: OpenAI chat request → Anthropic Messages request (fixtures)', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const body = bodyOf(c.openai, {
      upstreamModel: c.upstreamModel ?? 'claude-sonnet-4-5',
      stream: c.stream ?? false,
    });
    expect(body).toEqual(c.anthropic);
  });

  it('never changes the request it was given', () => {
    const c = CASES[2]!;
    const before = JSON.stringify(c.openai);
    buildRequest(c.openai, anthropicCall());
    expect(JSON.stringify(c.openai)).toBe(before);
  });
});

describe('buildRequest: the HTTP call', () => {
  it('posts to {baseUrl}/messages with x-api-key and anthropic-version, never the key in the URL', () => {
    const req = buildRequest(hi(), anthropicCall({ baseUrl: 'https://api.anthropic.com/v1/' }));
    expect(req.method).toBe('POST');
    expect(req.url).toBe('https://api.anthropic.com/v1/messages');
    expect(req.url).not.toContain(anthropicKey);
    expect(req.headers).toMatchObject({
      'x-api-key': anthropicKey,
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
      accept: 'application/json',
    });
    expect(req.headers).not.toHaveProperty('authorization');
  });

  it('asks for an event stream when streaming', () => {
    const req = buildRequest(hi({ stream: true }), anthropicCall({ stream: true }));
    expect(req.headers.accept).toBe('text/event-stream');
    expect(JSON.parse(req.body ?? '').stream).toBe(true);
  });

  it('checks a key with GET /models?limit=1 and the same headers', () => {
    const req = verifyKeyRequest('anthropic', anthropicKey, 'https://api.anthropic.com/v1');
    expect(req).toEqual({
      method: 'GET',
      url: 'https://api.anthropic.com/v1/models?limit=1',
      headers: expect.objectContaining({ 'x-api-key': anthropicKey, 'anthropic-version': '2023-06-01' }),
    });
    expect(anthropicAdapter.verifyKeyRequest).toBe(verifyKeyRequest);
  });
});

describe('buildRequest: max_tokens defaults by model', () => {
  it.each([
    ['claude-3-haiku-20240307', 4096],
    ['claude-3-5-haiku-20241022', 8192],
    ['claude-sonnet-4-20250514', 8192],
    ['claude-opus-4-1', 8192],
    ['claude-haiku-4-5-20251001', 8192],
    ['claude-opus-4-8', 8192],
  ])('%s gets %i when the client sets none', (model, expected) => {
    expect(bodyOf(hi({}, model), { upstreamModel: model }).max_tokens).toBe(expected);
  });

  it('sends max_completion_tokens over max_tokens, and max_tokens alone as it is', () => {
    expect(bodyOf(hi({ max_tokens: 77 })).max_tokens).toBe(77);
    expect(bodyOf(hi({ max_tokens: 77, max_completion_tokens: 55 })).max_tokens).toBe(55);
  });

  it('never raises a default plus thinking budget above the model ceiling, and keeps the budget below it', () => {
    const body = bodyOf(hi({ reasoning_effort: 'xhigh' }, 'claude-opus-4-1'), {
      upstreamModel: 'claude-opus-4-1',
    });
    expect(body.max_tokens).toBe(32_000);
    expect(body.thinking).toEqual({ type: 'enabled', budget_tokens: 31_999 });
  });

  it('fits the thinking budget under a client limit', () => {
    const body = bodyOf(hi({ reasoning_effort: 'high', max_completion_tokens: 5000 }));
    expect(body).toMatchObject({ max_tokens: 5000, thinking: { type: 'enabled', budget_tokens: 4999 } });
  });
});

describe('buildRequest: refused with a 400 naming the parameter', () => {
  it.each([
    ['n > 1', hi({ n: 2 }), 'n', 'unsupported_parameter'],
    ['logprobs', hi({ logprobs: true }), 'logprobs', 'unsupported_parameter'],
    ['top_logprobs', hi({ top_logprobs: 3 }), 'top_logprobs', 'unsupported_parameter'],
    ['logit_bias', hi({ logit_bias: { '50256': -100 } }), 'logit_bias', 'unsupported_parameter'],
    ['frequency_penalty', hi({ frequency_penalty: 0.5 }), 'frequency_penalty', 'unsupported_parameter'],
    ['presence_penalty', hi({ presence_penalty: -1 }), 'presence_penalty', 'unsupported_parameter'],
    ['audio output', hi({ modalities: ['text', 'audio'] }), 'modalities', 'unsupported_parameter'],
    ['audio', hi({ audio: { voice: 'alloy', format: 'mp3' } }), 'audio', 'unsupported_parameter'],
    ['verbosity', hi({ verbosity: 'low' }), 'verbosity', 'unsupported_parameter'],
    ['web search', hi({ web_search_options: {} }), 'web_search_options', 'unsupported_parameter'],
    ['functions', hi({ functions: [{ name: 'f' }] }), 'functions', 'unsupported_parameter'],
    ['function_call', hi({ function_call: 'auto' }), 'function_call', 'unsupported_parameter'],
    ['an unknown parameter', hi({ transforms: ['middle-out'] }), 'transforms', 'unsupported_parameter'],
    ['temperature above 1', hi({ temperature: 1.5 }), 'temperature', 'invalid_value'],
    [
      'temperature with top_p on a 4.5 model',
      hi({ temperature: 0.5, top_p: 0.9 }),
      'top_p',
      'unsupported_value',
    ],
    ['a fractional top_k', hi({ top_k: 2.5 }), 'top_k', 'invalid_value'],
    ['an unknown reasoning_effort', hi({ reasoning_effort: 'max' }), 'reasoning_effort', 'invalid_value'],
    [
      'a thinking budget that cannot fit',
      hi({ reasoning_effort: 'low', max_tokens: 1024 }),
      'max_tokens',
      'invalid_value',
    ],
    [
      'temperature with reasoning',
      hi({ reasoning_effort: 'low', temperature: 0.2 }),
      'temperature',
      'unsupported_value',
    ],
    ['top_k with reasoning', hi({ reasoning_effort: 'low', top_k: 5 }), 'top_k', 'unsupported_value'],
    [
      'a forced tool with reasoning',
      hi({
        reasoning_effort: 'low',
        tools: [{ type: 'function', function: { name: 'f' } }],
        tool_choice: 'required',
      }),
      'tool_choice',
      'unsupported_value',
    ],
    ['a stop that is not text', hi({ stop: [1] }), 'stop', 'invalid_value'],
    ['a user that is not text', hi({ user: 42 }), 'user', 'invalid_value'],
    [
      'an unknown response_format',
      hi({ response_format: { type: 'grammar' } }),
      'response_format.type',
      'invalid_value',
    ],
    [
      'json_object with tools',
      hi({
        response_format: { type: 'json_object' },
        tools: [{ type: 'function', function: { name: 'f' } }],
      }),
      'response_format',
      'unsupported_value',
    ],
    [
      'json_object with reasoning',
      hi({ response_format: { type: 'json_object' }, reasoning_effort: 'low' }),
      'response_format',
      'unsupported_value',
    ],
  ] as const)('%s', (_what, chat, param, code) => {
    expect(refusal(chat)).toMatchObject({ param, code });
  });

  it.each([
    ['temperature other than 1', { temperature: 0.7 }, 'temperature'],
    ['top_p below 0.99', { top_p: 0.9 }, 'top_p'],
    ['any top_k', { top_k: 10 }, 'top_k'],
  ])('a model newer than the table refuses %s', (_what, extra, param) => {
    expect(refusal(hi(extra, 'claude-opus-4-7'), 'claude-opus-4-7')).toMatchObject({
      param,
      code: 'unsupported_value',
    });
  });

  it('passes the defaults a newer model still accepts', () => {
    const body = bodyOf(hi({ temperature: 1, top_p: 0.99 }, 'claude-opus-4-7'), {
      upstreamModel: 'claude-opus-4-7',
    });
    expect(body).toMatchObject({ temperature: 1, top_p: 0.99 });
  });

  it('refuses reasoning_effort on a model without extended thinking', () => {
    expect(
      refusal(hi({ reasoning_effort: 'low' }, 'claude-3-5-haiku-latest'), 'claude-3-5-haiku-latest'),
    ).toMatchObject({
      param: 'reasoning_effort',
      code: 'unsupported_parameter',
    });
  });

  it.each([
    [
      'tool arguments that are not JSON',
      {
        role: 'assistant',
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{oops' } }],
      },
      'messages[0].tool_calls[0].function.arguments',
    ],
    [
      'tool arguments that are a JSON array',
      {
        role: 'assistant',
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '[1]' } }],
      },
      'messages[0].tool_calls[0].function.arguments',
    ],
    [
      'a tool call of another type',
      {
        role: 'assistant',
        tool_calls: [{ id: 'c1', type: 'custom', function: { name: 'f', arguments: '{}' } }],
      },
      'messages[0].tool_calls[0].type',
    ],
    [
      'an http image URL',
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'http://example.com/a.png' } }] },
      'messages[0].content[0].image_url.url',
    ],
    [
      'a file image URL',
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'file:///etc/passwd' } }] },
      'messages[0].content[0].image_url.url',
    ],
    [
      'an SVG data URL',
      {
        role: 'user',
        content: [{ type: 'image_url', image_url: { url: 'data:image/svg+xml;base64,PHN2Zz4=' } }],
      },
      'messages[0].content[0].image_url.url',
    ],
    [
      'an audio part',
      { role: 'user', content: [{ type: 'input_audio', input_audio: { data: 'AAA', format: 'wav' } }] },
      'messages[0].content[0]',
    ],
    [
      'an image in a system message',
      { role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }] },
      'messages[0].content[0]',
    ],
    ['the deprecated function role', { role: 'function', name: 'f', content: 'x' }, 'messages[0].role'],
  ])('refuses %s', (_what, message, param) => {
    const err = refusal({
      model: 'anthropic/claude-sonnet-4-5',
      messages: [message, { role: 'user', content: 'go' }],
    });
    expect(err.param).toBe(param);
  });

  it('refuses a request with nothing but system messages', () => {
    expect(refusal({ model: 'm', messages: [{ role: 'system', content: 'Be terse.' }] }).param).toBe(
      'messages',
    );
  });

  it('refuses a client tool that takes the JSON tool’s reserved name, and a named choice of an unknown tool', () => {
    const reserved = hi({ tools: [{ type: 'function', function: { name: 'gateway_json_output' } }] });
    expect(refusal(reserved).param).toBe('tools[0].function.name');
    const unknown = hi({
      tools: [{ type: 'function', function: { name: 'a' } }],
      tool_choice: { type: 'function', function: { name: 'b' } },
    });
    expect(refusal(unknown).param).toBe('tool_choice');
    expect(refusal(hi({ tool_choice: 'required' })).param).toBe('tool_choice');
  });
});

describe('the parameter table', () => {
  it('ignores only parameters that cannot change the answer, each with its reason', () => {
    expect(Object.keys(IGNORED_PARAMS).sort()).toEqual(
      [
        'image_url.detail',
        'messages[].content[].cache_control',
        'messages[].name',
        'metadata',
        'prediction',
        'prompt_cache_key',
        'prompt_cache_retention',
        'seed',
        'service_tier',
        'store',
        'stream_options.include_obfuscation',
        'tools[].function.strict',
      ].sort(),
    );
    for (const why of Object.values(IGNORED_PARAMS)) expect(why.length).toBeGreaterThan(10);
  });

  it('accepts every refused parameter at its OpenAI default', () => {
    const defaults: Record<string, unknown> = {
      n: 1,
      logprobs: false,
      top_logprobs: 0,
      logit_bias: {},
      frequency_penalty: 0,
      presence_penalty: 0,
      modalities: ['text'],
      verbosity: 'medium',
    };
    for (const param of Object.keys(REFUSED_PARAMS)) {
      const chat = hi({ [param]: param in defaults ? defaults[param] : null });
      expect(() => buildRequest(chat, anthropicCall()), param).not.toThrow();
    }
  });
});
