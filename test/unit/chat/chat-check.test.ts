import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptsChat } from '../../../src/chat/chat-check.js';
import { chatRequestSchema } from '../../../src/chat/schema.js';
import { nearChatBody, toBodyText, validChatBody } from '../../helpers/chat-bodies.js';

/**
 * The fast check may only say yes where the zod schema says yes, and then the body must be what
 * the schema would have made of it (the route uses the body itself in place of the schema's copy).
 * Generated objects may have no prototype (zod's copies do), so only the objects JSON.parse made
 * are compared prototype and all.
 */
function agreesWithSchema(body: unknown, fromText = true): boolean {
  const fast = acceptsChat(body);
  const schema = chatRequestSchema.safeParse(body);
  if (fast) {
    expect(schema.success).toBe(true);
    if (fromText) expect(schema.data).toStrictEqual(body);
    else expect(schema.data).toEqual(body);
  }
  return fast;
}

const ok = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };
const user = (content: unknown) => ({ ...ok, messages: [{ role: 'user', content }] });
const tool = (fn: unknown) => ({ ...ok, tools: [{ type: 'function', function: fn }] });

describe('acceptsChat: the fast validation of chat bodies', () => {
  it('never accepts a body the schema refuses (generated bodies, as objects and as parsed text)', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(nearChatBody, (body) => {
        for (const fromText of [false, true]) {
          if (agreesWithSchema(fromText ? JSON.parse(toBodyText(body)) : body, fromText)) accepted++;
          else refused++;
        }
      }),
      { numRuns: 3000 },
    );
    // Both sides of the line are exercised.
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });

  it('accepts the typical bodies the schema accepts', () => {
    fc.assert(
      fc.property(validChatBody, (body) => {
        const parsed = JSON.parse(toBodyText(body));
        expect(chatRequestSchema.safeParse(parsed).success).toBe(true);
        expect(agreesWithSchema(parsed)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('never accepts JSON of any other shape that the schema refuses', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (value) => {
        agreesWithSchema(value, false);
        agreesWithSchema(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['tools and tool calls', { ...tool({ name: 'f', parameters: { type: 'object' } }), tool_choice: 'auto' }],
    [
      'an assistant turn without content',
      { ...ok, messages: [{ role: 'assistant', tool_calls: [{ id: 'c' }] }] },
    ],
    ['a function result', { ...ok, messages: [{ role: 'function', name: 'f', content: null }] }],
    [
      'image and unknown parts',
      user([{ type: 'image_url', image_url: { url: 'u' } }, { type: 'input_audio' }]),
    ],
    ['nulls for the nullish fields', { ...ok, stream: null, tools: null, temperature: null, stop: null }],
    [
      'the bounds themselves',
      { ...ok, temperature: 2, top_p: 0, n: 128, top_logprobs: 20, seed: 2 ** 53 - 1 },
    ],
    ['a 256-character model id', { ...ok, model: 'a'.repeat(256) }],
    ['four stop sequences', { ...ok, stop: ['a', 'b', 'c', 'd'] }],
    ['unknown fields of any kind', { ...ok, logit_bias: { '50256': -100 }, web_search_options: {} }],
  ])('accepts %s', (_name, body) => {
    expect(agreesWithSchema(body)).toBe(true);
  });

  it.each([
    ['a body that is not an object', [ok]],
    ['a model id with a ".." segment', { ...ok, model: 'openai/../x' }],
    ['an empty segment', { ...ok, model: 'openai//x' }],
    ['a 257-character model id', { ...ok, model: 'a'.repeat(257) }],
    ['no messages', { ...ok, messages: [] }],
    ['an unknown role', { ...ok, messages: [{ role: 'wizard', content: 'x' }] }],
    ['a text part without text', user([{ type: 'text' }])],
    ['an image part with an empty url', user([{ type: 'image_url', image_url: { url: '' } }])],
    ['an image detail of null', user([{ type: 'image_url', image_url: { url: 'u', detail: null } }])],
    ['a part with an empty type', user([{ type: '' }])],
    ['tool_calls of null', { ...ok, messages: [{ role: 'assistant', tool_calls: null }] }],
    ['a tool message without tool_call_id', { ...ok, messages: [{ role: 'tool', content: 'x' }] }],
    ['a function message without content', { ...ok, messages: [{ role: 'function', name: 'f' }] }],
    ['a 65-character tool name', tool({ name: 'a'.repeat(65) })],
    ['parameters that are an array', tool({ name: 'f', parameters: [] })],
    ['129 tools', { ...ok, tools: Array(129).fill({ type: 'function' }) }],
    ['a seed past the safe integers', { ...ok, seed: 2 ** 53 }],
    ['max_tokens of Infinity', { ...ok, max_tokens: Number.POSITIVE_INFINITY }],
    ['a temperature of NaN', { ...ok, temperature: Number.NaN }],
    ['include_usage of null', { ...ok, stream_options: { include_usage: null } }],
    ['five stop sequences', { ...ok, stop: ['a', 'b', 'c', 'd', 'e'] }],
    ['an empty response_format type', { ...ok, response_format: { type: '' } }],
  ])('leaves %s to the schema', (_name, body) => {
    expect(acceptsChat(body)).toBe(false);
    expect(chatRequestSchema.safeParse(body).success).toBe(false);
  });

  it.each([
    ['the body', '{"__proto__":{},"model":"gpt-4o","messages":[{"role":"user","content":"x"}]}'],
    ['a message', '{"model":"gpt-4o","messages":[{"role":"user","content":"x","__proto__":1}]}'],
    ['a part', '{"model":"gpt-4o","messages":[{"role":"user","content":[{"type":"x","__proto__":1}]}]}'],
    [
      'tool parameters',
      '{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function","function":{"name":"f","parameters":{"__proto__":{}}}}]}',
    ],
  ])('leaves an own __proto__ key in %s to the schema (its copy would drop the key)', (_name, text) => {
    const body = JSON.parse(text);
    expect(chatRequestSchema.safeParse(body).success).toBe(true);
    expect(acceptsChat(body)).toBe(false);
  });
});
