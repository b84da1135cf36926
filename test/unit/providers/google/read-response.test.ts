import { describe, expect, it } from 'vitest';
import { readResponse } from '../../../../src/providers/google/read-response.js';
import { signatureOf } from '../../../../src/providers/google/tool-call-id.js';
import {
  FINISH_CASES,
  fixtureJson,
  fixtureText,
  GOOGLE_KEY,
  googleCall,
  thrownGatewayError,
} from './helpers.js';

const call = googleCall({ stream: false });
const read = (text: string) => {
  const out = readResponse(text, call);
  return { ...out, json: JSON.parse(out.body) };
};
const fixture = (name: string) => read(fixtureText(`google/${name}`));

const answer = (finishReason: string, parts: unknown[] = [{ text: 'x' }]) =>
  JSON.stringify({ candidates: [{ content: { parts, role: 'model' }, finishReason, index: 0 }] });

describe('readResponse for Gemini', () => {
  it('turns a text answer into a chat.completion with usage', () => {
    const { json, usage } = fixture('generate-text.json');
    expect(json).toEqual({
      id: 'chatcmpl-yGxsaN2PBqXgz7IPq4mY8Ac',
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'gemini-2.5-flash',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello! How can I help you today?', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 8,
        completion_tokens: 9,
        total_tokens: 17,
        prompt_tokens_details: { cached_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
    expect(usage).toEqual(json.usage);
  });

  it('turns functionCall parts into tool_calls with stable ids that carry their thought signatures', () => {
    const { json } = fixture('generate-tool-calls.json');
    const doc = fixtureJson<{ candidates: { content: { parts: { thoughtSignature?: string }[] } }[] }>(
      'generate-tool-calls.json',
    );
    const choice = json.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.content).toBe('Let me check both.');
    const calls = choice.message.tool_calls;
    expect(calls).toEqual([
      {
        id: expect.stringMatching(/^call_/),
        type: 'function',
        function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
      },
      {
        id: expect.stringMatching(/^call_[A-Za-z0-9]{24}$/),
        type: 'function',
        function: { name: 'get_time', arguments: '{"zone":"Europe/Paris"}' },
      },
    ]);
    expect(signatureOf(calls[0].id)).toBe(doc.candidates[0]?.content.parts[1]?.thoughtSignature);
    expect(calls[0].id).not.toBe(calls[1].id);
    // thoughts count as completion tokens, as OpenAI counts reasoning
    expect(json.usage).toMatchObject({ prompt_tokens: 60, completion_tokens: 137, total_tokens: 197 });
    expect(json.usage.completion_tokens_details).toEqual({ reasoning_tokens: 112 });
  });

  it('returns thought parts as reasoning_content, apart from the content', () => {
    const { json } = fixture('generate-thoughts.json');
    expect(json.choices[0].message).toEqual({
      role: 'assistant',
      content: '42',
      refusal: null,
      reasoning_content: '**Checking arithmetic**\n\nSix times seven.',
    });
    expect(json.usage).toEqual({
      prompt_tokens: 14,
      completion_tokens: 58,
      total_tokens: 72,
      prompt_tokens_details: { cached_tokens: 4 },
      completion_tokens_details: { reasoning_tokens: 57 },
    });
  });

  it('answers a blocked prompt with an empty content_filter choice', () => {
    const { json } = fixture('generate-blocked.json');
    expect(json.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: null, refusal: null },
        logprobs: null,
        finish_reason: 'content_filter',
      },
    ]);
  });

  it('returns every candidate as a choice (n > 1)', () => {
    const { json } = fixture('generate-two-candidates.json');
    expect(
      json.choices.map((c: { index: number; finish_reason: string; message: { content: string } }) => [
        c.index,
        c.message.content,
        c.finish_reason,
      ]),
    ).toEqual([
      [0, 'Blue.', 'stop'],
      [1, 'Azure', 'length'],
    ]);
  });

  it('gives an empty candidate an empty string content', () => {
    const { json } = read(answer('STOP', []));
    expect(json.choices[0].message.content).toBe('');
    expect(json.usage).toBeUndefined();
  });

  it.each(FINISH_CASES)('maps finishReason %s to %s', (reason, expected) => {
    expect(read(answer(reason)).json.choices[0].finish_reason).toBe(expected);
  });

  it('maps STOP after function calls to tool_calls', () => {
    const parts = [{ functionCall: { name: 'f', args: {} } }];
    expect(read(answer('STOP', parts)).json.choices[0].finish_reason).toBe('tool_calls');
  });

  it.each(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS'])(
    'turns %s into a retryable 502',
    (reason) => {
      const err = thrownGatewayError(() => read(answer(reason)));
      expect([err.status, err.type, err.code]).toEqual([
        502,
        'upstream_error',
        `upstream_${reason.toLowerCase()}`,
      ]);
      expect(err.retryable).toBeUndefined();
    },
  );

  it.each(['not json', '[]', '42', '{}', '{"candidates": "no"}'])(
    'refuses %s as an invalid answer',
    (text) => {
      const err = thrownGatewayError(() => read(text));
      expect([err.status, err.code]).toEqual([502, 'upstream_invalid_response']);
    },
  );

  it('maps an error object inside a 200 body, scrubbed', () => {
    const body = JSON.stringify({
      error: { code: 503, message: `overloaded for ${GOOGLE_KEY}`, status: 'UNAVAILABLE' },
    });
    const err = thrownGatewayError(() => read(body));
    expect([err.status, err.code]).toEqual([503, 'upstream_unavailable']);
    expect(err.message).not.toContain(GOOGLE_KEY);
  });
});
