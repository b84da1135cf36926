import fc from 'fast-check';

/**
 * Generated /v1/chat/completions bodies for the properties of the fast validation
 * (src/chat/chat-check.ts) and of forwarding the client's text (client-body.ts): `validChatBody`
 * the schema accepts, `nearChatBody` sits on every bound of the schema and just past it, in every
 * field the schema checks, with unknown fields of any JSON beside them.
 */

const anyJson = fc.jsonValue({ maxDepth: 3 });
// Keys the schema checks somewhere, so that a stray one lands on a checked field.
const SCHEMA_KEYS = [
  'type',
  'text',
  'url',
  'detail',
  'name',
  'id',
  'arguments',
  'content',
  'role',
  'include_usage',
];
/** Written out as `__proto__` by `toBodyText`: an own key JSON.parse makes and a zod copy loses. */
export const PROTO_STANDIN = '__protostandin__';
const key = fc.oneof(
  { arbitrary: fc.string({ maxLength: 6 }), weight: 3 },
  { arbitrary: fc.constantFrom(...SCHEMA_KEYS, PROTO_STANDIN), weight: 1 },
);
const extras = fc.dictionary(key, anyJson, { maxKeys: 2 });
const withExtras = <T extends object>(arb: fc.Arbitrary<T>, weight = 1) =>
  fc
    .tuple(arb, fc.oneof({ arbitrary: fc.constant({}), weight: 3 * weight }, extras))
    .map(([v, e]) => ({ ...e, ...v }));

const odd = fc.constantFrom(
  null,
  undefined,
  0,
  -1,
  1.5,
  '',
  'x',
  true,
  [],
  {},
  Number.NaN,
  Number.POSITIVE_INFINITY,
);
/** A value that is right most of the time and anything else sometimes. */
const mostly = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: arb, weight: 40 }, { arbitrary: odd, weight: 1 }, { arbitrary: anyJson, weight: 1 });
/** One of `good` mostly, one of `edges` (on a bound or just past it) sometimes. */
const edgy = <T>(good: fc.Arbitrary<T>, ...edges: T[]) =>
  fc.oneof({ arbitrary: good, weight: 12 }, { arbitrary: fc.constantFrom(...edges), weight: 1 });

const MODELS = [
  'openai/gpt-4o-mini',
  'gpt-4o',
  'anthropic/claude-sonnet-4-5',
  'meta-llama/llama-4:free',
  'a',
  'a'.repeat(256),
  'a'.repeat(257),
  '',
  'openai/../x',
  'openai//x',
  'openai/./x',
  'x/',
  '/x',
  '.x',
  'a...b',
  'x y',
  'x\u0000',
  'é',
];
const modelId = fc.oneof(
  { arbitrary: fc.constantFrom('openai/gpt-4o-mini', 'gpt-4o', 'meta-llama/llama-4:free'), weight: 12 },
  { arbitrary: fc.constantFrom(...MODELS), weight: 1 },
  { arbitrary: fc.stringMatching(/^[A-Za-z0-9./:@+_-]{0,12}$/), weight: 1 },
);

const text = fc.string({ maxLength: 20 });
const textPart = withExtras(fc.record({ type: fc.constant('text'), text: mostly(text) }));
const imagePart = withExtras(
  fc.record({
    type: fc.constant('image_url'),
    image_url: mostly(
      withExtras(
        fc.record(
          {
            url: mostly(edgy(fc.constantFrom('data:image/png;base64,iVBOR', 'https://x.test/a.png'), '')),
            detail: mostly(edgy(fc.constantFrom('auto', 'low', 'high'), 'medium', 'LOW')),
          },
          { requiredKeys: ['url'] },
        ),
      ),
    ),
  }),
);
const otherPart = withExtras(
  fc.record({ type: mostly(edgy(fc.constantFrom('input_audio', 'file', 'refusal'), '')) }),
);
const part = fc.oneof(textPart, imagePart, otherPart);
const content = mostly(fc.oneof(text, fc.array(part, { maxLength: 3 })));

