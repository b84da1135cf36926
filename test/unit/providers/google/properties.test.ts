import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatRequestSchema } from '../../../../src/chat/schema.js';
import { GatewayError } from '../../../../src/errors.js';
import { buildRequest } from '../../../../src/providers/google/build-request.js';
import { readResponse } from '../../../../src/providers/google/read-response.js';
import { streamRelay } from '../../../../src/providers/google/stream-relay.js';
import type { ChatRequest } from '../../../../src/providers/types.js';
import { relayTransform } from '../../../helpers/relay-transform.js';
import { GOOGLE_KEY, googleCall, recordingHooks, runTransform, utf8 } from './helpers.js';

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const ids = fc.constantFrom('call_1', 'call_2', 'call_3', 'toolu_x');
const names = fc.constantFrom('lookup', 'get_time', 'f', '9bad', 'a.b:c-d');
const text = fc.string({ maxLength: 20 });

const imageUrl = fc.constantFrom(
  `data:image/png;base64,${PNG}`,
  'data:image/gif;base64,R0lGODlhAQABAAAAACw=',
  'data:image/svg+xml;base64,PHN2Zz4=',
  'data:text/plain,hello',
  'https://example.com/a.png',
  'http://169.254.169.254/latest/meta-data/',
);
const part = fc.oneof(
  fc.record({ type: fc.constant('text'), text }),
  fc.record({ type: fc.constant('image_url'), image_url: fc.record({ url: imageUrl }) }),
  fc.record({ type: fc.constantFrom('input_audio', 'file', 'refusal'), refusal: text }),
);
const content = fc.oneof(text, fc.array(part, { maxLength: 3 }));
const args = fc.oneof(fc.constantFrom('', '{}', '{"q":"x"}', '[1]', 'null', '{bad'), fc.json());
const toolCall = fc.record({
  id: ids,
  type: fc.constantFrom('function', 'custom'),
  function: fc.record({ name: names, arguments: args }),
});
const message = fc.oneof(
  { arbitrary: fc.record({ role: fc.constant('user'), content: text }), weight: 4 },
  fc.record({ role: fc.constantFrom('system', 'developer'), content }),
  fc.record({ role: fc.constant('user'), content, name: fc.option(text, { nil: undefined }) }),
  fc.record({
    role: fc.constant('assistant'),
    content: fc.option(content, { nil: null }),
    tool_calls: fc.option(fc.array(toolCall, { maxLength: 3 }), { nil: undefined }),
  }),
  fc.record({ role: fc.constant('tool'), tool_call_id: ids, content }),
  fc.record({ role: fc.constant('function'), name: names, content: text }),
);
const tool = fc.record({
  type: fc.constantFrom('function', 'custom'),
  function: fc.record(
    {
      name: fc.constantFrom('lookup', 'get_time', 'f'),
      description: text,
      parameters: fc.constant({ type: 'object' }),
    },
    { requiredKeys: ['name'] },
  ),
});
/** A few parameters per request (each [name, value]), mostly plausible, some hostile. */
const param = fc.oneof(
  fc.tuple(fc.constant('temperature'), fc.double({ min: -1, max: 3, noNaN: true })),
  fc.tuple(fc.constant('top_p'), fc.double({ min: 0, max: 1, noNaN: true })),
  fc.tuple(fc.constant('top_k'), fc.integer({ min: -1, max: 100 })),
  fc.tuple(fc.constant('n'), fc.integer({ min: 1, max: 12 })),
  fc.tuple(fc.constantFrom('max_tokens', 'max_completion_tokens'), fc.integer({ min: 1, max: 100_000 })),
  fc.tuple(
    fc.constantFrom('presence_penalty', 'frequency_penalty'),
    fc.double({ min: -2, max: 2, noNaN: true }),
  ),
  fc.tuple(fc.constant('seed'), fc.integer()),
  fc.tuple(fc.constant('stop'), fc.oneof(text, fc.array(text, { maxLength: 4 }))),
  fc.tuple(fc.constant('stream'), fc.boolean()),
  fc.tuple(fc.constant('tools'), fc.array(tool, { maxLength: 3 })),
  fc.tuple(
    fc.constant('tool_choice'),
    fc.oneof(
      fc.constantFrom('auto', 'none', 'required', 'sometimes'),
      fc.record({ type: fc.constant('function'), function: fc.record({ name: names }) }),
    ),
  ),
  fc.tuple(fc.constant('parallel_tool_calls'), fc.boolean()),
  fc.tuple(
    fc.constant('response_format'),
    fc.oneof(
      fc.record({ type: fc.constantFrom('text', 'json_object', 'json_schema', 'grammar') }),
      fc.record({
        type: fc.constant('json_schema'),
        json_schema: fc.record({ name: text, schema: fc.constant({ type: 'object' }) }),
      }),
    ),
  ),
  fc.tuple(
    fc.constant('reasoning_effort'),
    fc.constantFrom('none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'),
  ),
  fc.tuple(fc.constant('logprobs'), fc.boolean()),
  fc.tuple(fc.constantFrom('user', 'metadata', 'unknown_field'), fc.anything()),
);
const params = fc.array(param, { maxLength: 3 }).map((entries) => Object.fromEntries(entries));
const model = fc.constantFrom(
  'gemini-2.5-flash',
  'gemini-2.5-pro',
  'gemini-2.5-flash-lite',
  'gemini-2.0-flash',
  'gemini-3-pro-preview',
  'gemini-3-flash-preview',
  'gemini-exp-1206',
  'gemma-3-27b-it',
);
const chatRequest = fc
  .tuple(model, fc.array(message, { minLength: 1, maxLength: 6 }), params)
  .map(([m, messages, p]) => ({ model: `google/${m}`, messages, ...p }) as ChatRequest);

