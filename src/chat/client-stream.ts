import {
  type GatewayError,
  gatewayShuttingDown,
  upstreamIdleTimeout,
  upstreamStreamInterrupted,
} from '../errors.js';
import type { StreamRelay, UpstreamResponse } from '../providers/types.js';
import type { Deadline } from './deadline.js';

/**
 * The one Web Stream of a streamed call: the client's body. Each `pull` takes the next upstream
 * chunk, passes it through the adapter's relay and enqueues what comes out (reading on while a
 * chunk yields nothing). High-water mark 0: nothing is read ahead of the client.
 *
 * A cut connection or an idle upstream ends the stream with `relay.finish(cause)`, which the
 * relay turns into a final error event; a clean end is `relay.finish()`. Cancelling (the client went
 * away) aborts the upstream at once. When `stopSignal` aborts (the process stops), the upstream is
 * cut and the stream ends with `gateway_shutting_down`. `onEnd` fires once.
 */
export interface ClientStreamOptions {
  /** The call's timer, restarted here with the idle limit and renewed by every chunk. */
  deadline: Deadline;
  idleTimeoutMs: number;
  /** Aborted when the process stops for good: the stream ends with `gateway_shutting_down`. */
  stopSignal?: AbortSignal | undefined;
  abortUpstream: () => void;
  /** The adapter's relay for this response. */
  relay: StreamRelay;
  /** Each chunk handed to the client, as it is enqueued (usage estimates count its text). */
  onRelayed?: (bytes: Uint8Array) => void;
  /** Called once when the stream finishes, fails or is cancelled (after the relay's last output). */
  onEnd: (outcome: 'done' | 'interrupted' | 'cancelled') => void;
}

export function clientStream(res: UpstreamResponse, opts: ClientStreamOptions): ReadableStream<Uint8Array> {
  const iterator = res.body[Symbol.asyncIterator]();
  let idleFired = false;
  let ended = false;
  /** Set when the process stops for good: the cause the stream ends with, whatever the read does. */
  let stopCause: GatewayError | undefined;
  const { relay, deadline } = opts;

  const end = (outcome: 'done' | 'interrupted' | 'cancelled') => {
    if (ended) return;
    ended = true;
    deadline.clear();
    opts.stopSignal?.removeEventListener('abort', stopForShutdown);
    opts.onEnd(outcome);
  };

  // The upstream is cut like an idle one; the pending read fails and the relay ends with the cause.
  function stopForShutdown() {
    stopCause = gatewayShuttingDown();
    opts.abortUpstream();
    res.cancel();
  }
  if (opts.stopSignal?.aborted) stopForShutdown();
  else opts.stopSignal?.addEventListener('abort', stopForShutdown, { once: true });

  /** The client is gone (or the relay broke its word and threw): stop the upstream now. */
  const stopUpstream = () => {
    end('cancelled');
    opts.abortUpstream();
    res.cancel();
  };

  // Silence longer than the idle limit cuts the upstream; each chunk renews the limit.
  deadline.restart(opts.idleTimeoutMs, () => {
    idleFired = true;
    opts.abortUpstream();
    res.cancel();
  });

  /** The upstream is over (`cause`: why, if it stopped early): the relay's last bytes, then close. */
  const close = (controller: ReadableStreamDefaultController<Uint8Array>, cause?: GatewayError) => {
    const bytes = relay.finish(cause);
    if (bytes) opts.onRelayed?.(bytes);
    end(cause ? 'interrupted' : 'done');
    if (bytes) controller.enqueue(bytes);
    controller.close();
  };

  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          for (;;) {
            let step: IteratorResult<Uint8Array>;
            try {
              step = await iterator.next();
              if (idleFired) throw new Error('idle');
            } catch {
              if (ended) return; // cancelled meanwhile: the read failed because we stopped it
              close(
                controller,
                stopCause ??
                  (idleFired ? upstreamIdleTimeout(opts.idleTimeoutMs) : upstreamStreamInterrupted()),
              );
              return;
            }
            if (ended) return;
            if (step.done) {
              close(controller, stopCause);
              return;
            }
            deadline.renew();
            const bytes = relay.push(step.value);
            if (bytes) {
              opts.onRelayed?.(bytes);
              controller.enqueue(bytes);
              return;
            }
          }
        } catch (err) {
          // Only a relay that throws gets here: the client's stream fails, as a throwing transform did.
          stopUpstream();
          throw err;
        }
      },
      cancel() {
        stopUpstream();
      },
    },
    { highWaterMark: 0 },
  );
}
