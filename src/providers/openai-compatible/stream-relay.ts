/**
 * Upstream SSE (OpenAI, OpenRouter, Meta compat) → the client's SSE, forwarding as much as it can
 * byte for byte. Each `data:` event is forwarded as received (re-framed to `\n\n` only if it came
 * with CRs or other field lines) unless a cheap test says it may carry usage or an error; only
 * then is it parsed, and only a chunk that must change is re-serialised:
 * - comment lines (`: OPENROUTER PROCESSING`) and `event:` lines are dropped;
 * - each usage report goes to `hooks.onUsage` as it comes; if the client did not ask for it, a
 *   usage-only chunk is dropped and usage riding on a chunk with choices is cut out of it;
 * - an upstream error (truthy `error`, a choice finishing with `"error"`, an `event: error`)
 *   becomes our one final error event; nothing after it, or after `[DONE]`, is forwarded;
 * - an upstream that ends without either gets an error event, never a clean end. A bad chunk is
 *   data, not a throw; the envelope (createRelay) owns the ending, usage reporting and
 *   throw-safety.
 */
import { type ErrorCode, type UpstreamCode, upstreamFailed } from '../../errors.js';
import { createRelay, type RelayHandlers, type RelayOutput } from '../kit/create-relay.js';
import { pickMessage, safeMessage } from '../kit/error-body.js';
import { providerLabel } from '../kit/providers.js';
import { isRecord, parseObject } from '../kit/records.js';
import type { CallContext, StreamHooks, StreamRelay } from '../types.js';
import { embeddedError } from './embedded-error.js';
import { type SseEvent, SseEventSplitter } from './sse-events.js';
import { toUsage } from './usage.js';

const encoder = new TextEncoder();
const DONE = '[DONE]';

/**
 * Whether a data payload may carry usage or an error, tested before any parse. It matches only
 * real JSON keys: inside a JSON string every `"` is escaped (`\"`), so text such as `"usage": {`
 * in a message reaches the wire as `\"usage\": {`, which this does not match. A quote followed by
 * `usage"` then `:` can only be a key (string values are followed by `,` `}` or `]`, never `:`).
 * A stray match costs one parse and nothing more; a key spelt with `\u` escapes would be missed,
 * which no provider does.
 */
const MAY_MATTER = /"(?:usage"\s*:\s*\{|error"\s*:|finish_reason"\s*:\s*"error")/;

/** Re-frames a data payload: one `data:` line per line of it, then the blank line. */
function dataEvent(data: string): Uint8Array {
  return encoder.encode(`data: ${data.includes('\n') ? data.replaceAll('\n', '\ndata: ') : data}\n\n`);
}

export function streamRelay(call: CallContext, hooks: StreamHooks): StreamRelay {
  return createRelay(hooks, (out) => relayEvents(call, out));
}

function relayEvents(call: CallContext, out: RelayOutput): RelayHandlers {
  const name = providerLabel(call.provider);
  const splitter = new SseEventSplitter();

  function upstreamFailure(message: string | undefined, code: ErrorCode | UpstreamCode): void {
    const text = message ? safeMessage(message, call.apiKey) : 'the generation failed';
    out.fail(upstreamFailed(`${name}: ${text}`, code));
  }

  function forward(event: SseEvent, data: string): void {
    out.write(event.canonical ? event.raw : dataEvent(data));
  }

  /** `event: error`: whatever its data holds is the error. */
  function namedError(data: string | undefined): void {
    const body = data === undefined ? undefined : parseObject(data);
    const found = body ? embeddedError(body, call.apiKey) : undefined;
    upstreamFailure(found?.message ?? (body ? pickMessage(body) : data), found?.code ?? 'upstream_error');
  }

  /** A payload that may carry usage or an error; `chunk` is its parse. */
  function inspect(event: SseEvent, data: string, chunk: Record<string, unknown>): void {
    const usage = isRecord(chunk.usage) ? chunk.usage : undefined;
    const seen = usage ? toUsage(usage) : undefined;
    if (seen) out.reportUsage(seen);
    const failure = embeddedError(chunk, call.apiKey);
    if (failure) upstreamFailure(failure.message, failure.code);
    else if (!usage || call.includeUsage) forward(event, data);
    else if (Array.isArray(chunk.choices) && chunk.choices.length > 0) {
      // The client did not ask for usage (we asked on its behalf): cut it out of this chunk. A
      // usage-only chunk (`choices: []`) is dropped whole.
      delete chunk.usage;
      out.write(encoder.encode(`data: ${JSON.stringify(chunk)}\n\n`));
    }
  }

  function onEvent(event: SseEvent): void {
    const { data } = event;
    if (out.ended) return;
    if (event.event === 'error') namedError(data);
    else if (data === DONE) out.done(event.canonical ? event.raw : undefined);
    else if (data !== undefined) {
      // (undefined: comments, bare `event:`/`id:`/`retry:` lines; dropped)
      const chunk = MAY_MATTER.test(data) ? parseObject(data) : undefined;
      if (chunk) inspect(event, data, chunk);
      else forward(event, data); // nothing to see, or not JSON: forwarded as it came
    }
  }

  /** The last event lacked its blank line: only a `[DONE]` or an error in it still counts. */
  function onIncomplete(event: SseEvent): void {
    if (event.data === DONE || event.event === 'error') onEvent(event);
    else if (event.data !== undefined && MAY_MATTER.test(event.data)) {
      const chunk = parseObject(event.data);
      const failure = chunk ? embeddedError(chunk, call.apiKey) : undefined;
      if (failure) upstreamFailure(failure.message, failure.code);
    }
  }

  return {
    push: (chunk) => splitter.push(chunk, onEvent),
    flush: () => splitter.finish(onIncomplete),
  };
}
