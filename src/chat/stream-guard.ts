import { GatewayError } from '../errors.js';

/**
 * Wraps an upstream body so that it always ends cleanly for the transform after it: a cut
 * connection or an idle upstream closes the stream and leaves the reason in `interruption()`,
 * which the provider transform turns into a final error event. Cancelling it (the client went
 * away) aborts the upstream at once.
 */
export interface GuardedStream {
  stream: ReadableStream<Uint8Array>;
  interruption(): GatewayError | undefined;
}

export interface GuardOptions {
  idleTimeoutMs: number;
  abortUpstream: () => void;
  /** Called once when the stream finishes, fails or is cancelled. */
  onEnd: (outcome: 'done' | 'interrupted' | 'cancelled') => void;
}

export function upstreamCut(): GatewayError {
  return new GatewayError(
    502,
    'upstream_error',
    'upstream_stream_interrupted',
    'The upstream connection was lost mid-stream.',
  );
}

export function upstreamIdle(ms: number): GatewayError {
  return new GatewayError(
    504,
    'timeout_error',
    'upstream_idle_timeout',
    `The upstream sent nothing for ${ms} ms.`,
  );
}

export function guardStream(source: ReadableStream<Uint8Array>, opts: GuardOptions): GuardedStream {
  const reader = source.getReader();
  let failure: GatewayError | undefined;
  let idleFired = false;
  let lastChunkAt = Date.now();
  let ended = false;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const finish = (outcome: 'done' | 'interrupted' | 'cancelled') => {
    if (ended) return;
    ended = true;
    if (timer) clearTimeout(timer);
    opts.onEnd(outcome);
  };

  // One timer per idle period rather than one per chunk: it re-arms itself for the time left.
  const checkIdle = () => {
    const quiet = Date.now() - lastChunkAt;
    if (quiet >= opts.idleTimeoutMs) {
      idleFired = true;
      opts.abortUpstream();
      reader.cancel().catch(() => {});
    } else {
      timer = setTimeout(checkIdle, opts.idleTimeoutMs - quiet);
    }
  };
  timer = setTimeout(checkIdle, opts.idleTimeoutMs);

  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (idleFired) throw new Error('idle');
        if (done) {
          finish('done');
          controller.close();
          return;
        }
        lastChunkAt = Date.now();
        controller.enqueue(value);
      } catch {
        failure = idleFired ? upstreamIdle(opts.idleTimeoutMs) : upstreamCut();
        finish('interrupted');
        controller.close();
      }
    },
    async cancel(reason) {
      finish('cancelled');
      opts.abortUpstream();
      await reader.cancel(reason).catch(() => {});
    },
  });

  return { stream, interruption: () => failure };
}
