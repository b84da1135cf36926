import { createParser } from 'eventsource-parser';
import { STREAM_INCOMPLETE, type StreamError } from '../providers/shared/sse-error-event.js';
import type { StreamHooks, StreamRelay, Usage } from '../providers/types.js';

/**
 * A native stream relayed byte for byte (Anthropic's Messages events to `/v1/messages`, OpenAI's
 * Responses events to `/v1/responses`): every upstream chunk goes to the client as it came. The
 * events are also parsed, only to read the usage and to see the protocol's own end; a stream that
 * stops before it (cut, idle, the process stopping) ends with one error event in the caller's
 * protocol, so its SDK raises instead of finishing cleanly.
 */
export interface PassThroughProtocol {
  /**
   * One upstream event. Returns 'end' when it is the stream's last (the clean end, or the
   * upstream's own error event, which the client has just received); may note usage meanwhile.
   */
  onEvent(name: string | undefined, data: string, usage: (u: Usage) => void): 'end' | undefined;
  /** The final event for a stream that stopped early, in the caller's protocol. */
  errorEvent(err: StreamError): string;
}

export function passThroughRelay(protocol: PassThroughProtocol, hooks: StreamHooks): StreamRelay {
  const decoder = new TextDecoder();
  let ended = false;
  let usage: Usage | undefined;
  const note = (u: Usage) => {
    usage = u;
  };
  const parser = createParser({
    onEvent: (event) => {
      if (!ended && protocol.onEvent(event.event, event.data, note) === 'end') ended = true;
    },
  });
  const report = () => {
    try {
      if (usage) hooks.onUsage(usage);
    } catch {
      // Accounting must never break the client's stream.
    }
  };
  return {
    push(chunk) {
      try {
        parser.feed(decoder.decode(chunk, { stream: true }));
      } catch {
        // A chunk we cannot read is still the upstream's to give: the client gets it as it came.
      }
      return chunk;
    },
    finish(cause) {
      parser.feed(decoder.decode());
      report();
      if (ended) return undefined;
      ended = true;
      return new TextEncoder().encode(protocol.errorEvent(cause ?? STREAM_INCOMPLETE));
    },
  };
}
