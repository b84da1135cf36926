/**
 * A Gemini SSE body (`:streamGenerateContent?alt=sse`: `data:` events framed by CRLF CRLF, no
 * `[DONE]`) → the client's OpenAI SSE, as one relay in the shared envelope
 * (providers/kit/create-relay.ts; no stream of its own: the client stream drives it,
 * src/chat/client-stream.ts): bytes → TextDecoder in streaming mode (UTF-8 split anywhere) →
 * eventsource-parser (any line ending) → stream-translator.ts. Plain calls rather than a
 * TextDecoderStream → EventSourceParserStream → TransformStream chain: stream hops per network
 * chunk cost several times the CPU of the translation itself (bench/translate-transform-micro.ts).
 *
 * Google may also put a bare JSON error body into a 200 stream (js-genai checks each raw chunk for
 * `{"error": …}`): such lines are not SSE fields, so the parser reports them as unknown fields;
 * they are collected (bounded) and read as an error when the stream ends. A line break is added at
 * the very end so that a last line without one is seen too (an event still needs its blank line).
 */
import { createParser, ParseError } from 'eventsource-parser';
import { createRelay } from '../kit/create-relay.js';
import type { CallContext, StreamHooks, StreamRelay } from '../types.js';
import { type GoogleError, readGoogleError } from './google-error.js';
import { createTranslator } from './stream-translator.js';

const STRAY_LIMIT = 64 * 1024;

export function streamRelay(call: CallContext, hooks: StreamHooks): StreamRelay {
  return createRelay(hooks, (out) => {
    let stray = '';
    const strayError = (): GoogleError | undefined => {
      if (stray === '') return undefined;
      try {
        return readGoogleError(JSON.parse(stray));
      } catch {
        return undefined;
      }
    };
    const translator = createTranslator(call, out, strayError);
    const parser = createParser({
      onEvent: (message) => translator.event(message.data),
      onError(err) {
        if (err instanceof ParseError && err.type === 'unknown-field' && err.line !== undefined) {
          if (stray.length < STRAY_LIMIT) stray += `${err.line}\n`;
        }
      },
    });
    const decoder = new TextDecoder();
    return {
      push: (chunk) => parser.feed(decoder.decode(chunk, { stream: true })),
      flush: () => parser.feed(`${decoder.decode()}\n`),
      end: (cause) => translator.end(cause),
    };
  });
}
