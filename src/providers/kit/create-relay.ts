/**
 * The one envelope every adapter's stream relay is built in. The adapter only translates: it is
 * handed a `RelayOutput` and returns what to do with each upstream chunk (`push`), with what is
 * left when the upstream stops (`flush`), and how to end cleanly if it can (`end`). The envelope
 * owns the rest, once for all adapters:
 * - ending: after `done()` or `fail()` nothing more is written or read;
 * - throw-safety: an adapter that throws ends the stream with `stream_relay_failed`, never with a
 *   throw into the client's stream;
 * - usage: each report an upstream sends as a whole goes to `hooks.onUsage` as it comes
 *   (`reportUsage`); a running total (`trackUsage`) goes once, when the stream ends either way; a
 *   throwing hook never breaks the stream;
 * - the ending itself: `[DONE]` only when the adapter says the upstream really finished; else one
 *   final error event, the cause handed to `finish(cause)` (a cut connection, an idle upstream)
 *   or `upstream_stream_incomplete`.
 * One chunk in gives at most one chunk out: bytes and text written during a step leave together.
 */
import type { StreamHooks, StreamRelay, Usage } from '../types.js';
import { ByteQueue } from './byte-queue.js';
import { errorEvent, RELAY_FAILED, STREAM_INCOMPLETE, type StreamError } from './sse-error-event.js';

const encoder = new TextEncoder();
const DONE = encoder.encode('data: [DONE]\n\n');

/** What an adapter writes to; everything is for the client, in order. */
export interface RelayOutput {
  /** `[DONE]` or an error event has been written: write nothing more. */
  readonly ended: boolean;
  /** Bytes for the client (kept as they are: a view of the upstream's chunk costs no copy). */
  write(bytes: Uint8Array): void;
  /** Text for the client, encoded once per step however many pieces are written. */
  writeText(text: string): void;
  /** One usage report, complete in itself: reported now. */
  reportUsage(usage: Usage): void;
  /** The running total so far: reported once, when the stream ends; a later call replaces it. */
  trackUsage(usage: Usage): void;
  /** The clean end: `[DONE]` (the upstream's own bytes for it, when given as they are). */
  done(raw?: Uint8Array): void;
  /** The failed end: one error event, no `[DONE]`. */
  fail(err: StreamError): void;
}

/** An adapter's translation, driven by the envelope. */
export interface RelayHandlers {
  /** One upstream chunk. */
  push(chunk: Uint8Array): void;
  /** The upstream stopped (cleanly or not): read what is still buffered. */
  flush?(): void;
  /**
   * Called when the stream has not ended after `flush`: end it if the adapter can (`done()` when
   * the answer is complete, `fail()` when it knows better than `cause`). Not ending leaves the
   * stream to fail with `cause`, or with `upstream_stream_incomplete` when there is none.
   */
  end?(cause: StreamError | undefined): void;
}

export function createRelay(hooks: StreamHooks, build: (out: RelayOutput) => RelayHandlers): StreamRelay {
  const relay = new Relay(hooks);
  relay.handlers = build(relay);
  return relay;
}

/** Plain fields and methods on one class: the envelope sits on the hot path of every stream. */
class Relay implements RelayOutput, StreamRelay {
  ended = false;
  handlers: RelayHandlers | undefined;
  private readonly queue = new ByteQueue();
  private text = '';
  private total: Usage | undefined;

  constructor(private readonly hooks: StreamHooks) {}

  write(bytes: Uint8Array): void {
    if (this.text !== '') this.flushText();
    this.queue.push(bytes);
  }

  writeText(piece: string): void {
    this.text += piece;
  }

  reportUsage(usage: Usage): void {
    try {
      this.hooks.onUsage(usage);
    } catch {
      // Accounting must never break the client's stream.
    }
  }

  trackUsage(total: Usage): void {
    this.total = total;
  }

  done(raw?: Uint8Array): void {
    if (this.ended) return;
    this.write(raw ?? DONE.slice()); // a copy: whoever reads may keep or transfer it
    this.end();
  }

  fail(err: StreamError): void {
    if (this.ended) return;
    this.write(errorEvent(err));
    this.end();
  }

  push(chunk: Uint8Array): Uint8Array | undefined {
    if (this.ended) return undefined;
    try {
      this.handlers?.push(chunk);
    } catch {
      this.fail(RELAY_FAILED);
    }
    return this.take();
  }

  finish(cause?: StreamError): Uint8Array | undefined {
    try {
      if (!this.ended) this.handlers?.flush?.();
      if (!this.ended) this.handlers?.end?.(cause);
      if (!this.ended) this.fail(cause ?? STREAM_INCOMPLETE);
    } catch {
      this.fail(RELAY_FAILED);
    }
    return this.take();
  }

  private end(): void {
    this.ended = true;
    const total = this.total;
    this.total = undefined;
    if (total) this.reportUsage(total);
  }

  private flushText(): void {
    this.queue.push(encoder.encode(this.text));
    this.text = '';
  }

  /** What the step wrote, as one chunk. */
  private take(): Uint8Array | undefined {
    if (this.text !== '') this.flushText();
    return this.queue.take();
  }
}
