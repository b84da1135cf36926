/**
 * A Gemini SSE body (`:streamGenerateContent?alt=sse`: `data:` events framed by CRLF CRLF, no
 * `[DONE]`) → the client's OpenAI SSE. Bytes → TextDecoderStream (UTF-8 split anywhere) →
 * eventsource-parser (any line ending) → stream-translator.ts.
 *
 * Google may also put a bare JSON error body into a 200 stream (js-genai checks each raw chunk for
 * `{"error": …}`): such lines are not SSE fields, so the parser reports them as unknown fields;
 * they are collected (bounded) and read as an error when the stream ends. A line break is added at
 * the very end so that a last line without one is seen too (an event still needs its blank line).
 */
import { type EventSourceMessage, EventSourceParserStream, ParseError } from 'eventsource-parser/stream';
import type { CallContext, StreamHooks } from '../types.js';
import { type GoogleError, readGoogleError } from './google-error.js';
import { createTranslator } from './stream-translator.js';

const STRAY_LIMIT = 64 * 1024;

function closeLastLine(): TransformStream<string, string> {
  return new TransformStream<string, string>({
    flush(controller) {
      controller.enqueue('\n');
    },
  });
}

export function streamTransform(
  call: CallContext,
  hooks: StreamHooks,
): TransformStream<Uint8Array, Uint8Array> {
  let stray = '';
  const parser = new EventSourceParserStream({
    onError(err) {
      if (err instanceof ParseError && err.type === 'unknown-field' && err.line !== undefined) {
        if (stray.length < STRAY_LIMIT) stray += `${err.line}\n`;
      }
    },
  });
  const strayError = (): GoogleError | undefined => {
    if (stray === '') return undefined;
    try {
      return readGoogleError(JSON.parse(stray));
    } catch {
      return undefined;
    }
  };
  const decoder = new TextDecoderStream();
  const readable = decoder.readable
    .pipeThrough(closeLastLine())
    .pipeThrough<EventSourceMessage>(parser)
    .pipeThrough(createTranslator(call, hooks, strayError));
  // TextDecoderStream is typed to accept any BufferSource; a Uint8Array is one.
  return { writable: decoder.writable as WritableStream<Uint8Array>, readable };
}
