import { describe, expect, it } from 'vitest';
import { chatRequestSchema } from '../../../src/chat/schema.js';
import { GatewayError } from '../../../src/errors.js';
import { parseBody } from '../../../src/http/validate.js';

const ok = { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] };

function paramOf(body: unknown): string | null {
  try {
    parseBody(chatRequestSchema, body);
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(GatewayError);
    expect((err as GatewayError).status).toBe(400);
    return (err as GatewayError).param;
  }
}

describe('chat request validation', () => {
  it('keeps every field it does not check, untouched', () => {
    const body = {
      ...ok,
      logit_bias: { '50256': -100 },
      metadata: { a: 'b' },
      reasoning_effort: 'low',
      web_search_options: {},
      messages: [
        {
          role: 'user',
          content: [{ type: 'input_audio', input_audio: { data: 'x', format: 'wav' } }],
          extra: 1,
        },
      ],
    };
    expect(parseBody(chatRequestSchema, body)).toEqual(body);
  });

  it('accepts tools, tool calls, tool results and image parts', () => {
    const body = {
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'be brief' },
        { role: 'developer', content: 'really' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'what is this' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBOR', detail: 'low' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: '{"ok":true}' },
      ],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      tool_choice: 'auto',
      stream: true,
      stream_options: { include_usage: true },
      response_format: { type: 'json_object' },
      temperature: 0.2,
      max_completion_tokens: 100,
    };
    expect(paramOf(body)).toBeNull();
  });

  it.each([
    [{ ...ok, model: '' }, 'model'],
    [{ ...ok, model: 42 }, 'model'],
    [{ ...ok, model: 'openai/../x' }, 'model'],
    [{ ...ok, model: 'google/x?key=abc' }, 'model'],
    [{ ...ok, model: 'openai/gpt\u0000' }, 'model'],
    [{ ...ok, model: 'openai//gpt' }, 'model'],
    [{ ...ok, model: '/etc/passwd' }, 'model'],
    [{ ...ok, model: 'a'.repeat(257) }, 'model'],
    [{ ...ok, model: 'openai/gpt 4o' }, 'model'],
    [{ messages: ok.messages }, 'model'],
    [{ model: ok.model }, 'messages'],
    [{ ...ok, messages: [] }, 'messages'],
    [{ ...ok, messages: 'hi' }, 'messages'],
    [{ ...ok, messages: [{ role: 'wizard', content: 'x' }] }, 'messages[0].role'],
    [{ ...ok, messages: [{ role: 'user' }] }, 'messages[0].content'],
    [{ ...ok, messages: [{ role: 'tool', content: 'x' }] }, 'messages[0].tool_call_id'],
    [{ ...ok, messages: [{ role: 'user', content: [{ type: 'text' }] }] }, 'messages[0].content[0]'],
    [{ ...ok, stream: 'yes' }, 'stream'],
    [{ ...ok, stream_options: { include_usage: 'yes' } }, 'stream_options.include_usage'],
    [{ ...ok, temperature: 3 }, 'temperature'],
    [{ ...ok, top_p: -0.1 }, 'top_p'],
    [{ ...ok, n: 0 }, 'n'],
    [{ ...ok, max_tokens: 1.5 }, 'max_tokens'],
    [{ ...ok, max_completion_tokens: 0 }, 'max_completion_tokens'],
    [{ ...ok, presence_penalty: 9 }, 'presence_penalty'],
    [{ ...ok, stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop'],
    [{ ...ok, tools: [{ type: 'function', function: { name: 'bad name!' } }] }, 'tools[0].function.name'],
  ])('refuses %j naming %s', (body, param) => {
    const got = paramOf(body);
    expect(got?.startsWith(param)).toBe(true);
  });

  it.each([
    [{ ...ok, temperature: 5 }, 'temperature: must be between 0 and 2'],
    [{ ...ok, top_p: -0.1 }, 'top_p: must be between 0 and 1'],
    [{ ...ok, presence_penalty: 9 }, 'presence_penalty: must be between -2 and 2'],
    [{ ...ok, temperature: 'hot' }, 'temperature: must be a number'],
    [{ ...ok, max_tokens: 0 }, 'max_tokens: must be at least 1'],
  ])('says the allowed range when %j is out of it', (body, message) => {
    expect(() => parseBody(chatRequestSchema, body)).toThrow(message);
  });

  it('refuses a body that is not an object', () => {
    expect(paramOf([ok])).toBe('(body)');
    expect(paramOf('hello')).toBe('(body)');
  });
});
