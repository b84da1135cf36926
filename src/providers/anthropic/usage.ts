/**
 * Anthropic usage → OpenAI usage (https://docs.anthropic.com/en/api/messages): `input_tokens`
 * counts only the uncached part, so `prompt_tokens` = input + cache creation + cache read; the
 * cache counts go to `prompt_tokens_details` (`cached_tokens` = read, `cache_write_tokens` =
 * creation) and thinking tokens, when reported, to `completion_tokens_details.reasoning_tokens`.
 * Null counts are 0.
 */

import { isRecord } from '../kit/records.js';
import type { Usage } from '../types.js';
import type { AnthropicUsage } from './wire-types.js';

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : 0;
}

/** Later reports win field by field where they carry a number (message_delta is cumulative). */
export function mergeUsage(into: AnthropicUsage, report: unknown): void {
  if (!isRecord(report)) return;
  for (const key of [
    'input_tokens',
    'output_tokens',
    'cache_creation_input_tokens',
    'cache_read_input_tokens',
  ] as const) {
    const value = report[key];
    if (typeof value === 'number') into[key] = value;
  }
  const details = report.output_tokens_details;
  if (isRecord(details) && typeof details.thinking_tokens === 'number') {
    into.output_tokens_details = { thinking_tokens: details.thinking_tokens };
  }
}

export function toOpenAIUsage(usage: AnthropicUsage): Usage {
  const cacheRead = count(usage.cache_read_input_tokens);
  const cacheWrite = count(usage.cache_creation_input_tokens);
  const prompt = count(usage.input_tokens) + cacheRead + cacheWrite;
  const completion = count(usage.output_tokens);
  const out: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: cacheRead, cache_write_tokens: cacheWrite },
  };
  const thinking = usage.output_tokens_details?.thinking_tokens;
  if (typeof thinking === 'number') out.completion_tokens_details = { reasoning_tokens: count(thinking) };
  return out;
}
