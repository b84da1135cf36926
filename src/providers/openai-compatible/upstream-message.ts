/**
 * Reading upstream error bodies of unknown shape, and making their text safe to pass on.
 * OpenAI: `{"error": {"message", "type", "code"}}`; OpenRouter: `{"error": {"code": 402, "message",
 * "metadata"}}`; Meta's compat layer may answer problem+json (`title`, `detail`). `metadata` is
 * never read: OpenRouter's `metadata.raw` can hold another provider's raw text.
 */
import { scrubSecrets } from '../../vault/scrub-secrets.js';

export const MAX_MESSAGE_LENGTH = 500;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** `error.message` | `error` (a string) | `message` | `title` | `detail`, whichever comes first. */
export function pickMessage(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  const err = body.error;
  return (
    (isRecord(err) ? nonEmptyString(err.message) : nonEmptyString(err)) ??
    nonEmptyString(body.message) ??
    nonEmptyString(body.title) ??
    nonEmptyString(body.detail)
  );
}

export interface ErrorBody {
  /** Raw upstream text, not yet scrubbed. */
  message: string | undefined;
  /** `error.code` and `error.type`, as sent (OpenRouter's codes are numbers). */
  code: unknown;
  type: unknown;
}

/** A raw error body, parsed once: JSON as above, else short plain text (never an HTML page). */
export function readErrorBody(bodyText: string): ErrorBody {
  let body: unknown;
  try {
    body = JSON.parse(bodyText);
  } catch {
    const text = bodyText.trim();
    return {
      message: text !== '' && !text.startsWith('<') ? text : undefined,
      code: undefined,
      type: undefined,
    };
  }
  const err = isRecord(body) ? body.error : undefined;
  return {
    message: pickMessage(body),
    code: isRecord(err) ? err.code : undefined,
    type: isRecord(err) ? err.type : undefined,
  };
}

/**
 * Upstream text → text a client may see: whitespace collapsed, the call's key (whole, encoded or
 * any fragment of 8+ characters) and every key-like string replaced, at most 500 characters. The
 * text is cut to a few times that before scrubbing (what lies beyond never reaches the client, and
 * scrubbing costs per character) and again after, so the final cut never leaves a fragment the
 * scrubber would no longer recognise.
 */
export function safeMessage(text: string, apiKey: string): string {
  const collapsed = text
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 4 * MAX_MESSAGE_LENGTH);
  const clean = scrubSecrets(collapsed, [apiKey]);
  return clean.length > MAX_MESSAGE_LENGTH ? `${clean.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : clean;
}

const CODE_SHAPE = /^[A-Za-z0-9_.:-]{1,64}$/;

/** An upstream `code` as our string code: identifiers kept, numbers stringified, else `fallback`. */
export function codeOf(value: unknown, fallback: string): string {
  if (typeof value === 'string' && CODE_SHAPE.test(value)) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return fallback;
}

export interface EmbeddedError {
  /** Raw upstream text, not yet scrubbed. */
  message: string | undefined;
  code: string;
}

/**
 * The error carried by a 200 body or a stream chunk, if any: a truthy top-level `error`, or a
 * choice that finished with `"error"` or carries its own `error` (OpenRouter's shapes).
 */
export function embeddedError(body: Record<string, unknown>): EmbeddedError | undefined {
  if (body.error) {
    const code = isRecord(body.error) ? body.error.code : undefined;
    return { message: pickMessage(body), code: codeOf(code, 'upstream_error') };
  }
  const choices = body.choices;
  if (!Array.isArray(choices)) return undefined;
  for (const choice of choices) {
    if (!isRecord(choice) || (choice.finish_reason !== 'error' && !choice.error)) continue;
    const err = choice.error;
    return {
      message: isRecord(err) ? nonEmptyString(err.message) : nonEmptyString(err),
      code: codeOf(isRecord(err) ? err.code : undefined, 'upstream_error'),
    };
  }
  return undefined;
}
