/**
 * A 2xx `generateContent` answer → OpenAI chat.completion
 * (https://ai.google.dev/api/generate-content): per candidate, text parts joined as `content`,
 * thought parts as `reasoning_content`, functionCall parts as `tool_calls` (fresh `call_…` ids
 * carrying the thought signature, tool-call-id.ts), the finish reason by table, and the usage. A
 * refused prompt (`promptFeedback.blockReason`, no candidates) is an empty answer finished by
 * `content_filter`.
 */
import { type GatewayError, upstreamInvalidResponse } from '../../errors.js';
import { isRecord } from '../kit/records.js';
import type { CallContext, Usage } from '../types.js';
import { mapFinishReason, type OpenAIFinishReason, toolCallFailed } from './finish-reason.js';
import { readGoogleError } from './google-error.js';
import { type CandidateView, completionId, viewResponse } from './read-candidates.js';
import { googleErrorToGateway } from './to-error.js';
import { newToolCallId } from './tool-call-id.js';

interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

interface Choice {
  index: number;
  message: {
    role: 'assistant';
    content: string | null;
    refusal: null;
    reasoning_content?: string;
    tool_calls?: OpenAIToolCall[];
  };
  logprobs: null;
  finish_reason: OpenAIFinishReason;
}

function invalid(): GatewayError {
  return upstreamInvalidResponse('Google Gemini returned a response that is not a generateContent answer.');
}

function toChoice(candidate: CandidateView, position: number): Choice {
  let text: string | undefined;
  let reasoning: string | undefined;
  const toolCalls: OpenAIToolCall[] = [];
  for (const part of candidate.parts) {
    if (part.kind === 'text') text = (text ?? '') + part.text;
    else if (part.kind === 'thought') reasoning = (reasoning ?? '') + part.text;
    else {
      toolCalls.push({
        id: newToolCallId(part.signature),
        type: 'function',
        function: { name: part.name, arguments: JSON.stringify(part.args) },
      });
    }
  }
  const outcome = mapFinishReason(candidate.finishReason ?? 'STOP', toolCalls.length > 0);
  if ('error' in outcome) {
    throw toolCallFailed(outcome.error);
  }
  const message: Choice['message'] = {
    role: 'assistant',
    content: text ?? (toolCalls.length > 0 ? null : ''),
    refusal: null,
  };
  if (reasoning !== undefined) message.reasoning_content = reasoning;
  if (toolCalls.length > 0) message.tool_calls = toolCalls;
  return { index: position, message, logprobs: null, finish_reason: outcome.reason };
}

export function readResponse(bodyText: string, call: CallContext): { body: string; usage?: Usage } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    throw invalid();
  }
  const failure = readGoogleError(parsed);
  if (failure) throw googleErrorToGateway(failure.code ?? 502, new Headers(), failure, call);
  if (!isRecord(parsed)) throw invalid();

  const view = viewResponse(parsed);
  let choices: Choice[];
  if (view.candidates.length > 0) {
    choices = [...view.candidates].sort((a, b) => a.index - b.index).map(toChoice);
  } else if (view.blockReason) {
    const message = { role: 'assistant' as const, content: null, refusal: null };
    choices = [{ index: 0, message, logprobs: null, finish_reason: 'content_filter' }];
  } else {
    throw invalid();
  }
  const completion: Record<string, unknown> = {
    id: completionId(view.responseId),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: view.modelVersion ?? call.upstreamModel,
    choices,
  };
  if (view.usage) completion.usage = view.usage;
  return view.usage
    ? { body: JSON.stringify(completion), usage: view.usage }
    : { body: JSON.stringify(completion) };
}
