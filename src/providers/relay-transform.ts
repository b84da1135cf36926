import type { StreamRelay } from './types.js';

/**
 * A relay as a TransformStream, for tests and for callers that want one. The gateway itself drives
 * relays from its single client stream (src/chat/client-stream.ts) and builds none of these.
 */
export function relayTransform(relay: StreamRelay): TransformStream<Uint8Array, Uint8Array> {
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      const bytes = relay.push(chunk);
      if (bytes) controller.enqueue(bytes);
    },
    flush(controller) {
      const bytes = relay.finish();
      if (bytes) controller.enqueue(bytes);
    },
  });
}
