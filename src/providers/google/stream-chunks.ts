/**
 * The OpenAI chunks a translated Gemini stream is made of
 * (https://platform.openai.com/docs/api-reference/chat-streaming): every chunk repeats the same
 * id, created and model; with `include_usage` each carries `"usage": null` and one extra `choices:
 * []` chunk holds the totals just before `[DONE]`.
 */
import type { Usage } from '../types.js';
import type { OpenAIFinishReason } from './finish-reason.js';

export interface ChunkMeta {
  id: string;
  created: number;
  model: string;
  includeUsage: boolean;
}

export function deltaChunk(
  meta: ChunkMeta,
  delta: Record<string, unknown>,
  finish: OpenAIFinishReason | null = null,
): string {
  const chunk: Record<string, unknown> = {
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finish }],
  };
  if (meta.includeUsage) chunk.usage = null;
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

export function usageChunk(meta: ChunkMeta, usage: Usage): string {
  const chunk = {
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    choices: [],
    usage,
  };
  return `data: ${JSON.stringify(chunk)}\n\n`;
}

/** The first delta of one tool call: id, type, name and, since Gemini sends calls whole, all arguments. */
export function toolCallDelta(index: number, id: string, name: string, args: Record<string, unknown>) {
  return {
    tool_calls: [{ index, id, type: 'function', function: { name, arguments: JSON.stringify(args) } }],
  };
}
