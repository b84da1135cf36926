/** Reading an upstream `usage` object (OpenAI's shape; OpenRouter adds `cost`, `is_byok`, …). */

import { isRecord } from '../kit/records.js';
import type { Usage } from '../types.js';

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** The numeric entries of a `*_tokens_details` object, or undefined when it has none. */
function counts(value: unknown): Record<string, number> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, number> = {};
  let any = false;
  for (const [key, n] of Object.entries(value)) {
    if (!isCount(n)) continue;
    out[key] = n;
    any = true;
  }
  return any ? out : undefined;
}

/**
 * A usage report as our `Usage`, or undefined when `value` has no token count at all. Missing
 * counts are 0 and a missing total is their sum; of the fields beyond OpenAI's only OpenRouter's
 * `cost` is kept (it is what the call cost, in USD).
 */
export function toUsage(value: unknown): Usage | undefined {
  if (!isRecord(value)) return undefined;
  const { prompt_tokens: p, completion_tokens: c, total_tokens: t } = value;
  if (!isCount(p) && !isCount(c) && !isCount(t)) return undefined;
  const prompt = isCount(p) ? p : 0;
  const completion = isCount(c) ? c : 0;
  const usage: Usage = {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: isCount(t) ? t : prompt + completion,
  };
  const promptDetails = counts(value.prompt_tokens_details);
  if (promptDetails) usage.prompt_tokens_details = promptDetails;
  const completionDetails = counts(value.completion_tokens_details);
  if (completionDetails) usage.completion_tokens_details = completionDetails;
  if (isCount(value.cost)) usage.cost = value.cost;
  return usage;
}
