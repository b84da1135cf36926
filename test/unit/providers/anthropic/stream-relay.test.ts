import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../../../../src/errors.js';
import { streamRelay } from '../../../../src/providers/anthropic/stream-relay.js';
import type { CallContext } from '../../../../src/providers/types.js';
import { relayTransform } from '../../../helpers/relay-transform.js';
import {
  anthropicCall,
  anthropicKey,
  dataOf,
  FINISH_REASONS,
  fixtureBytes,
  fixtureText,
  pieces,
  recordingHooks,
  runTransform,
  utf8,
} from './helpers.js';

const NOW = 1_767_225_600_000;
const streaming = (overrides: Partial<CallContext> = {}) => anthropicCall({ stream: true, ...overrides });

beforeEach(() => {
  vi.spyOn(Date, 'now').mockReturnValue(NOW);
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function translate(input: string | Uint8Array[], call = streaming(), hooks = recordingHooks()) {
  const chunks = typeof input === 'string' ? [utf8(input)] : input;
  const out = await runTransform(relayTransform(streamRelay(call, hooks), hooks.cause), chunks);
  const events = dataOf(out.text);
  const done = events.at(-1) === '[DONE]';
  const json = events.filter((e) => e !== '[DONE]').map((e) => JSON.parse(e));
  return { text: out.text, events, done, json, usages: hooks.usages };
}

/** What the openai SDK's stream accumulator makes of the chunks: text, reasoning, tool calls, finish. */
function accumulate(chunks: Record<string, unknown>[]) {
  let content = '';
  let reasoning = '';
  let finish: unknown = null;
  const calls: { id: string; type: string; name: string; arguments: string }[] = [];
  for (const chunk of chunks) {
    for (const choice of (chunk.choices as Record<string, unknown>[]) ?? []) {
      const delta = choice.delta as Record<string, unknown>;
      content += (delta.content as string | undefined) ?? '';
      reasoning += (delta.reasoning_content as string | undefined) ?? '';
      for (const tc of (delta.tool_calls as Record<string, unknown>[] | undefined) ?? []) {
        const fn = tc.function as Record<string, string>;
        const index = tc.index as number;
        if (tc.id)
          calls[index] = { id: tc.id as string, type: tc.type as string, name: fn.name ?? '', arguments: '' };
        const call = calls[index];
        if (!call) throw new Error(`tool call ${index} has no first delta`);
        call.arguments += fn.arguments ?? '';
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
  }
  return { content, reasoning, finish, calls };
}

describe('streamRelay: Anthropic events → OpenAI chunks', () => {
  it('translates a text stream byte for byte as recorded, with the usage chunk the client asked for', async () => {
    const out = await translate(fixtureText('anthropic/stream-text.sse'), streaming({ includeUsage: true }));
    expect(out.text).toBe(fixtureText('anthropic/stream-text.openai-with-usage.sse'));
    expect(out.usages).toEqual([
      {
        prompt_tokens: 1912,
        completion_tokens: 12,
        total_tokens: 1924,
        prompt_tokens_details: { cached_tokens: 1800, cache_write_tokens: 100 },
      },
    ]);
  });

  it('sends no usage chunk and no usage field when the client did not ask, and still reports usage once', async () => {
    const out = await translate(fixtureText('anthropic/stream-text.sse'));
    expect(out.json.every((c) => !('usage' in c))).toBe(true);
    expect(out.json.every((c) => c.choices.length === 1)).toBe(true);
    expect(out.done).toBe(true);
    expect(out.usages).toHaveLength(1);
  });

  it('starts with the role, repeats one id, created and model, and ends with finish_reason then [DONE]', async () => {
    const out = await translate(fixtureText('anthropic/stream-text.sse'));
    expect(out.json[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    for (const chunk of out.json) {
      expect(chunk).toMatchObject({
        id: 'msg_01TextStreamAbcDEF',
        object: 'chat.completion.chunk',
        created: NOW / 1000,
        model: 'claude-sonnet-4-5-20250929',
      });
    }
    expect(out.json.at(-1).choices[0]).toEqual({
      index: 0,
      delta: {},
      logprobs: null,
      finish_reason: 'stop',
    });
    expect(accumulate(out.json).content).toBe('Hello! How can I help you today?');
  });

  it('streams several tool calls in one turn with their own index, id, type and name, then argument pieces', async () => {
    const out = await translate(fixtureText('anthropic/stream-tool-calls.sse'));
    expect(out.text).toBe(fixtureText('anthropic/stream-tool-calls.openai.sse'));
    const acc = accumulate(out.json);
    expect(acc.finish).toBe('tool_calls');
    expect(acc.content).toBe('Let me check both cities.');
    expect(acc.calls).toEqual([
      {
        id: 'toolu_01WeatherParis',
        type: 'function',
        name: 'get_weather',
        arguments: '{"city": "Paris", "unit": "c"}',
      },
      {
        id: 'toolu_01WeatherTokyo',
        type: 'function',
        name: 'get_weather',
        arguments: '{"city": "Tokyo", "unit": "c"}',
      },
    ]);
    const argumentDeltas = out.json.flatMap((c) => c.choices[0].delta.tool_calls ?? []).filter((t) => !t.id);
    expect(argumentDeltas.every((t) => t.function.arguments !== '')).toBe(true);
  });

  it('streams thinking as reasoning_content deltas and drops the signature', async () => {
    const out = await translate(fixtureText('anthropic/stream-thinking.sse'));
    const acc = accumulate(out.json);
    expect(acc.reasoning).toBe('The user asks for 27 * 453. 27 * 453 = 12231.');
    expect(acc.content).toBe('27 × 453 = 12,231.');
    expect(out.text).not.toContain('RXhhbXBsZVNpZ25hdHVyZQ');
  });

  it('answers an empty message with the role, a finish and [DONE]', async () => {
    const out = await translate(fixtureText('anthropic/stream-empty.sse'));
    expect(out.json.map((c) => c.choices[0])).toEqual([
      { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' },
    ]);
    expect(out.done).toBe(true);
  });

  it('keeps characters split across network chunks whole, fed one byte at a time', async () => {
    const bytes = fixtureBytes('anthropic/stream-unicode.sse');
    const whole = await translate([bytes]);
    const byByte = await translate(pieces(bytes, 1));
    expect(accumulate(byByte.json).content).toBe('Grüße 👋🏽 こんにちは، مرحبا — «ok»');
    expect(byByte.text).toBe(whole.text);
    expect(byByte.text).not.toContain('\uFFFD');
  });

  it.each([1, 3, 7, 64, 4096])('gives the same output whatever the chunking (%i bytes)', async (size) => {
    const bytes = fixtureBytes('anthropic/stream-tool-calls.sse');
    expect((await translate(pieces(bytes, size))).text).toBe((await translate([bytes])).text);
  });

  it('reads CRLF framing as well', async () => {
    const crlf = fixtureText('anthropic/stream-text.sse').replaceAll('\n', '\r\n');
    expect((await translate(crlf)).text).toBe(
      (await translate(fixtureText('anthropic/stream-text.sse'))).text,
    );
  });

  it.each(FINISH_REASONS.filter(([reason]) => reason !== null))(
    'maps stop_reason %s to finish_reason %s',
    async (stopReason, expected) => {
      const input = fixtureText('anthropic/stream-text.sse').replace(
        '"stop_reason":"end_turn"',
        `"stop_reason":"${stopReason}"`,
      );
      const out = await translate(input);
      expect(out.json.at(-1).choices[0].finish_reason).toBe(expected);
      expect(out.done).toBe(true);
    },
  );

  it('streams the gateway’s JSON tool as content and finishes with stop', async () => {
    const out = await translate(fixtureText('anthropic/stream-json-tool.sse'));
    const acc = accumulate(out.json);
    expect(acc).toMatchObject({ content: '{"name": "Ada", "born": 1815}', finish: 'stop', calls: [] });
  });

  it('ignores pings, unknown events and payloads that are not JSON', async () => {
    const noise =
      'event: ping\ndata: {"type":"ping"}\n\n' +
      'event: something_new\ndata: {"type":"something_new","x":1}\n\n' +
      'event: content_block_delta\ndata: not json at all\n\n' +
      ': a comment\n\n';
    const input = fixtureText('anthropic/stream-text.sse').replace(
      'event: content_block_stop',
      `${noise}event: content_block_stop`,
    );
    const out = await translate(input);
    expect(out.text).toBe((await translate(fixtureText('anthropic/stream-text.sse'))).text);
  });

  it('writes nothing after message_stop', async () => {
    const input = `${fixtureText('anthropic/stream-text.sse')}event: error\ndata: {"type":"error","error":{"type":"api_error","message":"late"}}\n\n`;
    const out = await translate(input);
    expect(out.done).toBe(true);
    expect(out.text).not.toContain('late');
  });
});

describe('streamRelay: failures end the stream with an error event and no [DONE]', () => {
  it('turns an overloaded error event into a final error event', async () => {
    const out = await translate(fixtureText('anthropic/stream-error.sse'));
    expect(out.done).toBe(false);
    expect(accumulate(out.json.slice(0, -1)).content).toBe('Partial answer');
    expect(out.json.at(-1)).toEqual({
      error: {
        message: 'Anthropic: Overloaded',
        type: 'service_unavailable',
        code: 'upstream_overloaded',
        param: null,
      },
    });
    expect(out.usages).toHaveLength(1);
  });

  it('scrubs the key from an error event', async () => {
    const input = fixtureText('anthropic/stream-error.sse').replace(
      '"Overloaded"',
      `"Overloaded for ${anthropicKey}"`,
    );
    const out = await translate(input);
    expect(out.text).not.toContain(anthropicKey);
    expect(out.json.at(-1).error.message).toContain('[REDACTED]');
  });

  it('treats an error event whose payload is not JSON as an error all the same', async () => {
    const out = await translate('event: error\ndata: upstream exploded\n\n');
    expect(out.json).toEqual([
      {
        error: {
          message: 'Anthropic: upstream exploded',
          type: 'upstream_error',
          code: 'upstream_error',
          param: null,
        },
      },
    ]);
  });

  it('ends a cut stream with the cause the client stream hands to finish', async () => {
    const cut = new GatewayError(
      502,
      'upstream_error',
      'upstream_stream_interrupted',
      'The upstream connection was lost mid-stream.',
    );
    const out = await translate(fixtureText('anthropic/stream-cut.sse'), streaming(), recordingHooks(cut));
    expect(out.done).toBe(false);
    expect(accumulate(out.json.slice(0, -1)).content).toBe('Half an answer');
    expect(out.json.at(-1).error).toMatchObject({
      code: 'upstream_stream_interrupted',
      type: 'upstream_error',
    });
  });

  it('ends a stream that stops without message_stop as incomplete when nothing is known', async () => {
    const input = fixtureText('anthropic/stream-text.sse').replace(/event: message_stop[\s\S]*$/, '');
    const out = await translate(input);
    expect(out.done).toBe(false);
    expect(out.json.at(-1).error.code).toBe('upstream_stream_incomplete');
    expect(out.json.some((c) => c.choices?.[0]?.finish_reason)).toBe(false);
  });

  it('survives a usage hook that throws', async () => {
    const hooks = recordingHooks();
    hooks.onUsage = () => {
      throw new Error('accounting down');
    };
    const out = await translate(fixtureText('anthropic/stream-text.sse'), streaming(), hooks);
    expect(out.done).toBe(true);
  });

  it('cancels the upstream when the client goes away', async () => {
    let cancelled = false;
    const source = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(
          utf8(fixtureText('anthropic/stream-cut.sse').split('event: content_block_delta')[0] ?? ''),
        );
      },
      cancel() {
        cancelled = true;
      },
    });
    const reader = source.pipeThrough(relayTransform(streamRelay(streaming(), recordingHooks()))).getReader();
    await reader.read();
    await reader.cancel();
    await vi.waitFor(() => expect(cancelled).toBe(true));
  });
});
