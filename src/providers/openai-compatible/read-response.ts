/**
 * A 2xx non-streaming answer. The body is already OpenAI's chat.completion, so it is returned as
 * the very text received; it is parsed once, for its usage and for the error an OpenRouter 200 can
 * carry (`error`, or `choices[0].finish_reason: "error"` / `choices[0].error`).
 */
import { GatewayError } from '../../errors.js';
import { providerLabel } from '../../vault/key-formats.js';
import type { CallContext, Usage } from '../types.js';
import { embeddedError, isRecord, safeMessage } from './upstream-message.js';
import { toUsage } from './usage.js';

export function readResponse(bodyText: string, call: CallContext): { body: string; usage?: Usage } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bodyText);
  } catch {
    parsed = undefined;
  }
  if (!isRecord(parsed)) {
    throw new GatewayError(
      502,
      'upstream_error',
      'upstream_invalid_response',
      `${providerLabel(call.provider)} returned a response that is not a JSON object.`,
    );
  }
  const failure = embeddedError(parsed);
  if (failure) {
    const detail = failure.message ? safeMessage(failure.message, call.apiKey) : 'the generation failed';
    throw new GatewayError(
      502,
      'upstream_error',
      'upstream_error',
      `${providerLabel(call.provider)}: ${detail}`,
    );
  }
  const usage = toUsage(parsed.usage);
  return usage ? { body: bodyText, usage } : { body: bodyText };
}
