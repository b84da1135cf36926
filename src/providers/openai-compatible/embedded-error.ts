import type { ErrorCode, UpstreamCode } from '../../errors.js';
import { codeOf, nonEmptyString, pickMessage } from '../kit/error-body.js';
import { isRecord } from '../kit/records.js';

export interface EmbeddedError {
  /** Raw upstream text, not yet scrubbed. */
  message: string | undefined;
  code: ErrorCode | UpstreamCode;
}

/**
 * The error carried by a 200 body or a stream chunk, if any: a truthy top-level `error`, or a
 * choice that finished with `"error"` or carries its own `error` (OpenRouter's shapes). The code is
 * kept only when it holds nothing of the call's key.
 */
export function embeddedError(body: Record<string, unknown>, apiKey: string): EmbeddedError | undefined {
  if (body.error) {
    const code = isRecord(body.error) ? body.error.code : undefined;
    return { message: pickMessage(body), code: codeOf(code, 'upstream_error', apiKey) };
  }
  const choices = body.choices;
  if (!Array.isArray(choices)) return undefined;
  for (const choice of choices) {
    if (!isRecord(choice) || (choice.finish_reason !== 'error' && !choice.error)) continue;
    const err = choice.error;
    return {
      message: isRecord(err) ? nonEmptyString(err.message) : nonEmptyString(err),
      code: codeOf(isRecord(err) ? err.code : undefined, 'upstream_error', apiKey),
    };
  }
  return undefined;
}
