/**
 * The chat path's answers → Anthropic's Message shapes, for `/v1/messages` on a model another
 * provider answers: finish reasons, usage, and the message body of a non-streamed call.
 */
import { isRecord, parseObject } from '../providers/kit/records.js';
import type { Usage } from '../providers/types.js';

const STOP_REASONS: Readonly<Record<string, string>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
  function_call: 'tool_use',
  content_filter: 'refusal',
};

export const stopReason = (finish: unknown): string =>
  (typeof finish === 'string' && STOP_REASONS[finish]) || 'end_turn';

/** OpenAI usage → Anthropic's (input_tokens excludes cache reads there, so they are split out). */
export function anthropicUsage(usage: unknown): Record<string, number> {
  const u = isRecord(usage) ? (usage as Partial<Usage>) : {};
  const cached = u.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    input_tokens: Math.max(0, (u.prompt_tokens ?? 0) - cached),
    output_tokens: u.completion_tokens ?? 0,
    cache_read_input_tokens: cached,
    cache_creation_input_tokens: 0,
  };
}

export function messageId(): string {
  return `msg_${crypto.randomUUID().replaceAll('-', '')}`;
}

function parseArguments(text: unknown): unknown {
  if (typeof text !== 'string' || text === '') return {};
  const parsed = parseObject(text);
  return parsed ?? { _raw: text };
}

/** A chat.completion's JSON text → an Anthropic Message's JSON text. */
export function messageFromChat(text: string, model: string): string {
  const chat = parseObject(text) ?? {};
  const choice = Array.isArray(chat.choices) && isRecord(chat.choices[0]) ? chat.choices[0] : {};
  const msg = isRecord(choice.message) ? choice.message : {};
  const content: Record<string, unknown>[] = [];
  const reasoning = msg.reasoning_content ?? msg.reasoning;
  if (typeof reasoning === 'string' && reasoning !== '')
    content.push({ type: 'thinking', thinking: reasoning, signature: '' });
  if (typeof msg.content === 'string' && msg.content !== '')
    content.push({ type: 'text', text: msg.content, citations: null });
  for (const call of Array.isArray(msg.tool_calls) ? msg.tool_calls : []) {
    if (!isRecord(call) || !isRecord(call.function)) continue;
    content.push({
      type: 'tool_use',
      id: String(call.id),
      name: String(call.function.name),
      input: parseArguments(call.function.arguments),
    });
  }
  return JSON.stringify({
    id: messageId(),
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: stopReason(choice.finish_reason),
    stop_sequence: null,
    usage: anthropicUsage(chat.usage),
  });
}
