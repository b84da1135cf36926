import { afterEach, describe, expect, it, vi } from 'vitest';
import { GatewayError } from '../../../../src/errors.js';
import { streamRelay } from '../../../../src/providers/google/stream-relay.js';
import { signatureOf } from '../../../../src/providers/google/tool-call-id.js';
import type { CallContext } from '../../../../src/providers/types.js';
import { relayTransform } from '../../../helpers/relay-transform.js';
import {
  events,
  FINISH_CASES,
  fixtureBytes,
  fixtureText,
  GOOGLE_KEY,
  googleCall,
  pieces,
  recordingHooks,
  runTransform,
  utf8,
} from './helpers.js';

interface Chunk {
  id: string;
  object: string;
  created: number;
  model: string;
  choices: { index: number; delta: Record<string, unknown>; logprobs: null; finish_reason: string | null }[];
  usage?: unknown;
}

async function run(
  input: string | Uint8Array | Uint8Array[],
  call: CallContext = googleCall(),
  cause?: GatewayError,
) {
  const hooks = recordingHooks(cause);
  const chunks = Array.isArray(input) ? input : [typeof input === 'string' ? utf8(input) : input];
  const out = await runTransform(relayTransform(streamRelay(call, hooks), hooks.cause), chunks);
  return { ...out, events: events(out.text), usages: hooks.usages };
}

afterEach(() => {
  vi.restoreAllMocks();
});

const fixture = (name: string) => fixtureBytes(`google/${name}`);
/** The deltas and finish reasons of the chunks, in order; `[DONE]`, usage and error events as they are. */
const shape = (evs: unknown[]) =>
  evs.map((e) => {
    if (typeof e === 'string' || !(e as Chunk).choices || (e as Chunk).choices.length === 0) return e;
    const c = (e as Chunk).choices[0]!;
    return c.finish_reason ? { finish: c.finish_reason } : c.delta;
  });

const USAGE_9_4 = {
  prompt_tokens: 9,
  completion_tokens: 4,
  total_tokens: 13,
  prompt_tokens_details: { cached_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 0 },
};

const errorOf = (message: string, type: string, code: string) => ({
  error: { message, type, code, param: null },
});
const INCOMPLETE = errorOf(
  'The upstream stream ended before it finished.',
  'upstream_error',
  'upstream_stream_incomplete',
);

