/**
 * Gemini stream events → OpenAI chunks: a state machine over closure variables, fed one event at a time
 * (google-gemini.md §5, §8; openai-chat.md §3). Each event is a whole GenerateContentResponse
 * holding only the new parts:
 * - the first event opens with `{role: "assistant", content: ""}`;
 * - text → `content` deltas, thought parts → `reasoning_content` deltas, each functionCall → one
 *   tool call delta with id/type/name and its whole arguments (`index` counts calls from 0);
 * - `finishReason` is remembered (STOP after calls → `tool_calls`; a prompt block →
 *   `content_filter`); usage is the last `usageMetadata`.
 * Gemini sends no `[DONE]`: the answer is complete when the upstream closes cleanly after a
 * finishReason. Only then come the finish chunk, the usage chunk (if asked for) and `[DONE]`. A cut,
 * an idle upstream, no finishReason, an error object, a failed tool call or an event that is not
 * JSON ends the stream with one error event instead. Nothing here throws into the stream.
 */

import { isRecord } from '../shared/records.js';
import { errorEvent, STREAM_INCOMPLETE as INCOMPLETE, type StreamError } from '../shared/sse-error-event.js';
import type { CallContext, StreamHooks, Usage } from '../types.js';
import { mapFinishReason, type OpenAIFinishReason, toolCallFailed } from './finish-reason.js';
import { type GoogleError, readGoogleError } from './google-error.js';
import { completionId, type PartView, viewResponse } from './read-candidates.js';
import { type ChunkMeta, DONE, deltaChunk, toolCallDelta, usageChunk } from './stream-chunks.js';
import { googleErrorToGateway } from './to-error.js';
import { newToolCallId } from './tool-call-id.js';

const NOT_JSON: StreamError = {
  message: 'Google Gemini sent a stream event that is not a JSON object.',
  type: 'upstream_error',
  code: 'upstream_invalid_chunk',
};

/** The stream's state machine, fed one SSE data payload at a time; `take` drains what to send. */
export interface Translator {
  readonly ended: boolean;
  event(data: string): void;
  end(): void;
  take(): string;
}

export function createTranslator(
  call: CallContext,
  hooks: StreamHooks,
  strayError: () => GoogleError | undefined,
): Translator {
  let meta: ChunkMeta | undefined;
  let ended = false;
  let finish: OpenAIFinishReason | undefined;
  let toolCalls = 0;
  let usage: Usage | undefined;
  let usageReported = false;
  let out = '';

  function reportUsage(): void {
    if (!usage || usageReported) return;
    usageReported = true;
    try {
      hooks.onUsage(usage);
    } catch {
      // Accounting must never break the client's stream.
    }
  }

  function fail(err: StreamError): void {
    out += new TextDecoder().decode(errorEvent(err));
    ended = true;
    reportUsage();
  }

  function upstreamError(err: GoogleError): StreamError {
    return googleErrorToGateway(err.code ?? 502, new Headers(), err, call);
  }

  function part(m: ChunkMeta, p: PartView): void {
    if (p.kind === 'call') {
      out += deltaChunk(m, toolCallDelta(toolCalls++, newToolCallId(p.signature), p.name, p.args));
    } else if (p.text !== '') {
      out += deltaChunk(m, p.kind === 'text' ? { content: p.text } : { reasoning_content: p.text });
    }
  }

  function onEvent(data: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      parsed = undefined;
    }
    const failure = readGoogleError(parsed);
    if (failure || !isRecord(parsed)) {
      fail(failure ? upstreamError(failure) : NOT_JSON);
      return;
    }
    const view = viewResponse(parsed);
    if (!meta) {
      meta = {
        id: completionId(view.responseId),
        created: Math.floor(Date.now() / 1000),
        model: view.modelVersion ?? call.upstreamModel,
        includeUsage: call.includeUsage,
      };
      out += deltaChunk(meta, { role: 'assistant', content: '' });
    }
    if (view.usage) usage = view.usage;
    if (view.blockReason) finish = 'content_filter';
    const candidate = view.candidates.find((c) => c.index === 0);
    if (!candidate) return;
    for (const p of candidate.parts) part(meta, p);
    if (candidate.finishReason) {
      const outcome = mapFinishReason(candidate.finishReason, toolCalls > 0);
      if ('reason' in outcome) finish = outcome.reason;
      else fail(toolCallFailed(outcome.error));
    }
  }

  function interruption(): StreamError | undefined {
    try {
      const err = hooks.interruption();
      return err ? { message: err.message, type: err.type, code: err.code } : undefined;
    } catch {
      return INCOMPLETE;
    }
  }

  /** Why the stream cannot end cleanly, if it cannot. */
  function endFailure(): StreamError | undefined {
    const stray = strayError();
    if (stray) return upstreamError(stray);
    return interruption() ?? (meta && finish ? undefined : INCOMPLETE);
  }

  function end(): void {
    const failure = endFailure();
    if (failure || !meta || !finish) {
      fail(failure ?? INCOMPLETE);
      return;
    }
    out += deltaChunk(meta, {}, finish);
    reportUsage();
    if (meta.includeUsage && usage) out += usageChunk(meta, usage);
    out += DONE;
    ended = true;
  }

  return {
    get ended() {
      return ended;
    },
    event(data: string) {
      if (ended) return;
      try {
        onEvent(data);
      } catch {
        fail(INCOMPLETE);
      }
    },
    end() {
      if (ended) return;
      try {
        end();
      } catch {
        fail(INCOMPLETE);
      }
    },
    take() {
      const text = out;
      out = '';
      return text;
    },
  };
}
