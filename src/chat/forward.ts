import { GatewayError } from '../errors.js';
import type { CallContext, ChatRequest, ProviderAdapter, UpstreamClient, Usage } from '../providers/types.js';
import { guardStream } from './stream-guard.js';

/** What the route learns about a call as it happens: for metrics, usage and lastUsedAt, off the hot path. */
export interface CallObserver {
  onFirstByte(ms: number): void;
  onUsage(usage: Usage): void;
  /** The call is over: the response was sent or the stream finished, failed or was abandoned. */
  onEnd(outcome: 'done' | 'error' | 'interrupted' | 'cancelled', ms: number): void;
}

export interface ForwardInput {
  upstream: UpstreamClient;
  adapter: ProviderAdapter;
  chat: ChatRequest;
  call: CallContext;
  clientSignal: AbortSignal;
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

async function readText(body: ReadableStream<Uint8Array>, max: number): Promise<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel().catch(() => {});
      if (max === MAX_ERROR_BODY) break;
      throw new GatewayError(
        502,
        'upstream_error',
        'upstream_response_too_large',
        'The upstream response was too large.',
      );
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
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
  input.clientSignal.addEventListener('abort', abortUpstream, { once: true });
  const detach = () => input.clientSignal.removeEventListener('abort', abortUpstream);
  let timedOut = false;
  const firstByteTimer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, input.firstByteTimeoutMs);
  const elapsed = () => performance.now() - started;

  let res: Awaited<ReturnType<UpstreamClient['send']>>;
  try {
    res = await input.upstream.send(request, controller.signal);
  } catch {
    clearTimeout(firstByteTimer);
    detach();
    observer.onEnd('error', elapsed());
    if (timedOut) {
      throw new GatewayError(
        504,
        'timeout_error',
        'upstream_timeout',
        `The upstream did not answer within ${input.firstByteTimeoutMs} ms.`,
      );
    }
    throw new GatewayError(
      502,
      'upstream_error',
      'upstream_unreachable',
      'The upstream provider could not be reached.',
    );
  }
  clearTimeout(firstByteTimer);
  observer.onFirstByte(elapsed());

  if (res.status < 200 || res.status >= 300 || !call.stream) {
    try {
      const ok = res.status >= 200 && res.status < 300;
      const text = await readText(res.body, ok ? MAX_RESPONSE_BODY : MAX_ERROR_BODY);
      if (!ok) throw adapter.toError(res.status, res.headers, text, call);
      const { body, usage } = adapter.readResponse(text, call);
      if (usage) observer.onUsage(usage);
      observer.onEnd('done', elapsed());
      return { status: 200, contentType: 'application/json', body };
    } catch (err) {
      observer.onEnd('error', elapsed());
      if (err instanceof GatewayError) throw err;
      throw new GatewayError(
        502,
        'upstream_error',
        'upstream_interrupted',
        'The upstream response was cut off.',
      );
    } finally {
      detach();
    }
  }

  const guarded = guardStream(res.body, {
    idleTimeoutMs: input.idleTimeoutMs,
    abortUpstream,
    onEnd: (outcome) => {
      detach();
      observer.onEnd(outcome, elapsed());
    },
  });
  const transform = adapter.streamTransform(call, {
    onUsage: (usage) => observer.onUsage(usage),
    interruption: guarded.interruption,
  });
  return {
    status: 200,
    contentType: 'text/event-stream; charset=utf-8',
    body: guarded.stream.pipeThrough(transform),
  };
}
