import { createParser } from 'eventsource-parser';
import { isRecord, parseObject } from '../providers/kit/records.js';
import { STREAM_INCOMPLETE, type StreamError } from '../providers/kit/sse-error-event.js';

/**
 * What a route that speaks another protocol does with the chat path's OpenAI stream (which always
 * ends with `[DONE]` or one `data: {"error": …}` event): `begin` before anything else, each
 * choice's `delta`, then the clean end (with the last finish reason and the usage chunk's usage,
 * which the route asked for) or the failed end. Handlers `write` their own protocol's events.
 */
export interface ChatStreamHandlers {
  begin(): void;
  delta(delta: Record<string, unknown>): void;
  done(end: { finish: unknown; usage: unknown }): void;
  fail(err: StreamError): void;
}

/** The chat stream's bytes → the route's protocol, as a TransformStream; nothing after the end. */
export function translateChatStream(
  build: (write: (text: string) => void) => ChatStreamHandlers,
): TransformStream<Uint8Array, Uint8Array> {
  const decoder = new TextDecoder();
  const encoder = new TextEncoder();
  let out = '';
  const h = build((text) => {
    out += text;
  });
  let begun = false;
  let ended = false;
  let finish: unknown;
  let usage: unknown;
  const begin = () => {
    if (!begun) h.begin();
    begun = true;
  };
  const fail = (err: StreamError) => {
    begin();
    ended = true;
    h.fail(err);
  };
  const onChunk = (chunk: Record<string, unknown>) => {
    begin();
    if (chunk.usage) usage = chunk.usage;
    const choice = Array.isArray(chunk.choices) && isRecord(chunk.choices[0]) ? chunk.choices[0] : undefined;
    if (!choice) return;
    if (isRecord(choice.delta)) h.delta(choice.delta);
    if (choice.finish_reason) finish = choice.finish_reason;
  };
  const parser = createParser({
    onEvent: ({ data }) => {
      if (ended) return;
      if (data === '[DONE]') {
        begin();
        ended = true;
        return h.done({ finish, usage });
      }
      const chunk = parseObject(data);
      if (!chunk) return;
      if (!isRecord(chunk.error)) return onChunk(chunk);
      const e = chunk.error;
      fail({
        message: String(e.message ?? 'The upstream failed.'),
        type: String(e.type ?? 'upstream_error') as StreamError['type'],
        code: String(e.code ?? 'upstream_error') as StreamError['code'],
      });
    },
  });
  const send = (controller: TransformStreamDefaultController<Uint8Array>) => {
    if (out === '') return;
    controller.enqueue(encoder.encode(out));
    out = '';
  };
  return new TransformStream({
    transform(bytes, controller) {
      parser.feed(decoder.decode(bytes, { stream: true }));
      send(controller);
    },
    flush(controller) {
      parser.feed(decoder.decode());
      if (!ended) fail(STREAM_INCOMPLETE);
      send(controller);
    },
  });
}
