import { describe, expect, it } from 'vitest';
import type { ResponsesRequest } from '../../../src/responses/schema.js';
import { responsesEventsFromChat } from '../../../src/responses/stream-from-chat.js';

const chunk = (delta: unknown, finish: string | null = null) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

async function translate(input: string[]) {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of input) controller.enqueue(new TextEncoder().encode(piece));
      controller.close();
    },
  });
  const req = { model: 'anthropic/claude-sonnet-4-5', input: 'x' } as ResponsesRequest;
  const text = await new Response(source.pipeThrough(responsesEventsFromChat(req))).text();
  return text
    .split('\n\n')
    .filter(Boolean)
    .map((block) => JSON.parse(block.split('\n')[1]!.slice('data: '.length)) as Record<string, unknown>);
}

describe('the chat stream as the Responses event sequence', () => {
  it('numbers every event, closes the text item before a function call, and reports an incomplete answer', async () => {
    const events = await translate([
      chunk({ role: 'assistant', content: 'Hi' }),
      chunk({ tool_calls: [{ index: 0, id: 'call_1', function: { name: 'f', arguments: '{"a"' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }),
      chunk({}, 'length'),
      `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 } })}\n\n`,
      'data: [DONE]\n\n',
    ]);
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.output_item.added',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.delta',
      'response.function_call_arguments.done',
      'response.output_item.done',
      'response.incomplete',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const final = events.at(-1)?.response as Record<string, unknown>;
    expect(final).toMatchObject({
      status: 'incomplete',
      incomplete_details: { reason: 'max_output_tokens' },
      usage: { input_tokens: 5, output_tokens: 3, total_tokens: 8 },
      output: [
        { type: 'message', content: [{ type: 'output_text', text: 'Hi' }] },
        { type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{"a":1}', status: 'completed' },
      ],
    });
  });

  it('ends with an error event the openai SDK raises, on the chat stream’s error or no end at all', async () => {
    const failed = await translate([
      chunk({ content: 'part' }),
      `data: ${JSON.stringify({ error: { message: 'gone', type: 'upstream_error', code: 'upstream_stream_interrupted' } })}\n\n`,
    ]);
    expect(failed.at(-1)).toMatchObject({
      type: 'error',
      code: 'upstream_stream_interrupted',
      message: 'gone',
      error: { code: 'upstream_stream_interrupted' },
    });
    expect((await translate([chunk({ content: 'part' })])).at(-1)).toMatchObject({
      code: 'upstream_stream_incomplete',
    });
  });
});
