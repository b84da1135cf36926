/**
 * Anthropic's SSE (named events: https://docs.anthropic.com/en/docs/build-with-claude/streaming) →
 * OpenAI chunks (https://platform.openai.com/docs/api-reference/chat-streaming), as one relay (no
 * stream of its own: the client stream drives it, src/chat/client-stream.ts): bytes → TextDecoder
 * in streaming mode (a UTF-8 character split across network chunks is decoded whole) →
 * eventsource-parser → each event dispatched by name to its handler (stream-message-events.ts,
 * stream-block-events.ts) over closure state (stream-state.ts). The obvious design chains
 * TextDecoderStream → EventSourceParserStream → TransformStream; the same decoder and parser
 * driven by plain calls cost a fraction of the CPU per stream
 * (bench/translate-transform-micro.ts). `ping` and unknown events are skipped; a payload that is
 * not JSON is data, not a throw: it is skipped too, except on an `error` event, which ends the
 * stream either way. The only clean end is `message_stop`; a stream that ends without it (cut
 * connection, idle upstream: the cause handed to `finish`) ends with an error event and no
 * `[DONE]`.
 */
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { createRelay } from '../kit/create-relay.js';
import { parseObject } from '../kit/records.js';
import type { CallContext, StreamHooks, StreamRelay } from '../types.js';
import { onBlockDelta, onBlockStart } from './stream-block-events.js';
import { onErrorEvent, onMessageDelta, onMessageStart, onMessageStop } from './stream-message-events.js';
import { createStreamState, type StreamState } from './stream-state.js';

/** One upstream event. */
function onEvent(s: StreamState, event: EventSourceMessage): void {
  if (s.out.ended) return;
  const data = parseObject(event.data);
  const name = event.event ?? (typeof data?.type === 'string' ? data.type : undefined);
  if (name === 'error') onErrorEvent(s, data, event.data);
  else if (data) dispatch(s, name, data);
}

function dispatch(s: StreamState, name: string | undefined, data: Record<string, unknown>): void {
  switch (name) {
    case 'message_start':
      onMessageStart(s, data);
      break;
    case 'content_block_start':
      onBlockStart(s, data);
      break;
    case 'content_block_delta':
      onBlockDelta(s, data);
      break;
    case 'message_delta':
      onMessageDelta(s, data);
      break;
    case 'message_stop':
      onMessageStop(s);
      break;
    default:
    // ping, content_block_stop, and event types newer than this file
  }
}

export function streamRelay(call: CallContext, hooks: StreamHooks): StreamRelay {
  return createRelay(hooks, (out) => {
    const state = createStreamState(call, out);
    const decoder = new TextDecoder();
    const parser = createParser({ onEvent: (event) => onEvent(state, event) });
    return {
      push: (chunk) => parser.feed(decoder.decode(chunk, { stream: true })),
      flush: () => parser.feed(decoder.decode()),
      // No end of its own: without message_stop the envelope ends with the cause or as incomplete.
    };
  });
}
