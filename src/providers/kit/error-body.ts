/**
 * Reading upstream error bodies of unknown shape, and making their text safe to pass on. OpenAI:
 * `{"error": {"message", "type", "code"}}`; OpenRouter: `{"error": {"code": 402, "message",
 * "metadata"}}`; Meta's compat layer may answer problem+json (`title`, `detail`). `metadata` is
 * never read: OpenRouter's `metadata.raw` can hold another provider's raw text.
 */
import type { ErrorCode, UpstreamCode } from '../../errors.js';
import { scrubSecrets } from '../../vault/scrub-secrets.js';
import { isRecord } from './records.js';

const MAX_MESSAGE_LENGTH = 500;

export function nonEmptyString(value: unknown): string | undefined {
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

/**
 * An upstream `code` as ours: identifiers kept, numbers stringified, else `fallback`. The one
 * place a code from outside the gateway's vocabulary is let through (see `UpstreamCode`), so it is
 * also the place a malicious upstream would put the key (or a piece of it) as a "code": such a
 * code is replaced by `fallback`.
 */
export function codeOf(value: unknown, fallback: ErrorCode, apiKey: string): ErrorCode | UpstreamCode {
  if (typeof value === 'string' && CODE_SHAPE.test(value))
    return scrubSecrets(value, [apiKey]) === value ? (value as UpstreamCode) : fallback;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value) as UpstreamCode;
  return fallback;
}
