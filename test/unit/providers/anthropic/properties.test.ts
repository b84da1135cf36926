import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatRequestSchema } from '../../../../src/chat/schema.js';
import { GatewayError } from '../../../../src/errors.js';
import { buildRequest } from '../../../../src/providers/anthropic/build-request.js';
import { readResponse } from '../../../../src/providers/anthropic/read-response.js';
import { streamRelay } from '../../../../src/providers/anthropic/stream-relay.js';
import type { ChatRequest } from '../../../../src/providers/types.js';
import { relayTransform } from '../../../helpers/relay-transform.js';
import { anthropicCall, dataOf, fixtureText, pieces, recordingHooks, runTransform, utf8 } from './helpers.js';

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

/** Mostly well-formed values, with a share of every kind of trouble. */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: good, weight: 6 }, { arbitrary: bad, weight: 1 });

const text = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('', ' ', 'héllo 👋', '{"a":1}'));
const imageUrl = mostly(
  fc.constantFrom(`data:image/png;base64,${PNG}`, 'https://example.com/cat.jpg'),
  fc.constantFrom(
    'data:image/svg+xml;base64,PHN2Zz4=',
    'data:image/png;base64,',
    'http://example.com/cat.jpg',
    'ftp://example.com/cat.jpg',
    'https://',
  ),
);
const part = mostly(
  fc.oneof(
    text.map((t) => ({ type: 'text', text: t })),
    imageUrl.map((url) => ({ type: 'image_url', image_url: { url } })),
  ),
  fc.oneof(
    fc.constant({ type: 'input_audio', input_audio: { data: 'AAAA', format: 'wav' } }),
    text.map((r) => ({ type: 'refusal', refusal: r })),
  ),
);
const content = fc.oneof(text, fc.array(part, { maxLength: 3 }));
const textContent = fc.oneof(
  text,
  fc.array(
    text.map((t) => ({ type: 'text', text: t })),
    { maxLength: 2 },
  ),
);
const args = mostly(
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })).map((o) => JSON.stringify(o)),
  fc.constantFrom('', '  ', 'not json', '[1,2]', 'null', '"str"'),
);
const toolCall = fc.record({
  id: fc.constantFrom('call_1', 'toolu_01A', 'call.2:x', 'c'),
  type: mostly(fc.constant('function'), fc.constant('custom')),
  function: fc.record({ name: fc.constantFrom('lookup', 'clock'), arguments: args }),
});
const message = mostly(
  fc.oneof(
    fc.record({ role: fc.constantFrom('system', 'developer'), content: textContent }),
    fc.record({ role: fc.constant('user'), content }),
    fc.record(
      {
        role: fc.constant('assistant'),
        content: fc.oneof(textContent, fc.constant(null)),
        tool_calls: fc.array(toolCall, { maxLength: 2 }),
      },
      { requiredKeys: ['role'] },
    ),
    fc.record({
      role: fc.constant('tool'),
      tool_call_id: fc.constantFrom('call_1', 'toolu_01A', 'x'),
      content: textContent,
    }),
  ),
  fc.oneof(
    fc.record({ role: fc.constantFrom('system', 'tool'), tool_call_id: fc.constant('t'), content }),
    fc.record({ role: fc.constant('function'), name: fc.constant('f'), content: fc.string() }),
  ),
);
const tool = mostly(
  fc.record(
    {
      type: fc.constant('function'),
      function: fc.record(
        {
          name: fc.constantFrom('lookup', 'clock'),
          description: fc.string({ maxLength: 8 }),
          parameters: fc.constantFrom(
            {},
            { type: 'object', properties: { q: { type: 'string' } } },
            { properties: {} },
          ),
        },
        { requiredKeys: ['name'] },
      ),
    },
    { requiredKeys: ['type'] },
  ),
  fc.constantFrom(
    { type: 'custom', custom: { name: 'x' } },
    { type: 'function', function: { name: 'gateway_json_output' } },
  ),
);
/** One parameter per entry: a usual value most of the time, sometimes one Anthropic must refuse. */
const params = fc.record(
  {
    temperature: mostly(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(1.5, 2, null)),
    top_p: mostly(fc.constantFrom(0.95, 0.99, 1), fc.double({ min: 0, max: 1, noNaN: true })),
    top_k: mostly(fc.integer({ min: 0, max: 100 }), fc.constantFrom(-1, 2.5, '5', null)),
    n: mostly(fc.constant(1), fc.integer({ min: 2, max: 3 })),
    max_tokens: mostly(fc.integer({ min: 2000, max: 70_000 }), fc.integer({ min: 1, max: 2000 })),
    max_completion_tokens: mostly(fc.integer({ min: 2000, max: 70_000 }), fc.integer({ min: 1, max: 2000 })),
    stop: fc.oneof(
      fc.string({ maxLength: 4 }),
      fc.array(fc.string({ maxLength: 4 }), { maxLength: 4 }),
      fc.constant(null),
    ),
    tools: fc.array(tool, { maxLength: 3 }),
    tool_choice: mostly(
      fc.constantFrom('auto', 'none', 'required', { type: 'function', function: { name: 'lookup' } }),
      fc.constantFrom('sometimes', { type: 'function', function: {} }, { type: 'allowed_tools' }, 42),
    ),
    parallel_tool_calls: mostly(fc.boolean(), fc.constant('yes')),
    response_format: mostly(
      fc.constantFrom(
        { type: 'text' },
        { type: 'json_object' },
        { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object', properties: {} } } },
        { type: 'json_schema', json_schema: { name: 'x' } },
      ),
      fc.constantFrom(
        { type: 'json_schema', json_schema: { name: 'x', schema: { type: 'array' } } },
        { type: 'json_schema' },
        { type: 'grammar' },
      ),
    ),
    reasoning_effort: mostly(
      fc.constantFrom('none', 'minimal', 'low', 'medium', 'high', 'xhigh'),
      fc.constantFrom('max', 3),
    ),
    user: mostly(fc.string({ maxLength: 6 }), fc.constant(7)),
    seed: fc.integer(),
    logprobs: mostly(fc.constant(false), fc.constant(true)),
    frequency_penalty: mostly(fc.constant(0), fc.constant(0.5)),
    stream: fc.boolean(),
    stream_options: fc.constant({ include_usage: true }),
    mystery_param: fc.constant(true),
  },
  { requiredKeys: [] },
);
/** Usually a handful of parameters, as real requests carry. */
const someParams = params.map((all) => {
  const keys = Object.keys(all);
  const kept = keys.filter((_, i) => (i * 7 + keys.length) % 5 === 0 || keys.length < 4);
  return Object.fromEntries(kept.map((k) => [k, (all as Record<string, unknown>)[k]]));
});
const model = fc.constantFrom(
  'claude-3-haiku-20240307',
  'claude-3-5-haiku-latest',
  'claude-3-7-sonnet-latest',
  'claude-sonnet-4-20250514',
  'claude-opus-4-1',
  'claude-sonnet-4-5',
  'claude-haiku-4-5',
  'claude-opus-4-7',
  'claude-mystery-9',
);

/** Requests the gateway's own validation lets through: what the adapter can be handed. */
const validRequest = fc
  .tuple(fc.array(message, { minLength: 1, maxLength: 6 }), fc.oneof(params, someParams, someParams))
  .map(([messages, extra]): ChatRequest => ({ model: 'anthropic/claude', messages, ...extra }))
  .filter((chat) => chatRequestSchema.safeParse(chat).success);

function checkBody(body: Record<string, unknown>): void {
  expect(Number.isInteger(body.max_tokens) && (body.max_tokens as number) >= 1).toBe(true);
  const messages = body.messages as { role: string; content: { type: string; text?: string }[] }[];
  expect(messages.length).toBeGreaterThan(0);
  messages.forEach((m, i) => {
    expect(['user', 'assistant']).toContain(m.role);
    if (i > 0) expect(m.role).not.toBe(messages[i - 1]?.role);
    expect(m.content.length).toBeGreaterThan(0);
    for (const block of m.content) if (block.type === 'text') expect(block.text).not.toBe('');
    const firstOther = m.content.findIndex((b) => b.type !== 'tool_result');
    if (firstOther >= 0)
      expect(m.content.slice(firstOther).some((b) => b.type === 'tool_result')).toBe(false);
  });
  const thinking = body.thinking as { type: string; budget_tokens?: number } | undefined;
  if (thinking?.type === 'enabled') {
    expect(thinking.budget_tokens).toBeGreaterThanOrEqual(1024);
    expect(thinking.budget_tokens).toBeLessThan(body.max_tokens as number);
  }
  if (body.temperature !== undefined) expect(body.temperature).toBeLessThanOrEqual(1);
}

describe('properties', () => {
  it('any valid OpenAI request either translates to a well-formed Messages body or is a 400, never anything else', () => {
    fc.assert(
      fc.property(validRequest, model, (chat, upstreamModel) => {
        const call = anthropicCall({ upstreamModel, stream: chat.stream === true });
        let body: Record<string, unknown>;
        try {
          body = JSON.parse(buildRequest(chat, call).body ?? '');
        } catch (err) {
          expect(err).toBeInstanceOf(GatewayError);
          expect((err as GatewayError).status).toBe(400);
          expect((err as GatewayError).param).toBeTruthy();
          return;
        }
        checkBody(body);
      }),
      { numRuns: 3000 },
    );
  });

  it('translates a fair share of requests (the generator is not all refusals)', () => {
    let ok = 0;
    fc.assert(
      fc.property(validRequest, model, (chat, upstreamModel) => {
        try {
          buildRequest(chat, anthropicCall({ upstreamModel }));
          ok++;
        } catch {
          // counted above
        }
      }),
      { numRuns: 500 },
    );
    expect(ok).toBeGreaterThan(25);
  });

  it('any 2xx body either reads as a completion or is a GatewayError', () => {
    const block = fc.oneof(
      fc.record({ type: fc.constant('text'), text: fc.oneof(fc.string(), fc.integer()) }),
      fc.record({
        type: fc.constant('tool_use'),
        id: fc.oneof(fc.string(), fc.constant(undefined)),
        name: fc.string(),
        input: fc.jsonValue(),
      }),
      fc.record({ type: fc.constant('thinking'), thinking: fc.string() }),
      fc.jsonValue(),
    );
    const body = fc.oneof(
      fc.record({
        id: fc.string(),
        content: fc.oneof(fc.array(block), fc.jsonValue()),
        stop_reason: fc.jsonValue(),
        usage: fc.jsonValue(),
      }),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(
        fc.oneof(
          body.map((b) => JSON.stringify(b)),
          fc.string(),
        ),
        (text) => {
          try {
            const out = readResponse(text, anthropicCall());
            const parsed = JSON.parse(out.body);
            expect(parsed.object).toBe('chat.completion');
            for (const call of parsed.choices[0].message.tool_calls ?? [])
              JSON.parse(call.function.arguments);
          } catch (err) {
            expect(err).toBeInstanceOf(GatewayError);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('any cut of a real stream, in any chunking, ends with exactly one of [DONE] or an error event', async () => {
    const sources = [
      'stream-text.sse',
      'stream-tool-calls.sse',
      'stream-thinking.sse',
      'stream-error.sse',
    ].map((f) => utf8(fixtureText(`anthropic/${f}`)));
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: sources.length - 1 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 50 }),
        async (which, keep, size) => {
          const source = sources[which]!;
          const bytes = source.slice(0, Math.floor(source.length * keep));
          const out = await runTransform(
            relayTransform(streamRelay(anthropicCall({ stream: true }), recordingHooks())),
            pieces(bytes, size),
          );
          const events = dataOf(out.text);
          const ends = events.filter((e) => e === '[DONE]' || e.startsWith('{"error"'));
          expect(ends).toHaveLength(1);
          expect(events.at(-1)).toBe(ends[0]);
          for (const e of events) if (e !== '[DONE]') JSON.parse(e);
        },
      ),
      { numRuns: 300 },
    );
  });
});
