import { afterEach, describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../../../../src/errors.js';
import { streamRelay } from '../../../../src/providers/openai-compatible/stream-relay.js';
import type { CallContext } from '../../../../src/providers/types.js';
import { relayTransform } from '../../../helpers/relay-transform.js';
import {
  callContext,
  dataOf,
  fixtureBytes,
  fixtureText,
  keys,
  OPENAI_USAGE_DETAILS,
  pieces,
  recordingHooks,
  runTransform,
  utf8,
} from './helpers.js';

const errorLine = (message: string, code: string, type = 'upstream_error') =>
  `data: ${JSON.stringify({ error: { message, type, code, param: null } })}\n\n`;
const INCOMPLETE = errorLine('The upstream stream ended before it finished.', 'upstream_stream_incomplete');

/** The SSE text with every comment-only event removed (what the client should get). */
const withoutComments = (sse: string) =>
  sse
    .split('\n\n')
    .filter((e) => !e.startsWith(':'))
    .join('\n\n');

/** Drops the event whose payload contains `marker`. */
const withoutEvent = (sse: string, marker: string) =>
  sse
    .split('\n\n')
    .filter((e) => !e.includes(marker))
    .join('\n\n');

async function transformText(
  text: string | Uint8Array,
  call: CallContext = callContext(),
  hooks = recordingHooks(),
) {
  const bytes = typeof text === 'string' ? utf8(text) : text;
  const out = await runTransform(relayTransform(streamRelay(call, hooks), hooks.cause), [bytes]);
  return { ...out, usages: hooks.usages };
}

const openrouter = (overrides: Partial<CallContext> = {}) =>
  callContext({
    provider: 'openrouter',
    apiKey: keys.openrouter,
    upstreamModel: 'openai/gpt-4o-mini',
    baseUrl: 'https://openrouter.ai/api/v1',
    ...overrides,
  });

afterEach(() => {
  vi.restoreAllMocks();
});

describe('streamRelay on an OpenAI stream', () => {
  it('forwards the whole stream byte for byte, as the very input chunk, when the client asked for usage', async () => {
    const input = fixtureBytes('openai/stream-with-usage.sse');
    const hooks = recordingHooks();
    const out = await runTransform(relayTransform(streamRelay(callContext({ includeUsage: true }), hooks)), [
      input,
    ]);
    expect(out.bytes).toEqual(input);
    expect(out.chunks).toHaveLength(1);
    expect(out.chunks[0]?.buffer).toBe(input.buffer);
    expect(hooks.usages).toEqual([
      {
        prompt_tokens: 12,
        completion_tokens: 10,
        total_tokens: 22,
        ...OPENAI_USAGE_DETAILS,
      },
    ]);
  });

  it('drops the usage-only chunk the client did not ask for, and still reports the usage', async () => {
    const input = fixtureText('openai/stream-with-usage.sse');
    const out = await transformText(input, callContext({ includeUsage: false }));
    expect(out.text).toBe(withoutEvent(input, '"choices":[],"usage":{'));
    expect(
      out.text.endsWith('"finish_reason":"stop"}],"usage":null,"obfuscation":"Zr"}\n\ndata: [DONE]\n\n'),
    ).toBe(true);
    expect(out.usages.map((u) => u.total_tokens)).toEqual([22]);
  });

  it.each([1, 7, 64])('gives the same bytes when the upstream arrives in %i-byte pieces', async (size) => {
    const input = fixtureBytes('openai/stream-with-usage.sse');
    for (const includeUsage of [true, false]) {
      const whole = await transformText(input, callContext({ includeUsage }));
      const hooks = recordingHooks();
      const cut = await runTransform(
        relayTransform(streamRelay(callContext({ includeUsage }), hooks)),
        pieces(input, size),
      );
      expect(cut.text).toBe(whole.text);
      expect(hooks.usages).toEqual(whole.usages);
    }
  });

  it('forwards a stream without a usage chunk unchanged and reports no usage', async () => {
    const input = fixtureBytes('openai/stream-without-usage.sse');
    const out = await transformText(input, callContext({ includeUsage: false }));
    expect(out.bytes).toEqual(input);
    expect(out.usages).toEqual([]);
  });

  it('forwards tool-call deltas byte for byte and parses only the chunk that carries usage', async () => {
    const input = fixtureBytes('openai/stream-tool-calls.sse');
    const parse = vi.spyOn(JSON, 'parse');
    const out = await transformText(input, callContext({ includeUsage: true }));
    expect(out.bytes).toEqual(input);
    // The arguments delta spells `\"usage\": {\"error\": 1}` inside a string: no parse for it.
    expect(parse).toHaveBeenCalledTimes(1);
    expect(out.usages.map((u) => u.total_tokens)).toEqual([93]);
  });

  it("turns OpenAI's own mid-stream error into the final error event, without [DONE]", async () => {
    const input = fixtureText('openai/stream-error.sse');
    const out = await transformText(input);
    const chunks = input.split('\n\n').slice(0, 2);
    expect(out.text).toBe(
      `${chunks.join('\n\n')}\n\n${errorLine(
        'OpenAI: The server had an error while processing your request. Sorry about that!',
        'upstream_error',
      )}`,
    );
  });

  it('ends a stream cut without [DONE] with the generic incomplete error', async () => {
    const input = fixtureText('openai/stream-cut.sse');
    const out = await transformText(input);
    const whole = input.split('\n\n').slice(0, 2).join('\n\n');
    expect(out.text).toBe(`${whole}\n\n${INCOMPLETE}`);
    expect(out.text).not.toContain('[DONE]');
  });

  it('ends a cut stream with the reason the stream guard gives, when it has one', async () => {
    const reason = new GatewayError(
      504,
      'timeout_error',
      'upstream_idle_timeout',
      'The upstream sent nothing for 5 ms.',
    );
    const out = await transformText(
      fixtureText('openai/stream-cut.sse'),
      callContext(),
      recordingHooks(reason),
    );
    expect(
      out.text.endsWith(
        errorLine('The upstream sent nothing for 5 ms.', 'upstream_idle_timeout', 'timeout_error'),
      ),
    ).toBe(true);
    expect(dataOf(out.text)).toHaveLength(3);
  });

  it('ignores everything after [DONE], even an error or a stream cut', async () => {
    const input = fixtureText('openai/stream-without-usage.sse');
    const after = `${input}data: {"choices":[{"index":0,"delta":{"content":"late"}}]}\n\ndata: {"error":{"message":"x"}}\n\ndata: trunc`;
    const reason = new GatewayError(502, 'upstream_error', 'upstream_stream_interrupted', 'lost');
    const out = await transformText(after, callContext(), recordingHooks(reason));
    expect(out.text).toBe(input);
  });

  it('honours a final [DONE] that lacks its blank line', async () => {
    const input = fixtureText('openai/stream-without-usage.sse').replace(/\n$/, '');
    const out = await transformText(input);
    expect(out.text).toBe(`${input}\n`);
  });
});

describe('streamRelay on an OpenRouter stream', () => {
  it('drops the processing comments and forwards the usage chunk as is when the client asked for usage', async () => {
    const input = fixtureText('openrouter/stream-with-usage.sse');
    const out = await transformText(input, openrouter({ includeUsage: true }));
    expect(out.text).toBe(withoutComments(input));
    expect(out.text).not.toContain('OPENROUTER PROCESSING');
    expect(out.usages).toEqual([
      {
        prompt_tokens: 14,
        completion_tokens: 4,
        total_tokens: 18,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, image_tokens: 0 },
        cost: 0.0000045,
      },
    ]);
  });

  it('cuts the always-on usage out of the chunk that carries it when the client did not ask', async () => {
    const input = fixtureText('openrouter/stream-with-usage.sse');
    const out = await transformText(input, openrouter({ includeUsage: false }));
    const usageEvent = input.split('\n\n').find((e) => e.includes('"usage":{')) ?? '';
    const stripped =
      'data: {"id":"gen-1767225600-Ab3dE5fG7hJ9kL1mN3pQ","provider":"OpenAI","model":"openai/gpt-4o-mini","object":"chat.completion.chunk","created":1767225600,"choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null,"native_finish_reason":null,"logprobs":null}],"system_fingerprint":"fp_560af6e559"}';
    expect(out.text).toBe(withoutComments(input).replace(usageEvent, stripped));
    expect(out.text).not.toContain('"usage"');
    expect(out.usages.map((u) => u.total_tokens)).toEqual([18]);
  });

  it('forwards every unchanged chunk byte-identical to what OpenRouter sent', async () => {
    const input = fixtureText('openrouter/stream-with-usage.sse');
    const out = await transformText(input, openrouter({ includeUsage: false }));
    const sent = dataOf(input);
    const got = dataOf(out.text);
    expect(got.slice(0, 4)).toEqual(sent.slice(0, 4));
    expect(got.at(-1)).toBe('[DONE]');
  });

  it('turns a mid-stream error into one scrubbed final error event and ignores the rest', async () => {
    const echoed = `${keys.openai}`;
    const input = fixtureText('openrouter/stream-midstream-error.sse').replace('sk-proj-KEYECHO', echoed);
    const out = await transformText(input, openrouter({ apiKey: keys.openrouter }));
    const before = input.split('\n\n').slice(1, 3).join('\n\n');
    expect(out.text).toBe(
      `${before}\n\n${errorLine('OpenRouter: Provider disconnected: upstream said key [REDACTED] was invalid', '502')}`,
    );
    expect(out.text).not.toContain('[DONE]');
    expect(out.text).not.toContain('RAW-UPSTREAM-TEXT');
    expect(out.text).not.toContain(' a time');
    expect(out.text).not.toContain(echoed);
  });

  it("scrubs the call's own key from a mid-stream error, whatever its shape", async () => {
    const key = `sk-or-v1-${'cd'.repeat(32)}`;
    const odd = 'not-a-known-shape-0123456789';
    const error = (k: string) =>
      `data: {"error":{"code":500,"message":"bad key ${k} or ${encodeURIComponent(k)}"},"choices":[]}\n\n`;
    for (const apiKey of [key, odd]) {
      const out = await transformText(error(apiKey), openrouter({ apiKey }));
      expect(out.text).not.toContain(apiKey);
      expect(out.text).toContain('[REDACTED]');
    }
  });

  it('treats a choice that finishes with "error" as a failure even without an error object', async () => {
    const input =
      'data: {"id":"g","choices":[{"index":0,"delta":{},"finish_reason":"error"}]}\n\ndata: [DONE]\n\n';
    const out = await transformText(input, openrouter());
    expect(out.text).toBe(errorLine('OpenRouter: the generation failed', 'upstream_error'));
  });
});