const toolCall = withExtras(
  fc.record(
    {
      id: mostly(edgy(fc.constant('call_1'), '')),
      type: mostly(fc.constant('function')),
      function: mostly(
        withExtras(
          fc.record({ name: mostly(edgy(fc.constant('f'), '')), arguments: mostly(fc.constant('{}')) }),
        ),
      ),
    },
    { requiredKeys: ['id'] },
  ),
);
// The string-only function role is rarer, so that more generated bodies pass.
const ROLES = [
  'system',
  'developer',
  'user',
  'user',
  'user',
  'assistant',
  'assistant',
  'tool',
  'function',
] as const;
const message = withExtras(
  fc.record(
    {
      role: mostly(fc.constantFrom(...ROLES)),
      content,
      name: mostly(edgy(fc.constant('bob'), '')),
      tool_calls: mostly(fc.array(toolCall, { maxLength: 2 })),
      tool_call_id: mostly(edgy(fc.constant('call_1'), '')),
    },
    { requiredKeys: ['role', 'content', 'name', 'tool_call_id'] },
  ),
);
const tool = withExtras(
  fc.record(
    {
      type: mostly(edgy(fc.constant('function'), '')),
      function: mostly(
        withExtras(
          fc.record(
            {
              name: mostly(edgy(fc.constantFrom('lookup', 'a'.repeat(64)), 'a'.repeat(65), 'bad name', '')),
              description: mostly(text),
              parameters: mostly(fc.dictionary(key, anyJson, { maxKeys: 3 })),
            },
            { requiredKeys: ['name'] },
          ),
        ),
      ),
    },
    { requiredKeys: ['type'] },
  ),
);
const number = (min: number, max: number, ...edges: number[]) =>
  mostly(edgy(fc.double({ min, max, noNaN: true }), min, max, -0, ...edges));
const int = (min: number, max: number, ...edges: number[]) =>
  mostly(edgy(fc.integer({ min, max }), min, max, min - 1, max + 1, 1.5, ...edges));
const SAFE = [2 ** 53 - 1, 2 ** 53, -(2 ** 53) + 1, -(2 ** 53)];

export const nearChatBody = withExtras(
  fc.record(
    {
      model: mostly(modelId),
      messages: mostly(fc.array(message, { minLength: 1, maxLength: 3 })),
      stream: mostly(fc.boolean()),
      stream_options: mostly(withExtras(fc.record({ include_usage: mostly(fc.boolean()) }))),
      tools: mostly(fc.array(tool, { maxLength: 3 })),
      temperature: number(0, 2, 2.0000001, -0.0000001),
      top_p: number(0, 1, 1.0000001),
      presence_penalty: number(-2, 2, -2.1, 2.1),
      frequency_penalty: number(-2, 2, -2.1, 2.1),
      n: int(1, 128),
      max_tokens: int(1, 2 ** 53 - 1, ...SAFE),
      max_completion_tokens: int(1, 2 ** 53 - 1, ...SAFE),
      top_logprobs: int(0, 20),
      seed: int(-(2 ** 53) + 1, 2 ** 53 - 1, ...SAFE),
      stop: mostly(fc.oneof(text, edgy(fc.array(text, { maxLength: 4 }), ['a', 'b', 'c', 'd', 'e']))),
      response_format: mostly(withExtras(fc.record({ type: mostly(edgy(fc.constant('json_object'), '')) }))),
    },
    { requiredKeys: ['model', 'messages'] },
  ),
  3,
);

/** Bodies the schema accepts, shaped like what SDKs send. */
export const validChatBody = fc.record(
  {
    model: fc.constantFrom('openai/gpt-4o-mini', 'gpt-4o', 'meta-llama/llama-4:free'),
    messages: fc.array(
      fc.oneof(
        fc.record({ role: fc.constantFrom('system', 'user', 'developer'), content: fc.string() }),
        fc.record({
          role: fc.constant('user'),
          content: fc.array(
            fc.oneof(
              fc.record({ type: fc.constant('text'), text: fc.string() }),
              fc.record({
                type: fc.constant('image_url'),
                image_url: fc.record({
                  url: fc.constant('data:image/png;base64,iVBOR'),
                  detail: fc.constant('low'),
                }),
              }),
            ),
            { maxLength: 2 },
          ),
        }),
        fc.record({
          role: fc.constant('assistant'),
          content: fc.constant(null),
          tool_calls: fc.constant([
            { id: 'call_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } },
          ]),
        }),
        fc.record({ role: fc.constant('tool'), content: fc.string(), tool_call_id: fc.constant('call_1') }),
      ),
      { minLength: 1, maxLength: 4 },
    ),
    stream: fc.boolean(),
    stream_options: fc.record({ include_usage: fc.boolean() }, { requiredKeys: [] }),
    tools: fc.constant([
      { type: 'function', function: { name: 'f', parameters: { type: 'object', properties: {} } } },
    ]),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    max_tokens: fc.integer({ min: 1, max: 4096 }),
    stop: fc.array(fc.string(), { maxLength: 4 }),
    response_format: fc.constant({ type: 'json_object' }),
    user: fc.string(),
    metadata: fc.dictionary(fc.string(), fc.string(), { maxKeys: 2 }),
  },
  { requiredKeys: ['model', 'messages'] },
);

/** The body as a client sends it: JSON text, with the stand-in key turned into `__proto__`. */
export function toBodyText(body: unknown, indent?: number): string {
  return JSON.stringify(body, null, indent).replaceAll(`"${PROTO_STANDIN}"`, '"__proto__"');
}
