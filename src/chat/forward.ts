import {
  GatewayError,
  upstreamInterrupted,
  upstreamResponseTooLarge,
  upstreamTimeout,
  upstreamUnreachable,
} from '../errors.js';
import type { ClientGone } from '../http/client-gone.js';
import { concatBytes } from '../providers/kit/byte-queue.js';
import type {
  CallContext,
  ChatRequest,
  ProviderAdapter,
  UpstreamClient,
  UpstreamResponse,
  Usage,
} from '../providers/types.js';
import { clientStream } from './client-stream.js';
import { Deadline } from './deadline.js';
import { withSafeHeaders } from './upstream-headers.js';

/** What the route learns about a call as it happens: for metrics, usage and lastUsedAt, off the hot path. */
export interface CallObserver {
  onFirstByte(ms: number): void;
  onUsage(usage: Usage): void;
  /** Bytes of the answer relayed to the client (OpenAI's format), for estimates when no usage came. */
  onRelayed(bytes: Uint8Array): void;
  /**
   * The call is over: the response was sent or the stream finished, failed or was abandoned.
   * `status` is the error's status when the call failed before answering.
   */
  onEnd(outcome: 'done' | 'error' | 'interrupted' | 'cancelled', ms: number, status?: number): void;
}

export interface ForwardInput {
  upstream: UpstreamClient;
  adapter: ProviderAdapter;
  chat: ChatRequest;
  call: CallContext;
  /** The client went away: the upstream call is aborted. */
  clientGone: ClientGone;
  /** Aborted when the process stops for good: an open stream ends with an error event. */
  stopSignal?: AbortSignal;
  firstByteTimeoutMs: number;
  idleTimeoutMs: number;
  observer: CallObserver;
}

export interface ForwardResult {
  status: number;
  contentType: string;
  body: ReadableStream<Uint8Array> | string;
}

const MAX_ERROR_BODY = 64 * 1024;
const MAX_RESPONSE_BODY = 64 * 1024 * 1024;

/**
 * The body as text, read through its iterator so that its size stays bounded: an error body is cut
 * at `max` (what came before is kept), a success body over `max` is an error. Chunks are kept as
 * they come and decoded once (undici's `text()` costs the same, measured, but cannot be bounded).
 */
async function readText(res: UpstreamResponse, max: number): Promise<string> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for (const iterator = res.body[Symbol.asyncIterator](); ; ) {
    const { done, value } = await iterator.next();
    if (done) break;
    if (size + value.byteLength > max) {
      res.cancel();
      if (max === MAX_ERROR_BODY) break;
      throw upstreamResponseTooLarge();
    }
    size += value.byteLength;
    parts.push(value);
  }
  const decoder = new TextDecoder();
  return parts.length === 1 ? decoder.decode(parts[0]) : decoder.decode(concatBytes(parts, size));
}

/**
 * One upstream call: first-byte timeout, client abort → upstream abort, errors mapped by the
 * adapter before anything is streamed, and an honest stream after that. Never retries.
 */
export async function forwardChat(input: ForwardInput): Promise<ForwardResult> {
  const { adapter, call, observer } = input;
  // What cannot be translated is the client's error (a 400), raised before any upstream work.
  const request = adapter.buildRequest(input.chat, call);
  const started = performance.now();
  const controller = new AbortController();
  const abortUpstream = () => controller.abort();
  const detach = input.clientGone(abortUpstream);
  let timedOut = false;
  // One timer for the call: the first byte, then the body's or the stream's own limit.
  const deadline = new Deadline(input.firstByteTimeoutMs, () => {
    timedOut = true;
    controller.abort();
  });
  const elapsed = () => performance.now() - started;

  let res: Awaited<ReturnType<UpstreamClient['send']>>;
  try {
    res = await input.upstream.send(request, controller.signal);
  } catch {
    deadline.clear();
    detach();
    observer.onEnd('error', elapsed(), timedOut ? 504 : 502);
    if (timedOut) {
      throw upstreamTimeout(input.firstByteTimeoutMs);
    }
    throw upstreamUnreachable();
  }
  observer.onFirstByte(elapsed());

  if (res.status < 200 || res.status >= 300 || !call.stream) {
    // The body gets the same limit as the first byte: an upstream that sends headers and then
    // stalls must not hold the client (and a connection) open for ever.
    deadline.restart(input.firstByteTimeoutMs, () => {
      timedOut = true;
      controller.abort();
      res.cancel();
    });
    try {
      const ok = res.status >= 200 && res.status < 300;
      const text = await readText(res, ok ? MAX_RESPONSE_BODY : MAX_ERROR_BODY);
      if (!ok) throw withSafeHeaders(adapter.toError(res.status, res.headers, text, call), call.apiKey);
      const { body, usage } = adapter.readResponse(text, call);
      if (usage) observer.onUsage(usage);
      else observer.onRelayed(new TextEncoder().encode(body));
      observer.onEnd('done', elapsed());
      return { status: 200, contentType: 'application/json', body };
    } catch (err) {
      observer.onEnd('error', elapsed(), timedOut ? 504 : err instanceof GatewayError ? err.status : 502);
      if (timedOut) throw upstreamTimeout(input.firstByteTimeoutMs);
      if (err instanceof GatewayError) throw err;
      throw upstreamInterrupted();
    } finally {
      deadline.clear();
      detach();
    }
  }

  const body = clientStream(res, {
    deadline,
    idleTimeoutMs: input.idleTimeoutMs,
    stopSignal: input.stopSignal,
    abortUpstream,
    relay: adapter.streamRelay(call, { onUsage: (usage) => observer.onUsage(usage) }),
    onRelayed: (bytes) => observer.onRelayed(bytes),
    onEnd: (outcome) => {
      detach();
      observer.onEnd(outcome, elapsed());
    },
  });
  return { status: 200, contentType: 'text/event-stream; charset=utf-8', body };
}
