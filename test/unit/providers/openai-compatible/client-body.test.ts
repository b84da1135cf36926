import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { acceptsChat } from '../../../../src/chat/chat-check.js';
import { chatRequestSchema } from '../../../../src/chat/schema.js';
import { checkJsonDepth } from '../../../../src/http/json-depth.js';
import { topLevelMembers } from '../../../../src/providers/kit/json-members.js';
import { buildRequest } from '../../../../src/providers/openai-compatible/build-request.js';
import { clientBodyWith } from '../../../../src/providers/openai-compatible/client-body.js';
import type { ChatRequest, ClientBody } from '../../../../src/providers/types.js';
import { nearChatBody, validChatBody } from '../../../helpers/chat-bodies.js';
import { jsonText } from '../../../helpers/json-text.js';
import { callContext } from './helpers.js';

/**
 * What the route does with a body (src/chat/routes.ts), then the upstream body built from it:
 * the client's text with the model swapped when the fast check said yes, else what the schema
 * made of it, serialised. `before` is the body as it was built before the client's text was kept;
 * `kept` says whether the text was used.
 */
function throughRoute(text: string, stream: boolean) {
  const value: unknown = JSON.parse(text);
  const members = checkJsonDepth(value);
  const schema = chatRequestSchema.safeParse(value);
  if (!schema.success) return undefined;
  const zodChat = schema.data as ChatRequest;
  const call = callContext({ stream, upstreamModel: 'gpt-4o-mini' });
  const before: ChatRequest = { ...zodChat, model: call.upstreamModel };
  if (stream) before.stream_options = { ...zodChat.stream_options, include_usage: true };
  if (!acceptsChat(value)) return { sent: buildRequest(zodChat, call).body ?? '', before, kept: false };
  const clientBody = { text, members };
  const kept = clientBodyWith({ text, members }, call.upstreamModel) !== undefined;
  return { sent: buildRequest(value, { ...call, clientBody }).body ?? '', before, kept };
}

describe("forwarding the client's body text", () => {
  it('sends the same JSON value as serialising the validated body, for any text of any body', () => {
    let kept = 0;
    fc.assert(
      fc.property(
        fc.oneof(validChatBody, nearChatBody),
        fc.infiniteStream(fc.nat()),
        fc.boolean(),
        (body, choices, stream) => {
          const route = throughRoute(jsonText(body, choices), stream);
          if (!route) return;
          // toStrictEqual tells -0 from 0 and keeps every key, wherever it sits.
          expect(JSON.parse(route.sent)).toStrictEqual(JSON.parse(JSON.stringify(route.before)));
          if (route.kept) kept++;
        },
      ),
      { numRuns: 2000 },
    );
    expect(kept).toBeGreaterThan(200);
  });

  it.each([
    ['a repeated top-level key', '{"model":"a","model":"gpt-4o","messages":[{"role":"user","content":"x"}]}'],
    ['a repeated key deep inside', '{"model":"m","messages":[{"role":"user","content":"x","role":"user"}]}'],
    ['an escaped top-level key', '{"mod\\u0065l":"m","messages":[{"role":"user","content":"x"}]}'],
    ['a number that overflows', '{"model":"m","messages":[{"role":"user","content":"x"}],"x":1e999}'],
    ['a negative zero', '{"model":"m","messages":[{"role":"user","content":"x"}],"x":[-0.0]}'],
  ])('serialises the body instead when it has %s', (_name, text) => {
    const route = throughRoute(text, false);
    expect(route?.kept).toBe(false);
    expect(JSON.parse(route?.sent ?? '')).toStrictEqual(JSON.parse(JSON.stringify(route?.before)));
  });

  it("keeps the client's spacing, key order and number spelling, swapping only the model", () => {
    const text =
      '{ "messages": [ {"role":"user", "content":"\\u00e9\\"}"} ],\n "temperature": 1.0, "model" : "openai/gpt-4o-mini" }';
    expect(throughRoute(text, false)?.sent).toBe(
      '{ "messages": [ {"role":"user", "content":"\\u00e9\\"}"} ],\n "temperature": 1.0, "model" : "gpt-4o-mini" }',
    );
  });

  it('replaces stream_options where it is, or adds it after the last member, when streaming', () => {
    const msgs = '"messages":[{"role":"user","content":"x"}]';
    expect(throughRoute(`{"stream_options":{"x":1},"model":"m",${msgs},"stream":true}`, true)?.sent).toBe(
      `{"stream_options":{"x":1,"include_usage":true},"model":"gpt-4o-mini",${msgs},"stream":true}`,
    );
    expect(throughRoute(`{"model":"m",${msgs},"stream":true }`, true)?.sent).toBe(
      `{"model":"gpt-4o-mini",${msgs},"stream":true ,"stream_options":{"include_usage":true}}`,
    );
  });

  it('finds the members once for every key tried', () => {
    const text = '{"model":"m","messages":[{"role":"user","content":"x"}]}';
    const clientBody: ClientBody = { text, members: 4 };
    const chat = JSON.parse(text);
    buildRequest(chat, callContext({ stream: false, clientBody }));
    const shape = clientBody.shape;
    expect(shape?.members.map((m) => m.key)).toEqual(['model', 'messages']);
    expect(buildRequest(chat, callContext({ stream: true, clientBody })).body).toBe(
      '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"x"}],"stream_options":{"include_usage":true}}',
    );
    expect(clientBody.shape).toBe(shape);
  });
});

describe('topLevelMembers', () => {
  it('finds each top-level value and counts the pairs at every depth', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 3 })),
        fc.infiniteStream(fc.nat()),
        (obj, choices) => {
          const text = jsonText(obj, choices, false);
          const value = JSON.parse(text);
          const found = topLevelMembers(text);
          if (!found) return; // an escaped key, an exponent or a negative zero
          expect(found.pairs).toBe(checkJsonDepth(value));
          expect(found.members.map((m) => m.key).sort()).toEqual(Object.keys(value).sort());
          for (const m of found.members)
            expect(JSON.parse(text.slice(m.start, m.end))).toStrictEqual(value[m.key]);
          expect(text.charCodeAt(found.close)).toBe(0x7d);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('says nothing for a text that is not an object', () => {
    expect(topLevelMembers('[1]')).toBeUndefined();
    expect(topLevelMembers(' {} ')).toEqual({ members: [], pairs: 0, close: 2 });
  });
});
