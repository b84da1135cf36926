/**
 * Anthropic `stop_reason` → OpenAI `finish_reason` (https://docs.anthropic.com/en/api/messages;
 * https://docs.claude.com/en/api/handling-stop-reasons). `tool_use` of the gateway's JSON tool
 * (json-output.ts) is the answer itself, so it finishes with `stop`.
 */
export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

const STOP_REASONS = [
  'end_turn',
  'stop_sequence',
  'max_tokens',
  'model_context_window_exceeded',
  'tool_use',
  'refusal',
  'pause_turn',
] as const;
type StopReason = (typeof STOP_REASONS)[number];

export function finishReason(stopReason: unknown, jsonToolAnswer = false): FinishReason {
  const reason: StopReason | undefined = STOP_REASONS.find((r) => r === stopReason);
  if (reason === undefined) return 'stop'; // null or a reason newer than this table
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn': // server tools only; the turn ended for now (gateway choice)
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return jsonToolAnswer ? 'stop' : 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default: {
      const unknown: never = reason;
      return unknown;
    }
  }
}
