/**
 * `message_start`, `message_delta`, `message_stop` and `error`
 * (https://docs.anthropic.com/en/docs/build-with-claude/streaming). message_start fixes the chunk
 * id and model and writes the role chunk; message_delta carries the stop reason and cumulative
 * usage; message_stop is the only clean end (finish reason, usage chunk if asked, then `[DONE]`);
 * an `error` event (e.g. overloaded_error after the 200) ends the stream with one error event
 * mapped as to-error.ts maps the same error type, scrubbed, and no `[DONE]`.
 */

import { isRecord } from '../kit/records.js';
import { finishReason } from './finish-reason.js';
import { finish, noteUsage, type StreamState, start } from './stream-state.js';
import { statusOfErrorType, toError } from './to-error.js';

export function onMessageStart(s: StreamState, data: Record<string, unknown>): void {
  const message = isRecord(data.message) ? data.message : {};
  if (isRecord(message.usage)) noteUsage(s, message.usage);
  const id = typeof message.id === 'string' ? message.id : 'msg_unknown';
  start(s, id, typeof message.model === 'string' ? message.model : s.call.upstreamModel);
}

export function onMessageDelta(s: StreamState, data: Record<string, unknown>): void {
  const delta = isRecord(data.delta) ? data.delta : {};
  if (typeof delta.stop_reason === 'string') s.stopReason = delta.stop_reason;
  if (isRecord(data.usage)) noteUsage(s, data.usage);
}

export function onMessageStop(s: StreamState): void {
  finish(s, finishReason(s.stopReason, s.jsonAnswer && s.toolCount === 0));
}

/** `data` is the event's raw text, parsed or not: whatever it holds is the error. */
export function onErrorEvent(s: StreamState, data: Record<string, unknown> | undefined, raw: string): void {
  const type = data && isRecord(data.error) ? data.error.type : undefined;
  s.out.fail(toError(statusOfErrorType(type), new Headers(), raw, s.call));
}
