/**
 * The chat path's OpenAI stream → Anthropic's named events
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming), for `/v1/messages` on a model
 * another provider answers: `message_start`, then per block `content_block_start` / `_delta` /
 * `_stop` (thinking, text, one `tool_use` per tool call), then `message_delta` (stop reason and
 * usage, from the usage chunk the chat path always asks for) and `message_stop` on `[DONE]`. The
 * chat stream's final error event becomes Anthropic's `event: error`; so does a stream that stops
 * with neither (src/chat/chat-stream-translator.ts).
 */
import { translateChatStream } from '../chat/chat-stream-translator.js';
import { isRecord } from '../providers/kit/records.js';
import type { StreamError } from '../providers/kit/sse-error-event.js';
import { anthropicUsage, messageId, stopReason } from './from-chat.js';

const event = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

/** The OpenAI error types a stream can end with → Anthropic's. */
const TYPES: Readonly<Record<string, string>> = {
  upstream_error: 'api_error',
  service_unavailable: 'overloaded_error',
  timeout_error: 'timeout_error',
  rate_limit_error: 'rate_limit_error',
  authentication_error: 'authentication_error',
  permission_error: 'permission_error',
  invalid_request_error: 'invalid_request_error',
  not_found_error: 'not_found_error',
};

/** Anthropic's final `error` event for a stream that failed after it began (also used by the pass-through). */
export function anthropicErrorEvent(err: StreamError): string {
  const type = TYPES[err.type] ?? 'api_error';
  return event('error', { type: 'error', error: { type, message: err.message, code: err.code } });
}

type Block = { kind: 'thinking' | 'text' | 'tool'; index: number };

export function anthropicEventsFromChat(model: string): TransformStream<Uint8Array, Uint8Array> {
  return translateChatStream((write) => {
    let next = 0;
    let open: Block | undefined;
    const tools = new Map<number, number>(); // OpenAI tool-call index → Anthropic block index

    const close = () => {
      if (open) write(event('content_block_stop', { type: 'content_block_stop', index: open.index }));
      open = undefined;
    };
    const begin = (kind: Block['kind'], contentBlock: unknown): number => {
      close();
      open = { kind, index: next++ };
      write(
        event('content_block_start', {
          type: 'content_block_start',
          index: open.index,
          content_block: contentBlock,
        }),
      );
      return open.index;
    };
    const delta = (index: number, d: unknown) =>
      write(event('content_block_delta', { type: 'content_block_delta', index, delta: d }));

    function onToolCall(call: Record<string, unknown>) {
      const i = typeof call.index === 'number' ? call.index : 0;
      const fn = isRecord(call.function) ? call.function : {};
      let index = tools.get(i);
      if (index === undefined || typeof call.id === 'string') {
        const id = String(call.id ?? `toolu_${i}`);
        index = begin('tool', { type: 'tool_use', id, name: String(fn.name ?? ''), input: {} });
        tools.set(i, index);
      }
      if (typeof fn.arguments === 'string' && fn.arguments !== '')
        delta(index, { type: 'input_json_delta', partial_json: fn.arguments });
    }

    return {
      begin() {
        const message = { id: messageId(), type: 'message', role: 'assistant', model, content: [] };
        const usage = { input_tokens: 0, output_tokens: 0 };
        write(
          event('message_start', {
            type: 'message_start',
            message: { ...message, stop_reason: null, stop_sequence: null, usage },
          }),
        );
      },
      delta(d) {
        const reasoning = d.reasoning_content ?? d.reasoning;
        if (typeof reasoning === 'string' && reasoning !== '') {
          const index =
            open?.kind === 'thinking'
              ? open.index
              : begin('thinking', { type: 'thinking', thinking: '', signature: '' });
          delta(index, { type: 'thinking_delta', thinking: reasoning });
        }
        if (typeof d.content === 'string' && d.content !== '') {
          const index = open?.kind === 'text' ? open.index : begin('text', { type: 'text', text: '' });
          delta(index, { type: 'text_delta', text: d.content });
        }
        if (Array.isArray(d.tool_calls))
          for (const call of d.tool_calls) if (isRecord(call)) onToolCall(call);
      },
      done({ finish, usage }) {
        close();
        write(
          event('message_delta', {
            type: 'message_delta',
            delta: { stop_reason: stopReason(finish), stop_sequence: null },
            usage: anthropicUsage(usage),
          }),
        );
        write(event('message_stop', { type: 'message_stop' }));
      },
      fail: (err) => write(anthropicErrorEvent(err)),
    };
  });
}
