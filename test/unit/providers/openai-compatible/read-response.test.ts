import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../../src/errors.js';
import { readResponse } from '../../../../src/providers/openai-compatible/read-response.js';
import { callContext, fixtureText, keys, OPENAI_USAGE_DETAILS } from './helpers.js';

const openrouter = callContext({ provider: 'openrouter', apiKey: keys.openrouter, stream: false });

function thrown(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (err) {
    if (err instanceof GatewayError) return err;
    throw err;
  }
  throw new Error('expected a GatewayError');
}

describe('readResponse', () => {
  it('returns the body text exactly as received, with its usage', () => {
    const text = fixtureText('openai/chat-completion.json');
    const { body, usage } = readResponse(text, callContext({ stream: false }));
    expect(body).toBe(text);
    expect(usage).toEqual({
      prompt_tokens: 9,
      completion_tokens: 7,
      total_tokens: 16,
      ...OPENAI_USAGE_DETAILS,
    });
  });

  it("keeps OpenRouter's extra fields in the body; the usage it reports has OpenAI's fields and OpenRouter's cost", () => {
    const text = fixtureText('openrouter/chat-completion.json');
    const { body, usage } = readResponse(text, openrouter);
    expect(body).toBe(text);
    expect(usage).toEqual({
      prompt_tokens: 14,
      completion_tokens: 4,
      total_tokens: 18,
      prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, image_tokens: 0 },
      cost: 0.0000045,
    });
  });

  it('reads a Meta compat body', () => {
    const text = fixtureText('meta/chat-completion.json');
    const out = readResponse(text, callContext({ provider: 'meta', apiKey: keys.meta, stream: false }));
    expect(out).toEqual({ body: text, usage: { prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 } });
  });

  it('reports no usage when the body has none', () => {
    const out = readResponse('{"id":"x","choices":[]}', callContext({ stream: false }));
    expect(out).toEqual({ body: '{"id":"x","choices":[]}' });
  });

  it('turns an OpenRouter 200 whose choice failed into a 502, without its metadata', () => {
    const err = thrown(() =>
      readResponse(fixtureText('openrouter/chat-completion-error-200.json'), openrouter),
    );
    expect(err).toMatchObject({ status: 502, type: 'upstream_error', code: 'upstream_error' });
    expect(err.message).toBe('OpenRouter: Provider returned error');
    expect(err.message).not.toContain('RAW-UPSTREAM-TEXT');
  });

  it('turns a 200 with a top-level error into a 502 with the key scrubbed from its message', () => {
    const body = JSON.stringify({ error: { code: 500, message: `key ${keys.openrouter} failed` } });
    const err = thrown(() => readResponse(body, openrouter));
    expect(err).toMatchObject({
      status: 502,
      code: 'upstream_error',
      message: 'OpenRouter: key [REDACTED] failed',
    });
  });

  it('treats finish_reason "error" as a failure even without an error object', () => {
    const body =
      '{"choices":[{"index":0,"finish_reason":"error","message":{"role":"assistant","content":""}}]}';
    expect(thrown(() => readResponse(body, openrouter))).toMatchObject({
      status: 502,
      code: 'upstream_error',
    });
  });

  it.each(['<html>502 Bad Gateway</html>', '', '[1,2]', 'null', '{"id":'])(
    'answers 502 upstream_invalid_response to a body that is not a JSON object: %j',
    (body) => {
      const err = thrown(() => readResponse(body, callContext({ stream: false })));
      expect(err).toMatchObject({ status: 502, type: 'upstream_error', code: 'upstream_invalid_response' });
    },
  );
});

describe('readResponse reading usage without parsing the whole body', () => {
  const body = (content: string, usage: string) =>
    `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":${JSON.stringify(content)}},"finish_reason":"stop"}],"usage":${usage}}\n`;

  it('finds usage with nested details after content that mentions usage, braces and quotes', () => {
    const text = body(
      'my "usage": {"prompt_tokens": 999} and } { braces',
      '{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7,"prompt_tokens_details":{"cached_tokens":1}}',
    );
    const result = readResponse(text, callContext());
    expect(result.body).toBe(text);
    expect(result.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 });
    expect(result.usage?.prompt_tokens_details).toEqual({ cached_tokens: 1 });
  });

  it('reports no usage when usage is null', () => {
    expect(readResponse(body('hi', 'null'), callContext()).usage).toBeUndefined();
  });

  it('reads usage when the content merely talks about errors', () => {
    const text = body('an "error": happened?', '{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}');
    expect(readResponse(text, callContext()).usage?.total_tokens).toBe(2);
  });
});
