import { describe, expect, it } from 'vitest';
import { anthropicEventsFromChat } from '../../../src/messages/stream-from-chat.js';

const chunk = (delta: unknown, extra: Record<string, unknown> = {}) =>
  `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: null }], ...extra })}\n\n`;

async function translate(input: string[]): Promise<{ name: string; data: Record<string, unknown> }[]> {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of input) controller.enqueue(new TextEncoder().encode(piece));
      controller.close();
    },
  });
  const text = await new Response(source.pipeThrough(anthropicEventsFromChat('openai/gpt-4o'))).text();
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const [event, data] = block.split('\n');
      return { name: event!.slice('event: '.length), data: JSON.parse(data!.slice('data: '.length)) };
    });
}

describe('the chat stream as Anthropic events', () => {
  it('turns thinking, text and a tool call into blocks, and [DONE] into message_delta and message_stop', async () => {
    const events = await translate([
      chunk({ role: 'assistant', content: '' }),
      chunk({ reasoning_content: 'hmm' }),
      chunk({ content: 'Hel' }),
      chunk({ content: 'lo' }),
      chunk({
        tool_calls: [
          { index: 0, id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '' } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"q":' } }] }),
      // A chunk may be split anywhere: the parser joins it.
      ...(() => {
        const c = chunk({ tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] });
        return [c.slice(0, 17), c.slice(17)];
      })(),
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'tool_calls' }] })}\n\n`,
      `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17, prompt_tokens_details: { cached_tokens: 2 } } })}\n\n`,
      'data: [DONE]\n\n',
    ]);
    expect(events.map((e) => e.name)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[1]?.data.content_block).toEqual({ type: 'thinking', thinking: '', signature: '' });
    expect(events[8]?.data).toMatchObject({
      index: 2,
      content_block: { type: 'tool_use', id: 'call_1', name: 'lookup', input: {} },
    });
    const json = events.filter((e) => (e.data.delta as { type?: string })?.type === 'input_json_delta');
    expect(json.map((e) => (e.data.delta as { partial_json: string }).partial_json).join('')).toBe(
      '{"q":"x"}',
    );
    expect(events.at(-2)?.data).toEqual({
      type: 'message_delta',
      delta: { stop_reason: 'tool_use', stop_sequence: null },
      usage: {
        input_tokens: 10,
        output_tokens: 5,
        cache_read_input_tokens: 2,
        cache_creation_input_tokens: 0,
      },
    });
  });

  it('ends with Anthropic’s error event on the chat stream’s error, and on a stream with no end', async () => {
    const failed = await translate([
      chunk({ content: 'partial' }),
      `data: ${JSON.stringify({ error: { message: 'Overloaded', type: 'service_unavailable', code: 'upstream_overloaded' } })}\n\n`,
    ]);
    expect(failed.at(-1)).toEqual({
      name: 'error',
      data: {
        type: 'error',
        error: { type: 'overloaded_error', message: 'Overloaded', code: 'upstream_overloaded' },
      },
    });
    expect(failed.some((e) => e.name === 'message_stop')).toBe(false);
    const cut = await translate([chunk({ content: 'partial' })]);
    expect(cut.at(-1)?.data).toMatchObject({ type: 'error', error: { code: 'upstream_stream_incomplete' } });
  });
});