describe('streamRelay for Gemini', () => {
  it('turns a text stream into role, content deltas, finish, usage and [DONE], all in one chunk envelope', async () => {
    const { events: evs, usages } = await run(fixture('stream-text.sse'));
    expect(shape(evs)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'Hel' },
      { content: 'lo, wor' },
      { content: 'ld.' },
      { finish: 'stop' },
      expect.objectContaining({ choices: [], usage: USAGE_9_4 }),
      '[DONE]',
    ]);
    const chunks = evs.slice(0, -1) as Chunk[];
    expect(new Set(chunks.map((c) => c.id))).toEqual(new Set(['chatcmpl-yGxsaN2PBqXgz7IPq4mY8Ac']));
    expect(new Set(chunks.map((c) => `${c.object} ${c.model} ${c.created}`)).size).toBe(1);
    expect(chunks[0]).toEqual({
      id: 'chatcmpl-yGxsaN2PBqXgz7IPq4mY8Ac',
      object: 'chat.completion.chunk',
      created: expect.any(Number),
      model: 'gemini-2.5-flash',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }],
      usage: null,
    });
    expect(usages).toEqual([USAGE_9_4]);
  });

  it('sends no usage chunk and no usage fields when the client did not ask, yet reports usage once', async () => {
    const {
      events: evs,
      usages,
      text,
    } = await run(fixture('stream-text.sse'), googleCall({ includeUsage: false }));
    expect(evs).toHaveLength(6);
    expect(text).not.toContain('"usage"');
    expect(usages).toEqual([USAGE_9_4]);
  });

  it('emits each function call whole, indexed from 0 across events, and finishes with tool_calls', async () => {
    const { events: evs } = await run(fixture('stream-tool-calls.sse'));
    const s = shape(evs);
    expect(s.slice(0, 4)).toEqual([
      { role: 'assistant', content: '' },
      {
        tool_calls: [
          {
            index: 0,
            id: expect.any(String),
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
      {
        tool_calls: [
          {
            index: 1,
            id: expect.stringMatching(/^call_[A-Za-z0-9]{24}$/),
            type: 'function',
            function: { name: 'get_time', arguments: '{"zone":"Europe/Paris"}' },
          },
        ],
      },
      {
        tool_calls: [
          {
            index: 2,
            id: expect.any(String),
            type: 'function',
            function: { name: 'lookup', arguments: '{}' },
          },
        ],
      },
    ]);
    expect(s[4]).toEqual({ finish: 'tool_calls' });
    const firstId = (s[1] as { tool_calls: { id: string }[] }).tool_calls[0]!.id;
    expect(signatureOf(firstId)).toBe(
      'CiQB0e2Kb1mW3nq9Xo7sYFq0Zl8rJ2vK9aT8pLx4c2Hh6yQmR1sKdQEB0e2Kb+Yc7/3wq0Vn1Zb5m8rWQyU4f2Hk1sT9aPq7xLc3vN6jD0oE2uR8yKp5tW1gH4zX9cV7bQ==',
    );
    expect((evs[5] as Chunk).usage).toMatchObject({
      prompt_tokens: 48,
      completion_tokens: 61,
      total_tokens: 109,
    });
  });

  it('sends thought parts as reasoning_content and skips empty text', async () => {
    const { events: evs } = await run(fixture('stream-thoughts.sse'));
    expect(shape(evs)).toEqual([
      { role: 'assistant', content: '' },
      { reasoning_content: '**Weighing the question**\n\nThe user wants a short answer.' },
      { content: 'Forty-two.' },
      { finish: 'stop' },
      expect.objectContaining({
        usage: {
          prompt_tokens: 12,
          completion_tokens: 43,
          total_tokens: 55,
          prompt_tokens_details: { cached_tokens: 8 },
          completion_tokens_details: { reasoning_tokens: 40 },
        },
      }),
      '[DONE]',
    ]);
  });

  it('keeps unicode intact when the bytes arrive one at a time, CRLFs and characters split anywhere', async () => {
    // One clock for both runs: a second boundary between them must not change `created`.
    vi.spyOn(Date, 'now').mockReturnValue(1_767_225_600_000);
    const whole = await run(fixture('stream-unicode.sse'));
    const split = await run(pieces(fixture('stream-unicode.sse'), 1));
    const text = (evs: unknown[]) =>
      shape(evs)
        .map((d) => (d as { content?: string }).content ?? '')
        .join('');
    expect(text(split.events)).toBe('Grüße aus Köln — 日本語のテキスト 🎉👩‍💻ça va?');
    expect(shape(split.events)).toEqual(shape(whole.events));
  });

  it('answers a stream with no content at all with an empty assistant message', async () => {
    const { events: evs } = await run(fixture('stream-empty.sse'), googleCall({ includeUsage: false }));
    expect(shape(evs)).toEqual([{ role: 'assistant', content: '' }, { finish: 'stop' }, '[DONE]']);
  });

  it.each([
    ['stream-max-tokens.sse', 'length'],
    ['stream-safety.sse', 'content_filter'],
    ['stream-blocked.sse', 'content_filter'],
  ])('%s finishes with %s', async (name, reason) => {
    const { events: evs } = await run(fixture(name), googleCall({ includeUsage: false }));
    expect(shape(evs).slice(-2)).toEqual([{ finish: reason }, '[DONE]']);
  });

  it.each(FINISH_CASES)('maps a streamed finishReason %s to %s', async (reason, expected) => {
    const sse = `data: {"candidates": [{"content": {"parts": [{"text": "x"}],"role": "model"},"finishReason": "${reason}","index": 0}]}\r\n\r\n`;
    const { events: evs } = await run(sse, googleCall({ includeUsage: false }));
    expect(shape(evs)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'x' },
      { finish: expected },
      '[DONE]',
    ]);
  });

  it('ends a cut stream with the error the guard reports, and no [DONE]', async () => {
    const cut = new GatewayError(
      502,
      'upstream_error',
      'upstream_stream_interrupted',
      'The upstream connection was lost mid-stream.',
    );
    const { events: evs, usages } = await run(fixture('stream-cut.sse'), googleCall(), cut);
    expect(shape(evs)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'tok0 ' },
      { content: 'tok1 ' },
      errorOf(
        'The upstream connection was lost mid-stream.',
        'upstream_error',
        'upstream_stream_interrupted',
      ),
    ]);
    expect(usages).toHaveLength(1); // what was spent so far is still counted
  });

  it('ends with an error, not [DONE], even after a finishReason, when the connection was cut', async () => {
    const cut = new GatewayError(
      504,
      'timeout_error',
      'upstream_idle_timeout',
      'The upstream sent nothing for 5 ms.',
    );
    const { events: evs } = await run(fixture('stream-text.sse'), googleCall(), cut);
    expect(evs.at(-1)).toEqual(
      errorOf('The upstream sent nothing for 5 ms.', 'timeout_error', 'upstream_idle_timeout'),
    );
    expect(evs).not.toContain('[DONE]');
  });

  it.each(['stream-cut.sse', 'stream-no-finish.sse'])(
    'ends %s, which closed without a finishReason, with an error',
    async (name) => {
      const { events: evs } = await run(fixture(name));
      expect(evs.at(-1)).toEqual(INCOMPLETE);
      expect(evs).not.toContain('[DONE]');
    },
  );

  it('ends an empty upstream body with an error', async () => {
    expect((await run(new Uint8Array())).events).toEqual([INCOMPLETE]);
  });

  it('turns an error event inside the stream into the final error event', async () => {
    const { events: evs } = await run(fixture('stream-error.sse'));
    expect(shape(evs)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'tok0 ' },
      { content: 'tok1 ' },
      errorOf(
        'Google Gemini: The model is overloaded. Please try again later.',
        'service_unavailable',
        'upstream_unavailable',
      ),
    ]);
  });

  it('reads a bare JSON error body written into the stream', async () => {
    const { events: evs } = await run(fixture('stream-raw-error.sse'));
    expect(evs.at(-1)).toEqual(
      errorOf(
        'Google Gemini: An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
        'upstream_error',
        'upstream_error',
      ),
    );
  });

  it('turns a failed function call into an error event', async () => {
    const { events: evs } = await run(fixture('stream-malformed-call.sse'));
    expect(shape(evs)).toEqual([
      { role: 'assistant', content: '' },
      errorOf(
        "Google Gemini ended the answer with MALFORMED_FUNCTION_CALL: the model's function call could not be used. Retrying may help.",
        'upstream_error',
        'upstream_malformed_function_call',
      ),
    ]);
  });

  it('treats an event that is not JSON as a failure, and forwards nothing after it', async () => {
    const sse =
      'data: {"candidates": [{"content": {"parts": [{"text": "a"}]}}]}\r\n\r\ndata: not json\r\n\r\ndata: {"candidates": [{"content": {"parts": [{"text": "b"}]},"finishReason": "STOP"}]}\r\n\r\n';
    const { events: evs } = await run(sse);
    expect(shape(evs)).toEqual([
      { role: 'assistant', content: '' },
      { content: 'a' },
      errorOf(
        'Google Gemini sent a stream event that is not a JSON object.',
        'upstream_error',
        'upstream_invalid_chunk',
      ),
    ]);
  });

  it('scrubs a key echoed by an error inside the stream', async () => {
    const sse = `data: ${JSON.stringify({ error: { code: 500, message: `failed for ${GOOGLE_KEY}`, status: 'INTERNAL' } })}\r\n\r\n`;
    const { text } = await run(sse);
    expect(text).not.toContain(GOOGLE_KEY);
    expect(text).toContain('failed for [REDACTED]');
  });

  it('accepts LF-only framing as well as CRLF', async () => {
    const lf = fixtureText('google/stream-text.sse').replaceAll('\r\n', '\n');
    expect(shape((await run(lf)).events)).toEqual(shape((await run(fixture('stream-text.sse'))).events));
  });

  it('never lets a failing usage hook break the stream', async () => {
    const hooks = {
      onUsage: () => {
        throw new Error('db down');
      },
    };
    const out = await runTransform(relayTransform(streamRelay(googleCall(), hooks)), [
      fixture('stream-text.sse'),
    ]);
    expect(out.text.endsWith('data: [DONE]\n\n')).toBe(true);
  });
});
