import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chatRequestSchema } from '../../../src/chat/schema.js';
import { GatewayError } from '../../../src/errors.js';
import { checkJsonDepth } from '../../../src/http/json-depth.js';
import { parseBody } from '../../../src/http/validate.js';
import { adapterFor } from '../../../src/providers/registry.js';
import type { ChatRequest } from '../../../src/providers/types.js';
import { anthropicCall } from './anthropic/helpers.js';
import { googleCall } from './google/helpers.js';
import { callContext } from './openai-compatible/helpers.js';

/**
 * The request path under arbitrary input: the depth check, the request schema and every provider
 * converter either accept a body or refuse it with a 400-class GatewayError — never a TypeError,
 * a RangeError or a 500. The per-provider properties.test.ts files generate well-formed requests;
 * these generate anything JSON can hold, in every field the converters read.
 */
const anyJson = fc.jsonValue({ maxDepth: 4 });
const loose = fc.oneof(
  anyJson,
  fc.string(),
  fc.constantFrom(
    null,
    0,
    -1,
    1e308,
    true,
    '',
    [],
    {},
    'auto',
    'none',
    'required',
    'json_object',
    'json_schema',
  ),
);
const contentPart = fc.oneof(
  fc.record(
    {
      type: fc.constantFrom('text', 'image_url', 'input_audio', 'file', 'refusal', 'x'),
      text: loose,
      image_url: loose,
    },
    { requiredKeys: ['type'] },
  ),
  anyJson,
);
const message = fc.oneof(
  fc.record(
    {
      role: fc.oneof(fc.constantFrom('system', 'developer', 'user', 'assistant', 'tool', 'function'), loose),
      content: fc.oneof(loose, fc.array(contentPart, { maxLength: 3 })),
      name: loose,
      tool_calls: fc.oneof(
        loose,
        fc.array(
          fc.record({ id: loose, type: loose, function: fc.record({ name: loose, arguments: loose }) }),
          { maxLength: 2 },
        ),
      ),
      tool_call_id: loose,
    },
    { requiredKeys: ['role'] },
  ),
  anyJson,
);
const tool = fc.oneof(
  fc.record({
    type: fc.constantFrom('function', 'custom', 'x'),
    function: fc.record({
      name: loose,
      description: loose,
      parameters: fc.oneof(anyJson, fc.dictionary(fc.string(), anyJson)),
      strict: loose,
    }),
  }),
  anyJson,
);
const KNOWN = [
  'temperature',
  'top_p',
  'top_k',
  'n',
  'max_tokens',
  'max_completion_tokens',
  'stop',
  'seed',
  'presence_penalty',
  'frequency_penalty',
  'response_format',
  'tool_choice',
  'parallel_tool_calls',
  'reasoning_effort',
  'stream_options',
  'logprobs',
  'user',
  'metadata',
  'modalities',
  'prediction',
  'safety_identifier',
];
const body = fc
  .record(
    {
      model: fc.oneof(
        fc.constantFrom(
          'openai/gpt-4o',
          'anthropic/claude-sonnet-4-5',
          'google/gemini-2.5-flash',
          'claude-3-haiku',
          'gemini-3-pro',
        ),
        loose,
      ),
      messages: fc.oneof(fc.array(message, { minLength: 1, maxLength: 4 }), loose),
      stream: loose,
      tools: fc.oneof(fc.array(tool, { maxLength: 3 }), loose),
      extra: fc.dictionary(fc.constantFrom(...KNOWN), loose, { maxKeys: 5 }),
    },
    { requiredKeys: [] },
  )
  .map(({ extra, ...rest }) => ({ ...rest, ...extra }));

/** Bodies close enough to valid that many pass the schema, with any value in the fields converters read. */
const plausible = fc
  .record({
    model: fc.constantFrom('openai/gpt-4o', 'anthropic/claude-sonnet-4-5', 'google/gemini-2.5-flash'),
    messages: fc.array(
      fc.oneof(
        {
          arbitrary: fc.record({ role: fc.constantFrom('user', 'system'), content: fc.string() }),
          weight: 4,
        },
        { arbitrary: message, weight: 1 },
      ),
      { minLength: 1, maxLength: 4 },
    ),
    tools: fc.option(
      fc.array(
        fc.oneof(
          fc.record({
            type: fc.constant('function'),
            function: fc.record({
              name: fc.constantFrom('f', 'lookup'),
              parameters: fc.dictionary(fc.string(), anyJson),
            }),
          }),
          tool,
        ),
        { maxLength: 2 },
      ),
      { nil: undefined },
    ),
    extra: fc.dictionary(fc.constantFrom(...KNOWN), loose, { maxKeys: 2 }),
  })
  .map(({ extra, tools, ...rest }) => ({ ...rest, ...(tools ? { tools } : {}), ...extra }));

const CALLS = [
  ['openai', () => callContext()],
  ['anthropic', () => anthropicCall()],
  ['google', () => googleCall()],
] as const;

/** Runs `fn`; anything thrown must be a GatewayError in the 400s. Returns whether it passed. */
function onlyClientErrors(fn: () => unknown): boolean {
  try {
    fn();
    return true;
  } catch (err) {
    if (!(err instanceof GatewayError)) throw err;
    expect(err.status).toBeGreaterThanOrEqual(400);
    expect(err.status).toBeLessThan(500);
    return false;
  }
}

describe('any input through the request path', () => {
  it('the depth check and the schema refuse with a 400 or accept; nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(body, anyJson), (input) => {
        onlyClientErrors(() => {
          checkJsonDepth(input);
          parseBody(chatRequestSchema, input);
        });
      }),
      { numRuns: 400 },
    );
  });

  it.each(CALLS)(
    'the %s converter refuses with a 400-class error or builds a request; nothing else',
    (_name, call) => {
      let built = 0;
      fc.assert(
        fc.property(fc.oneof(plausible, body), (input) => {
          let chat: ChatRequest;
          try {
            chat = parseBody(chatRequestSchema, input) as ChatRequest;
          } catch {
            return; // refused by the schema: covered above
          }
          const ctx = call();
          if (onlyClientErrors(() => adapterFor(ctx.provider).buildRequest(chat, ctx))) built++;
        }),
        { numRuns: 400 },
      );
      // Not every run is a refusal: some inputs get through to a built request.
      expect(built).toBeGreaterThan(0);
    },
  );

  it('a body nested past the limit is a 400 naming a field, however it nests', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('a', 'b', 0), { minLength: 130, maxLength: 300 }), (path) => {
        let value: unknown = 1;
        for (const step of [...path].reverse()) value = step === 0 ? [value] : { [step]: value };
        const root = { model: 'openai/gpt-4o', deep: value };
        try {
          checkJsonDepth(root);
          throw new Error('accepted a body nested too deep');
        } catch (err) {
          if (!(err instanceof GatewayError)) throw err;
          expect(err.status).toBe(400);
          expect(err.param).toMatch(/^deep/);
        }
      }),
      { numRuns: 50 },
    );
  });
});
