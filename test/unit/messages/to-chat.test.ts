import { describe, expect, it } from 'vitest';
import type { MessagesRequest } from '../../../src/messages/schema.js';
import { toChatRequest } from '../../../src/messages/to-chat.js';

const base = (extra: Partial<MessagesRequest>): MessagesRequest =>
  ({
    model: 'openai/gpt-4o',
    max_tokens: 64,
    messages: [{ role: 'user', content: 'hi' }],
    ...extra,
  }) as MessagesRequest;

describe('an Anthropic Messages request as a chat request', () => {
  it('maps system, images, tool use and tool results (results first, as tool messages)', () => {
    const chat = toChatRequest(
      base({
        system: [{ type: 'text', text: 'Be terse.' }],
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image', source: { type: 'url', url: 'https://example.test/cat.png' } },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'thinking', thinking: 'secret', signature: 'sig' },
              { type: 'tool_use', id: 'toolu_1', name: 'lookup', input: { q: 'cat' } },
            ],
          },
          {
            role: 'user',
            content: [
              { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: 'tabby' }] },
              { type: 'text', text: 'and?' },
            ],
          },
        ],
        tools: [{ name: 'lookup', input_schema: { type: 'object' } }],
        tool_choice: { type: 'any', disable_parallel_tool_use: true },
        stop_sequences: ['END'],
        metadata: { user_id: 'u-hash' },
        thinking: { type: 'enabled', budget_tokens: 4000 },
        stream: true,
      }),
    );
    expect(chat.messages).toEqual([
      { role: 'system', content: 'Be terse.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'https://example.test/cat.png' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'toolu_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_1', content: 'tabby' },
      { role: 'user', content: [{ type: 'text', text: 'and?' }] },
    ]);
    expect(chat).toMatchObject({
      max_tokens: 64,
      tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
      stop: ['END'],
      user: 'u-hash',
      reasoning_effort: 'medium',
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it('refuses what only Anthropic serves, naming where it is', () => {
    expect(() => toChatRequest(base({ tools: [{ name: 'web', type: 'web_search_20250305' }] }))).toThrow(
      expect.objectContaining({ code: 'unsupported_tool_type', param: 'tools[0]' }),
    );
    expect(() =>
      toChatRequest(
        base({ messages: [{ role: 'user', content: [{ type: 'document', source: { type: 'base64' } }] }] }),
      ),
    ).toThrow(expect.objectContaining({ code: 'unsupported_content', param: 'messages[0].content[0]' }));
  });
});
