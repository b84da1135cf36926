import {
  type GatewayError,
  gatewayShuttingDown,
  upstreamIdleTimeout,
  upstreamStreamInterrupted,
} from '../errors.js';
import type { StreamRelay, UpstreamResponse } from '../providers/types.js';
import type { Deadline } from './deadline.js';
import { offerDirect } from './direct-body.js';

/**
 * The client's body of a streamed call. Each `next()` of its pump takes the next upstream chunk,
 * passes it through the adapter's relay and returns what comes out (reading on while a chunk yields
 * nothing); the client's side asks for the next chunk only when it has taken the last one, so
 * nothing is read ahead of the client. Two readers drive the same pump: the Web stream below
 * (Workers, `app.request()`) and, on Node, `src/node/direct-stream.ts`, which writes the chunks to
 * the response itself (see `direct-body.ts`).
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

/** The client's side of a streamed call, one chunk at a time. */
export interface ClientPump {
  /**
   * The next bytes for the client, or `null` when there are no more (after the relay's last
   * bytes, or once cancelled). Rejects only when the relay throws; the upstream is stopped first.
   */
  next(): Promise<Uint8Array | null>;
  /** The client is gone: stop the upstream now, end as `cancelled`. Idempotent. */
  cancel(): void;
  /** The stream is over: finished, failed or cancelled (`onEnd` has run). */
  readonly ended: boolean;
}

function clientPump(res: UpstreamResponse, opts: ClientStreamOptions): ClientPump {
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
    if (ended) return;
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

  /** The upstream is over (`cause`: why, if it stopped early): the relay's last bytes, if any. */
  const close = (cause?: GatewayError): Uint8Array | null => {
    const bytes = relay.finish(cause);
    if (bytes) opts.onRelayed?.(bytes);
    end(cause ? 'interrupted' : 'done');
    return bytes ?? null;
  };

  return {
    async next() {
      if (ended) return null;
      try {
        for (;;) {
          let step: IteratorResult<Uint8Array>;
          try {
            step = await iterator.next();
            if (idleFired) throw new Error('idle');
          } catch {
            if (ended) return null; // cancelled meanwhile: the read failed because we stopped it
            return close(
              stopCause ??
                (idleFired ? upstreamIdleTimeout(opts.idleTimeoutMs) : upstreamStreamInterrupted()),
            );
          }
          if (ended) return null;
          if (step.done) return close(stopCause);
          deadline.renew();
          const bytes = relay.push(step.value);
          if (bytes) {
            opts.onRelayed?.(bytes);
            return bytes;
          }
        }
      } catch (err) {
        // Only a relay that throws gets here: the client's stream fails, as a throwing transform did.
        stopUpstream();
        throw err;
      }
    },
    cancel: stopUpstream,
    get ended() {
      return ended;
    },
  };
}

/** The pump as a Web stream (high-water mark 0), registered for Node's direct writer. */
export function clientStream(res: UpstreamResponse, opts: ClientStreamOptions): ReadableStream<Uint8Array> {
  const pump = clientPump(res, opts);
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const bytes = await pump.next();
        if (cancelled) return;
        if (bytes) controller.enqueue(bytes);
        // The relay's last bytes are followed by nothing: close at once, as before the pump.
        if (!bytes || pump.ended) controller.close();
      },
      cancel() {
        cancelled = true;
        pump.cancel();
      },
    },
    { highWaterMark: 0 },
  );
  offerDirect(stream, pump);
  return stream;
}
