/**
 * The chat path's OpenAI stream → the Responses API's event sequence, for `/v1/responses` on a
 * model another provider answers: `response.created`, `response.in_progress`, then per output item
 * `response.output_item.added`, its content (`response.content_part.added`,
 * `response.output_text.delta`…`.done`, `response.content_part.done`, or
 * `response.function_call_arguments.delta`…`.done`), `response.output_item.done`, and on `[DONE]`
 * `response.completed` (or `response.incomplete` when the output limit cut it) with the whole
 * response and its usage. Every event carries its `sequence_number`. The chat stream's final error
 * event (or a stream with no end) becomes one `error` event, which the openai SDK raises.
 */
import { translateChatStream } from '../chat/chat-stream-translator.js';
import { isRecord } from '../providers/kit/records.js';
import type { StreamError } from '../providers/kit/sse-error-event.js';
import { functionCallItem, messageItem, newId, outputTextPart, responseObject } from './from-chat.js';
import type { ResponsesRequest } from './schema.js';

/**
 * The Responses `error` event. Its `code`/`message` are the documented fields; the `error` object
 * beside them is what makes openai-node raise instead of ending the stream quietly.
 */
export function responsesErrorEvent(err: StreamError, sequence: number): string {
  const error = { type: err.type, code: err.code, message: err.message };
  const data = {
    type: 'error',
    sequence_number: sequence,
    code: err.code,
    message: err.message,
    param: null,
    error,
  };
  return `event: error\ndata: ${JSON.stringify(data)}\n\n`;
}

type Open =
  | { kind: 'text'; id: string; index: number; text: string }
  | { kind: 'call'; id: string; index: number; callId: string; name: string; args: string };

export function responsesEventsFromChat(req: ResponsesRequest): TransformStream<Uint8Array, Uint8Array> {
  return translateChatStream((write) => {
    const id = newId('resp');
    const createdAt = Math.floor(Date.now() / 1000);
    const output: unknown[] = [];
    const calls = new Map<number, Extract<Open, { kind: 'call' }>>();
    let sequence = 0;
    let open: Open | undefined;

    const emit = (type: string, fields: Record<string, unknown>) =>
      write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`);
    const close = () => {
      const o = open;
      open = undefined;
      if (!o) return;
      const at = { item_id: o.id, output_index: o.index };
      let item: unknown;
      if (o.kind === 'text') {
        emit('response.output_text.done', { ...at, content_index: 0, text: o.text, logprobs: [] });
        emit('response.content_part.done', { ...at, content_index: 0, part: outputTextPart(o.text) });
        item = messageItem(o.id, o.text, 'completed');
      } else {
        emit('response.function_call_arguments.done', { ...at, name: o.name, arguments: o.args });
        item = functionCallItem(o.id, o.callId, o.name, o.args, 'completed');
      }
      output.push(item);
      emit('response.output_item.done', { output_index: o.index, item });
    };

    function onText(delta: string) {
      if (open?.kind !== 'text') {
        close();
        open = { kind: 'text', id: newId('msg'), index: output.length, text: '' };
        const at = { item_id: open.id, output_index: open.index };
        emit('response.output_item.added', {
          output_index: open.index,
          item: messageItem(open.id, '', 'in_progress'),
        });
        emit('response.content_part.added', { ...at, content_index: 0, part: outputTextPart('') });
      }
      open.text += delta;
      const at = { item_id: open.id, output_index: open.index };
      emit('response.output_text.delta', { ...at, content_index: 0, delta, logprobs: [] });
    }

    function onToolCall(call: Record<string, unknown>) {
      const i = typeof call.index === 'number' ? call.index : 0;
      const fn = isRecord(call.function) ? call.function : {};
      let o = calls.get(i);
      if (!o || typeof call.id === 'string') {
        close();
        const callId = String(call.id ?? `call_${i}`);
        o = {
          kind: 'call',
          id: newId('fc'),
          index: output.length,
          callId,
          name: String(fn.name ?? ''),
          args: '',
        };
        calls.set(i, o);
        open = o;
        const item = functionCallItem(o.id, o.callId, o.name, '', 'in_progress');
        emit('response.output_item.added', { output_index: o.index, item });
      }
      if (typeof fn.arguments === 'string' && fn.arguments !== '' && open === o) {
        o.args += fn.arguments;
        emit('response.function_call_arguments.delta', {
          item_id: o.id,
          output_index: o.index,
          delta: fn.arguments,
        });
      }
    }

    return {
      begin() {
        emit('response.created', { response: responseObject(req, id, createdAt) });
        emit('response.in_progress', { response: responseObject(req, id, createdAt) });
      },
      delta(d) {
        if (typeof d.content === 'string' && d.content !== '') onText(d.content);
        if (Array.isArray(d.tool_calls))
          for (const call of d.tool_calls) if (isRecord(call)) onToolCall(call);
      },
      done({ finish, usage }) {
        close();
        const response = responseObject(req, id, createdAt, { output, finish, usage });
        emit(response.status === 'incomplete' ? 'response.incomplete' : 'response.completed', { response });
      },
      fail: (err) => write(responsesErrorEvent(err, sequence++)),
    };
  });
}
