/**
 * Gemini stream events → OpenAI chunks: a state machine over closure variables, fed one event at a
 * time (https://ai.google.dev/api/generate-content;
 * https://platform.openai.com/docs/api-reference/chat-streaming). Each event is a whole
 * GenerateContentResponse holding only the new parts:
 * - the first event opens with `{role: "assistant", content: ""}`;
 * - text → `content` deltas, thought parts → `reasoning_content` deltas, each functionCall → one
 *   tool call delta with id/type/name and its whole arguments (`index` counts calls from 0);
 * - `finishReason` is remembered (STOP after calls → `tool_calls`; a prompt block →
 *   `content_filter`); usage is the last `usageMetadata`.
 * Gemini sends no `[DONE]`: the answer is complete when the upstream closes cleanly after a
 * finishReason. Only then come the finish chunk, the usage chunk (if asked for) and `[DONE]`. A
 * cut, an idle upstream, no finishReason, an error object, a failed tool call or an event that is
 * not JSON ends the stream with one error event instead. The envelope
 * (providers/kit/create-relay.ts) owns the ending, usage reporting and throw-safety.
 */

import type { RelayOutput } from '../kit/create-relay.js';
import { isRecord } from '../kit/records.js';
import type { StreamError } from '../kit/sse-error-event.js';
import type { CallContext, Usage } from '../types.js';
import { mapFinishReason, type OpenAIFinishReason, toolCallFailed } from './finish-reason.js';
import { type GoogleError, readGoogleError } from './google-error.js';
import { completionId, type PartView, viewResponse } from './read-candidates.js';
import { type ChunkMeta, deltaChunk, toolCallDelta, usageChunk } from './stream-chunks.js';
import { googleErrorToGateway } from './to-error.js';
import { newToolCallId } from './tool-call-id.js';

const NOT_JSON: StreamError = {
  message: 'Google Gemini sent a stream event that is not a JSON object.',
  type: 'upstream_error',
  code: 'upstream_invalid_chunk',
};

/** The stream's state machine, fed one SSE data payload at a time, writing to the relay's output. */
export interface Translator {
  event(data: string): void;
  /** The upstream stopped and the stream has not ended: end it cleanly if the answer is whole. */
  end(cause: StreamError | undefined): void;
}

export function createTranslator(
  call: CallContext,
  out: RelayOutput,
  strayError: () => GoogleError | undefined,
): Translator {
  let meta: ChunkMeta | undefined;
  let finish: OpenAIFinishReason | undefined;
  let toolCalls = 0;
  let usage: Usage | undefined;

  function upstreamError(err: GoogleError): StreamError {
    return googleErrorToGateway(err.code ?? 502, new Headers(), err, call);
  }

  function part(m: ChunkMeta, p: PartView): void {
    if (p.kind === 'call') {
      out.writeText(deltaChunk(m, toolCallDelta(toolCalls++, newToolCallId(p.signature), p.name, p.args)));
    } else if (p.text !== '') {
      out.writeText(deltaChunk(m, p.kind === 'text' ? { content: p.text } : { reasoning_content: p.text }));
    }
  }

  function event(data: string): void {
    if (out.ended) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch {
      parsed = undefined;
    }
    const failure = readGoogleError(parsed);
    if (failure || !isRecord(parsed)) {
      out.fail(failure ? upstreamError(failure) : NOT_JSON);
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
      out.writeText(deltaChunk(meta, { role: 'assistant', content: '' }));
    }
    if (view.usage) {
      usage = view.usage;
      out.trackUsage(usage);
    }
    if (view.blockReason) finish = 'content_filter';
    const candidate = view.candidates.find((c) => c.index === 0);
    if (!candidate) return;
    for (const p of candidate.parts) part(meta, p);
    if (candidate.finishReason) {
      const outcome = mapFinishReason(candidate.finishReason, toolCalls > 0);
      if ('reason' in outcome) finish = outcome.reason;
      else out.fail(toolCallFailed(outcome.error));
    }
  }

  /** A JSON error that arrived outside SSE framing beats any other reason; then the cause. */
  function end(cause: StreamError | undefined): void {
    const stray = strayError();
    if (stray) out.fail(upstreamError(stray));
    else if (cause || !meta || !finish)
      return; // the envelope fails with the cause, or as incomplete
    else {
      out.writeText(deltaChunk(meta, {}, finish));
      if (meta.includeUsage && usage) out.writeText(usageChunk(meta, usage));
      out.done();
    }
  }

  return { event, end };
}