describe('streamRelay on a Meta stream', () => {
  it('forwards the chunks and drops the usage-only chunk the client did not ask for', async () => {
    const input = fixtureText('meta/stream-with-usage.sse');
    const meta = callContext({ provider: 'meta', apiKey: keys.meta, includeUsage: false });
    const out = await transformText(input, meta);
    expect(out.text).toBe(withoutEvent(input, '"usage"'));
    expect(out.usages.map((u) => u.total_tokens)).toEqual([13]);
  });
});

describe('streamRelay on odd input', () => {
  it('forwards a non-JSON chunk untouched, whether or not it looked worth parsing', async () => {
    const input = 'data: hello world\n\ndata: {"usage": {broken\n\ndata: [DONE]\n\n';
    const out = await transformText(input);
    expect(out.text).toBe(input);
  });

  it('re-frames CRLF events to \\n\\n and never forwards event: or id: lines', async () => {
    const input =
      'event: message\r\nid: 4\r\ndata: {"a":1}\r\n\r\n: ping\r\n\r\ndata: line1\r\ndata: line2\r\n\r\ndata: [DONE]\r\n\r\n';
    const out = await transformText(input);
    expect(out.text).toBe('data: {"a":1}\n\ndata: line1\ndata: line2\n\ndata: [DONE]\n\n');
  });

  it('turns an `event: error` into the final error event', async () => {
    const out = await transformText(
      'event: error\ndata: {"message":"overloaded","code":"overloaded_error"}\n\n',
    );
    expect(out.text).toBe(errorLine('OpenAI: overloaded', 'upstream_error'));
  });

  it('reports each usage report once', async () => {
    const input =
      'data: {"choices":[],"usage":{"prompt_tokens":1,"completion_tokens":2}}\n\ndata: {"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}\n\ndata: [DONE]\n\n';
    const out = await transformText(input, callContext({ includeUsage: true }));
    expect(out.usages.map((u) => u.total_tokens)).toEqual([3, 7]);
    expect(out.text).toBe(input);
  });

  it('keeps streaming when usage accounting throws', async () => {
    const hooks = recordingHooks();
    hooks.onUsage = () => {
      throw new Error('accounting down');
    };
    const input = fixtureText('openai/stream-with-usage.sse');
    const out = await runTransform(relayTransform(streamRelay(callContext(), hooks)), [utf8(input)]);
    expect(out.text).toBe(input);
  });

  it('ends an empty upstream body with the incomplete error', async () => {
    const out = await transformText('');
    expect(out.text).toBe(INCOMPLETE);
  });
});
