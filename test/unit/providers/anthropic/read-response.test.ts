import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readResponse } from '../../../../src/providers/anthropic/read-response.js';
import { anthropicCall, anthropicKey, FINISH_REASONS, fixtureText, thrown } from './helpers.js';

const NOW = 1_767_225_600_000;

beforeEach(() => {
  vi.spyOn(Date, 'now').mockReturnValue(NOW);
});
afterEach(() => {
  vi.restoreAllMocks();
});

function read(fixture: string) {
  const out = readResponse(fixtureText(`anthropic/${fixture}`), anthropicCall());
  return { completion: JSON.parse(out.body), usage: out.usage };
}

describe('readResponse: Anthropic Message → OpenAI chat.completion', () => {
  it('turns a text answer into a completion, counting cached tokens into prompt_tokens', () => {
    const { completion, usage } = read('message-text.json');
    const expectedUsage = {
      prompt_tokens: 12 + 100 + 1800,
      completion_tokens: 12,
      total_tokens: 1924,
      prompt_tokens_details: { cached_tokens: 1800, cache_write_tokens: 100 },
    };
    expect(completion).toEqual({
      id: 'msg_01TextAbcDEFghiJKL',
      object: 'chat.completion',
      created: NOW / 1000,
      model: 'claude-sonnet-4-5-20250929',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello! How can I help you today?', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: expectedUsage,
    });
    expect(usage).toEqual(expectedUsage);
  });

  it('turns tool_use blocks into tool_calls with Anthropic’s ids and JSON-string arguments', () => {
    const { completion } = read('message-tool-calls.json');
    const choice = completion.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message).toEqual({
      role: 'assistant',
      content: 'Let me check both cities.',
      refusal: null,
      tool_calls: [
        {
          id: 'toolu_01WeatherParis',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"c"}' },
        },
        {
          id: 'toolu_01WeatherTokyo',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Tokyo","unit":"c"}' },
        },
      ],
    });
    for (const call of choice.message.tool_calls)
      expect(() => JSON.parse(call.function.arguments)).not.toThrow();
  });

  it('puts thinking text in reasoning_content and drops redacted thinking', () => {
    const { completion } = read('message-thinking.json');
    expect(completion.choices[0].message).toEqual({
      role: 'assistant',
      content: '27 × 453 = 12,231.',
      refusal: null,
      reasoning_content: 'The user asks for 27 * 453. 27 * 453 = 12231.',
    });
  });

  it('answers empty content with content null', () => {
    const { completion } = read('message-empty.json');
    expect(completion.choices[0]).toMatchObject({ message: { content: null }, finish_reason: 'stop' });
    expect(completion.choices[0].message).not.toHaveProperty('tool_calls');
  });

  it('reports a refusal as content_filter', () => {
    expect(read('message-refusal.json').completion.choices[0].finish_reason).toBe('content_filter');
  });

  it('turns the gateway’s JSON tool back into the answer text, finishing with stop', () => {
    const { completion } = read('message-json-tool.json');
    expect(completion.choices[0]).toMatchObject({
      message: { content: '{"name":"Ada","born":1815}' },
      finish_reason: 'stop',
    });
    expect(completion.choices[0].message).not.toHaveProperty('tool_calls');
  });

  it.each(FINISH_REASONS)('maps stop_reason %s to finish_reason %s', (stopReason, expected) => {
    const body = JSON.parse(fixtureText('anthropic/message-text.json'));
    body.stop_reason = stopReason;
    const out = JSON.parse(readResponse(JSON.stringify(body), anthropicCall()).body);
    expect(out.choices[0].finish_reason).toBe(expected);
  });

  it('reports thinking tokens as reasoning_tokens and treats null cache counts as 0', () => {
    const body = {
      id: 'msg_1',
      type: 'message',
      content: [{ type: 'text', text: 'x' }],
      stop_reason: 'end_turn',
      usage: {
        input_tokens: 5,
        output_tokens: 9,
        cache_creation_input_tokens: null,
        cache_read_input_tokens: null,
        output_tokens_details: { thinking_tokens: 4 },
      },
    };
    expect(readResponse(JSON.stringify(body), anthropicCall()).usage).toEqual({
      prompt_tokens: 5,
      completion_tokens: 9,
      total_tokens: 14,
      prompt_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 4 },
    });
  });

  it('falls back to the upstream model id and reports no usage when the body has none', () => {
    const out = readResponse('{"id":"msg_2","content":[{"type":"text","text":"ok"}]}', anthropicCall());
    expect(out.usage).toBeUndefined();
    expect(JSON.parse(out.body)).toMatchObject({
      model: 'claude-sonnet-4-5',
      choices: [{ finish_reason: 'stop' }],
    });
    expect(JSON.parse(out.body)).not.toHaveProperty('usage');
  });

  it('answers a body that is not a JSON object with 502', () => {
    for (const text of ['not json', '[1,2]', '']) {
      expect(thrown(() => readResponse(text, anthropicCall()))).toMatchObject({
        status: 502,
        code: 'upstream_invalid_response',
      });
    }
  });

  it('maps an error carried in a 200 body by its type, scrubbed', () => {
    const body = {
      type: 'error',
      error: { type: 'overloaded_error', message: `Overloaded for ${anthropicKey}` },
    };
    const err = thrown(() => readResponse(JSON.stringify(body), anthropicCall()));
    expect(err).toMatchObject({ status: 503, code: 'upstream_overloaded' });
    expect(err.message).not.toContain(anthropicKey);
  });
});
