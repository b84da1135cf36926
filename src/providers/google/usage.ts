/**
 * Gemini `usageMetadata` → OpenAI usage (https://ai.google.dev/api/generate-content): prompt =
 * promptTokenCount (which includes cached content) + toolUsePromptTokenCount; completion =
 * candidatesTokenCount + thoughtsTokenCount, as OpenAI counts reasoning inside completion; details
 * carry the cached and reasoning parts. In a stream the metadata is cumulative: the last one is
 * the total.
 */

import { isRecord } from '../kit/records.js';
import type { Usage } from '../types.js';

function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

export function toUsage(metadata: unknown): Usage | undefined {
  if (!isRecord(metadata)) return undefined;
  const promptCount = count(metadata.promptTokenCount);
  const toolPrompt = count(metadata.toolUsePromptTokenCount);
  const candidates = count(metadata.candidatesTokenCount);
  const thoughts = count(metadata.thoughtsTokenCount);
  const total = count(metadata.totalTokenCount);
  if ([promptCount, toolPrompt, candidates, thoughts, total].every((n) => n === undefined)) return undefined;
  const prompt = (promptCount ?? 0) + (toolPrompt ?? 0);
  const completion = (candidates ?? 0) + (thoughts ?? 0);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: total ?? prompt + completion,
    prompt_tokens_details: { cached_tokens: count(metadata.cachedContentTokenCount) ?? 0 },
    completion_tokens_details: { reasoning_tokens: thoughts ?? 0 },
  };
}
