import { describe, expect, it } from 'vitest';
import { buildRequest, verifyKeyRequest } from '../../../../src/providers/openai-compatible/build-request.js';
import type { ChatRequest } from '../../../../src/providers/types.js';
import { callContext, keys } from './helpers.js';

const chat = (extra: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'openai/gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Be terse.' },
    {
      role: 'user',
      content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR', detail: 'auto' } }],
    },
  ],
  tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object', properties: {} } } }],
  tool_choice: 'auto',
  response_format: { type: 'json_object' },
  temperature: 0.2,
  user: 'hashed-user-id',
  ...extra,
});

describe('buildRequest', () => {
  it('posts to the chat completions endpoint of the base URL', () => {
    const req = buildRequest(chat(), callContext({ stream: false }));
    expect(req.method).toBe('POST');
    expect(req.url).toBe('https://api.openai.com/v1/chat/completions');
  });

  it('replaces only the model and leaves every other field of the body as the client sent it', () => {
    const original = chat();
    const req = buildRequest(original, callContext({ stream: false, upstreamModel: 'gpt-4o-mini' }));
    expect(JSON.parse(req.body ?? '')).toEqual({ ...original, model: 'gpt-4o-mini' });
    expect(Object.keys(JSON.parse(req.body ?? ''))).toEqual(Object.keys(original));
    expect(original.model).toBe('openai/gpt-4o-mini');
  });

  it('always asks a streaming upstream for usage, even when the client did not', () => {
    const req = buildRequest(chat({ stream: true }), callContext({ stream: true, includeUsage: false }));
    expect(JSON.parse(req.body ?? '').stream_options).toEqual({ include_usage: true });
  });

  it('keeps the other stream_options fields while forcing include_usage', () => {
    const req = buildRequest(
      chat({ stream: true, stream_options: { include_usage: false, include_obfuscation: false } }),
      callContext({ stream: true, includeUsage: false }),
    );
    expect(JSON.parse(req.body ?? '').stream_options).toEqual({
      include_usage: true,
      include_obfuscation: false,
    });
  });

  it('adds no stream_options to a non-streaming request', () => {
    const req = buildRequest(chat(), callContext({ stream: false }));
    expect(JSON.parse(req.body ?? '')).not.toHaveProperty('stream_options');
  });

  it('sends the key as a bearer token, JSON content and a JSON accept when not streaming', () => {
    const req = buildRequest(chat(), callContext({ stream: false }));
    expect(req.headers).toEqual({
      authorization: `Bearer ${keys.openai}`,
      accept: 'application/json',
      'user-agent': 'byok-gateway',
      'content-type': 'application/json',
    });
  });

  it('accepts an event stream when streaming (Meta compat refuses a stream without it)', () => {
    const req = buildRequest(
      chat({ stream: true }),
      callContext({
        provider: 'meta',
        apiKey: keys.meta,
        baseUrl: 'https://api.llama.com/compat/v1',
        stream: true,
      }),
    );
    expect(req.url).toBe('https://api.llama.com/compat/v1/chat/completions');
    expect(req.headers.accept).toBe('text/event-stream');
    expect(req.headers.authorization).toBe(`Bearer ${keys.meta}`);
    expect(req.headers).not.toHaveProperty('HTTP-Referer');
  });

  it('adds the attribution headers for OpenRouter only', () => {
    const call = callContext({
      provider: 'openrouter',
      apiKey: keys.openrouter,
      baseUrl: 'https://openrouter.ai/api/v1',
      upstreamModel: 'anthropic/claude-sonnet-4.5',
    });
    const req = buildRequest(chat({ stream: true }), call);
    expect(req.headers['HTTP-Referer']).toBe('https://example.test/app');
    expect(req.headers['X-Title']).toBe('byok-gateway test');
    expect(JSON.parse(req.body ?? '').model).toBe('anthropic/claude-sonnet-4.5');
    expect(buildRequest(chat(), callContext()).headers).not.toHaveProperty('X-Title');
  });

  it('puts the key in the authorization header and nowhere else', () => {
    const req = buildRequest(chat({ stream: true }), callContext());
    const { authorization, ...rest } = req.headers;
    expect(authorization).toBe(`Bearer ${keys.openai}`);
    expect(JSON.stringify(rest)).not.toContain(keys.openai);
    expect(req.url).not.toContain(keys.openai);
    expect(req.body).not.toContain(keys.openai);
  });
});

describe('verifyKeyRequest', () => {
  it('lists models for OpenAI and Meta keys', () => {
    expect(verifyKeyRequest('openai', keys.openai, 'https://api.openai.com/v1')).toEqual({
      method: 'GET',
      url: 'https://api.openai.com/v1/models',
      headers: {
        authorization: `Bearer ${keys.openai}`,
        accept: 'application/json',
        'user-agent': 'byok-gateway',
      },
    });
    expect(verifyKeyRequest('meta', keys.meta, 'https://api.llama.com/compat/v1').url).toBe(
      'https://api.llama.com/compat/v1/models',
    );
  });

  it('reads the key info for an OpenRouter key, since its model list is public', () => {
    const req = verifyKeyRequest('openrouter', keys.openrouter, 'https://openrouter.ai/api/v1');
    expect(req.url).toBe('https://openrouter.ai/api/v1/key');
    expect(req.headers.authorization).toBe(`Bearer ${keys.openrouter}`);
  });

  it('picks the endpoint by provider when the caller knows it', () => {
    expect(verifyKeyRequest('openrouter', 'anything', 'http://127.0.0.1:9/api/v1/').url).toBe(
      'http://127.0.0.1:9/api/v1/key',
    );
    expect(verifyKeyRequest('meta', keys.meta, 'http://127.0.0.1:9/v1').url).toBe(
      'http://127.0.0.1:9/v1/models',
    );
  });
});
