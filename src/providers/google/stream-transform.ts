/**
 * A Gemini SSE body (`:streamGenerateContent?alt=sse`: `data:` events framed by CRLF CRLF, no
 * `[DONE]`) → the client's OpenAI SSE, in one TransformStream: bytes → TextDecoder in streaming
 * mode (UTF-8 split anywhere) → eventsource-parser (any line ending) → stream-translator.ts.
 * One transform rather than a TextDecoderStream → EventSourceParserStream → TransformStream
 * chain: three stream hops per network chunk cost about three times the CPU of the translation
 * itself (bench/translate-transform-micro.ts).
 *
 * Google may also put a bare JSON error body into a 200 stream (js-genai checks each raw chunk for
 * `{"error": …}`): such lines are not SSE fields, so the parser reports them as unknown fields;
 * they are collected (bounded) and read as an error when the stream ends. A line break is added at
 * the very end so that a last line without one is seen too (an event still needs its blank line).
 */
import { createParser, ParseError } from 'eventsource-parser';
import type { CallContext, StreamHooks } from '../types.js';
import { type GoogleError, readGoogleError } from './google-error.js';
import { createTranslator } from './stream-translator.js';

const STRAY_LIMIT = 64 * 1024;
const encoder = new TextEncoder();

export function streamTransform(
  call: CallContext,
  hooks: StreamHooks,
): TransformStream<Uint8Array, Uint8Array> {
  let stray = '';
  const strayError = (): GoogleError | undefined => {
    if (stray === '') return undefined;
    try {
      return readGoogleError(JSON.parse(stray));
    } catch {
      return undefined;
    }
  };
  const translator = createTranslator(call, hooks, strayError);
  const parser = createParser({
    onEvent: (message) => translator.event(message.data),
    onError(err) {
      if (err instanceof ParseError && err.type === 'unknown-field' && err.line !== undefined) {
        if (stray.length < STRAY_LIMIT) stray += `${err.line}\n`;
      }
    },
  });
  const decoder = new TextDecoder();
  const emit = (controller: TransformStreamDefaultController<Uint8Array>) => {
    const text = translator.take();
    if (text !== '') controller.enqueue(encoder.encode(text));
  };

  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      if (translator.ended) return;
      parser.feed(decoder.decode(chunk, { stream: true }));
      emit(controller);
    },
    flush(controller) {
      if (!translator.ended) parser.feed(`${decoder.decode()}\n`);
      translator.end();
      emit(controller);
    },
  });
}
