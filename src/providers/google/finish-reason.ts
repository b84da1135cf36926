/**
 * Gemini `finishReason` → OpenAI `finish_reason` (https://ai.google.dev/api/generate-content; the
 * enum is js-genai's `FinishReason`). Gemini has no tool-call reason: a candidate that carries
 * `functionCall` parts ends with STOP, which becomes `tool_calls`. Three reasons mean the model's
 * tool call itself failed; they end the answer with an upstream error (502, which SDKs retry)
 * rather than an empty `stop` that would look like a finished answer. A reason this table does not
 * know yet is `stop`.
 */
import { type ErrorCode, type GatewayError, upstreamFailed } from '../../errors.js';

export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

type ToolCallFailure = 'MALFORMED_FUNCTION_CALL' | 'UNEXPECTED_TOOL_CALL' | 'TOO_MANY_TOOL_CALLS';

export type FinishOutcome = { reason: OpenAIFinishReason } | { error: ToolCallFailure };

const FAILURE_CODE: Record<ToolCallFailure, ErrorCode> = {
  MALFORMED_FUNCTION_CALL: 'upstream_malformed_function_call',
  UNEXPECTED_TOOL_CALL: 'upstream_unexpected_tool_call',
  TOO_MANY_TOOL_CALLS: 'upstream_too_many_tool_calls',
};

const GEMINI_FINISH_REASONS = [
  'FINISH_REASON_UNSPECIFIED',
  'STOP',
  'MAX_TOKENS',
  'SAFETY',
  'RECITATION',
  'LANGUAGE',
  'OTHER',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'MALFORMED_FUNCTION_CALL',
  'IMAGE_SAFETY',
  'UNEXPECTED_TOOL_CALL',
  'TOO_MANY_TOOL_CALLS',
  'IMAGE_PROHIBITED_CONTENT',
  'NO_IMAGE',
  'IMAGE_RECITATION',
  'IMAGE_OTHER',
] as const;
type GeminiFinishReason = (typeof GEMINI_FINISH_REASONS)[number];

const KNOWN: ReadonlySet<string> = new Set(GEMINI_FINISH_REASONS);

function isKnown(reason: string): reason is GeminiFinishReason {
  return KNOWN.has(reason);
}

export function mapFinishReason(reason: string, hasToolCalls: boolean): FinishOutcome {
  const finished = (r: OpenAIFinishReason): FinishOutcome => ({ reason: r });
  if (!isKnown(reason)) return finished(hasToolCalls ? 'tool_calls' : 'stop');
  switch (reason) {
    case 'STOP':
    case 'FINISH_REASON_UNSPECIFIED':
    case 'OTHER':
    case 'NO_IMAGE':
    case 'IMAGE_OTHER':
      return finished(hasToolCalls ? 'tool_calls' : 'stop');
    case 'MAX_TOKENS':
      return finished('length');
    case 'SAFETY':
    case 'RECITATION':
    case 'LANGUAGE':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY':
    case 'IMAGE_PROHIBITED_CONTENT':
    case 'IMAGE_RECITATION':
      return finished('content_filter');
    case 'MALFORMED_FUNCTION_CALL':
    case 'UNEXPECTED_TOOL_CALL':
    case 'TOO_MANY_TOOL_CALLS':
      return { error: reason };
    default: {
      const never: never = reason;
      return never;
    }
  }
}

/** The error a failed tool call turns into (502, so SDKs retry). */
export function toolCallFailed(reason: ToolCallFailure): GatewayError {
  return upstreamFailed(
    `Google Gemini ended the answer with ${reason}: the model's function call could not be used. Retrying may help.`,
    FAILURE_CODE[reason],
  );
}
