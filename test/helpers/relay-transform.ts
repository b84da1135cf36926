import type { StreamError } from '../../src/providers/kit/sse-error-event.js';
import type { StreamRelay } from '../../src/providers/types.js';

/**
 * A relay as a TransformStream, for tests (the gateway drives relays from its one client stream,
 * src/chat/client-stream.ts). `cause`, when given, is handed to `finish` as the reason the
 * upstream stopped early (what the client stream does on a cut or an idle upstream).
 */
export function relayTransform(
  relay: StreamRelay,
  cause?: StreamError,
): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      const bytes = relay.push(chunk);
      if (bytes) controller.enqueue(bytes);
    },
    flush(controller) {
      const bytes = relay.finish(cause);
      if (bytes) controller.enqueue(bytes);
    },
  });
}