/** Translates (true), or fails with a 400 GatewayError (false): anything else fails the property. */
function translatesOr400(chat: ChatRequest): boolean {
  const upstreamModel = chat.model.replace(/^google\//, '');
  try {
    const req = buildRequest(chat, googleCall({ upstreamModel, stream: chat.stream === true }));
    const body = JSON.parse(req.body ?? '');
    expect(Array.isArray(body.contents) && body.contents.length > 0).toBe(true);
    expect(req.url).not.toContain(GOOGLE_KEY);
    return true;
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    expect(err.status).toBe(400);
    expect(err.type).toBe('invalid_request_error');
    return false;
  }
}

describe('properties of the Gemini adapter', () => {
  it('translates every request the gateway accepts, or refuses it with a 400 — nothing else', () => {
    let translated = 0;
    let refused = 0;
    fc.assert(
      fc.property(chatRequest, (chat) => {
        fc.pre(chatRequestSchema.safeParse(chat).success);
        if (translatesOr400(chat)) translated++;
        else refused++;
      }),
      { numRuns: 600 },
    );
    // both outcomes really occur
    expect(translated).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  });

  it('never crashes on arbitrary JSON in any field', () => {
    const anyChat = fc
      .record({
        messages: fc.oneof(fc.array(fc.anything(), { maxLength: 4 }), fc.anything()),
        extra: fc.dictionary(fc.string(), fc.anything()),
      })
      .map(
        ({ messages, extra }) => ({ ...extra, model: 'google/gemini-2.5-flash', messages }) as ChatRequest,
      );
    fc.assert(
      fc.property(anyChat, (chat) => {
        translatesOr400(chat);
      }),
      { numRuns: 400 },
    );
  });

  it('reads any JSON answer into a chat.completion or a GatewayError', () => {
    const answer = fc.oneof(
      fc.json(),
      fc
        .record({
          candidates: fc.array(
            fc.record({
              content: fc.record({
                parts: fc.array(
                  fc.oneof(
                    fc.record({ text, thought: fc.boolean() }),
                    fc.record({ functionCall: fc.record({ name: names, args: fc.anything() }) }),
                    fc.anything(),
                  ),
                ),
              }),
              finishReason: fc.oneof(
                fc.constantFrom('STOP', 'MAX_TOKENS', 'SAFETY', 'MALFORMED_FUNCTION_CALL'),
                fc.anything(),
              ),
              index: fc.anything(),
            }),
          ),
          usageMetadata: fc.anything(),
        })
        .map((v) => JSON.stringify(v)),
    );
    fc.assert(
      fc.property(answer, (body) => {
        try {
          const out = JSON.parse(readResponse(body, googleCall({ stream: false })).body);
          expect(out.object).toBe('chat.completion');
          expect(out.choices.length).toBeGreaterThan(0);
        } catch (err) {
          if (!(err instanceof GatewayError)) throw err;
        }
      }),
      { numRuns: 300 },
    );
  });

  it('ends every stream with exactly one of [DONE] or an error event, however it is chunked', async () => {
    const event = fc.oneof(
      fc.constantFrom(
        '{"candidates": [{"content": {"parts": [{"text": "é"}]}}]}',
        '{"candidates": [{"content": {"parts": [{"functionCall": {"name": "f","args": {}}}]},"finishReason": "STOP"}]}',
        '{"candidates": [{"finishReason": "MAX_TOKENS"}],"usageMetadata": {"promptTokenCount": 1}}',
        '{"error": {"code": 503,"message": "busy"}}',
        'not json',
      ),
      fc.json(),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(event, { maxLength: 6 }),
        fc.integer({ min: 1, max: 40 }),
        async (evs, size) => {
          const bytes = utf8(evs.map((e) => `data: ${e}\r\n\r\n`).join(''));
          const chunks: Uint8Array[] = [];
          for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.slice(i, i + size));
          const out = await runTransform(relayTransform(streamRelay(googleCall(), recordingHooks())), chunks);
          const done = out.text.endsWith('data: [DONE]\n\n');
          const failed = /data: \{"error":[^\n]*\n\n$/.test(out.text);
          expect(done !== failed).toBe(true);
          expect((out.text.match(/\[DONE\]|"error":\{/g) ?? []).length).toBe(1);
        },
      ),
      { numRuns: 200 },
    );
  });
});
