/**
 * A 2xx non-streaming answer. The body is already OpenAI's chat.completion, so it is returned as
 * the very text received. Only what matters is read: the usage object, cut out and parsed alone,
 * and — when a cheap test says the body may hold one — the error an OpenRouter 200 can carry
 * (`error`, or `choices[0].finish_reason: "error"` / `choices[0].error`), found by a full parse.
 * Keys are matched with their quotes: inside a JSON string every quote is escaped, so `"usage"`
 * and `"error":` can only be keys (the same argument as the stream relay's).
 */
import { upstreamFailed, upstreamInvalidResponse } from '../../errors.js';
import { safeMessage } from '../kit/error-body.js';
import { providerLabel } from '../kit/providers.js';
import { parseObject } from '../kit/records.js';
import type { CallContext, Usage } from '../types.js';
import { embeddedError } from './embedded-error.js';
import { toUsage } from './usage.js';

const MAY_FAIL = /"error"\s*:|"finish_reason"\s*:\s*"error"/;

/** The object after the last `"usage":`, parsed on its own; undefined when there is none. */
function usageObject(text: string): unknown {
  const key = text.lastIndexOf('"usage"');
  if (key < 0) return undefined;
  const start = text.indexOf('{', key);
  if (start < 0 || text.slice(key + 7, start).trim() !== ':') return undefined;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 92)
        i++; // backslash: skip the escaped character
      else if (ch === 34) inString = false;
    } else if (ch === 34) inString = true;
    else if (ch === 123) depth++;
    else if (ch === 125 && --depth === 0) {
      try {
        return JSON.parse(text.slice(start, i + 1));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

function looksLikeObject(text: string): boolean {
  const t = text.trim();
  return t.startsWith('{') && t.endsWith('}');
}

export function readResponse(bodyText: string, call: CallContext): { body: string; usage?: Usage } {
  if (looksLikeObject(bodyText) && !MAY_FAIL.test(bodyText)) {
    const usage = toUsage(usageObject(bodyText));
    return usage ? { body: bodyText, usage } : { body: bodyText };
  }
  const parsed = parseObject(bodyText);
  if (!parsed) {
    throw upstreamInvalidResponse(
      `${providerLabel(call.provider)} returned a response that is not a JSON object.`,
    );
  }
  const failure = embeddedError(parsed, call.apiKey);
  if (failure) {
    const detail = failure.message ? safeMessage(failure.message, call.apiKey) : 'the generation failed';
    throw upstreamFailed(`${providerLabel(call.provider)}: ${detail}`);
  }
  const usage = toUsage(parsed.usage);
  return usage ? { body: bodyText, usage } : { body: bodyText };
}
