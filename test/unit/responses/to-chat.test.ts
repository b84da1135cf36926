import { describe, expect, it } from 'vitest';
import type { ResponsesRequest } from '../../../src/responses/schema.js';
import { toChatRequest } from '../../../src/responses/to-chat.js';

const req = (extra: Partial<ResponsesRequest>): ResponsesRequest =>
  ({ model: 'anthropic/claude-sonnet-4-5', input: 'hi', ...extra }) as ResponsesRequest;

describe('a Responses request as a chat request', () => {
  it('maps the stateless subset', () => {
    const chat = toChatRequest(
      req({
        instructions: 'Be brief.',
        input: [
          { role: 'developer', content: 'Use metric units.' },
          {
            role: 'user',
            content: [
              { type: 'input_text', text: 'look' },
              { type: 'input_image', image_url: 'https://example.test/a.png', detail: 'low' },
            ],
          },
          { type: 'reasoning', id: 'rs_1', summary: [] },
          { type: 'function_call', call_id: 'call_1', name: 'lookup', arguments: '{"q":"a"}' },
          { type: 'function_call', call_id: 'call_2', name: 'lookup', arguments: '{"q":"b"}' },
          { type: 'function_call_output', call_id: 'call_1', output: 'A' },
          { type: 'function_call_output', call_id: 'call_2', output: [{ type: 'input_text', text: 'B' }] },
          { role: 'assistant', content: [{ type: 'output_text', text: 'done' }] },
        ],
        tools: [{ type: 'function', name: 'lookup', parameters: { type: 'object' }, strict: true }],
        tool_choice: { type: 'function', name: 'lookup' },
        text: { format: { type: 'json_schema', name: 'x', schema: { type: 'object' }, strict: true } },
        max_output_tokens: 99,
        reasoning: { effort: 'low' },
        store: false,
        stream: true,
      }),
    );
    expect(chat.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'system', content: 'Use metric units.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'https://example.test/a.png', detail: 'low' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"a"}' } },
          { id: 'call_2', type: 'function', function: { name: 'lookup', arguments: '{"q":"b"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'A' },
      { role: 'tool', tool_call_id: 'call_2', content: 'B' },
      { role: 'assistant', content: 'done' },
    ]);
    expect(chat).toMatchObject({
      tools: [
        { type: 'function', function: { name: 'lookup', parameters: { type: 'object' }, strict: true } },
      ],
      tool_choice: { type: 'function', function: { name: 'lookup' } },
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'x', schema: { type: 'object' }, strict: true },
      },
      max_tokens: 99,
      reasoning_effort: 'low',
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('names every part that needs OpenAI’s server-side state, in one 400', () => {
    let caught: unknown;
    try {
      toChatRequest(
        req({
          previous_response_id: 'resp_1',
          store: true,
          conversation: 'conv_1',
          background: true,
          tools: [{ type: 'function', name: 'f' }, { type: 'file_search' }],
          input: [{ type: 'item_reference', id: 'msg_1' }],
        }),
      );
    } catch (err) {
      caught = err;
    }
    expect(caught).toMatchObject({
      status: 400,
      code: 'unsupported_parameter',
      param: 'previous_response_id',
    });
    const fields = (caught as { fields: { param: string }[] }).fields.map((f) => f.param);
    expect(fields).toEqual([
      'previous_response_id',
      'store',
      'conversation',
      'background',
      'tools[1]',
      'input[0]',
    ]);
  });
});
