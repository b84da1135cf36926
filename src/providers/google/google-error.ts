import { pickMessage } from '../kit/error-body.js';
import { isRecord } from '../kit/records.js';
/**
 * Reading Google's error bodies (https://ai.google.dev/api/generate-content):
 *   {"error": {"code": 400, "message": "…", "status": "INVALID_ARGUMENT", "details": [ … ]}}
 * sometimes wrapped in an array. From `details` only three typed entries are read — ErrorInfo's
 * `reason`, RetryInfo's `retryDelay`, QuotaFailure's `quotaId`s — and nothing else: a DebugInfo or
 * a LocalizedMessage can echo the key, so `details` is never forwarded, and `message` only scrubbed.
 */

export interface GoogleError {
  code: number | undefined;
  /** Canonical status, e.g. RESOURCE_EXHAUSTED. */
  status: string | undefined;
  /** Raw upstream text, NOT scrubbed yet. */
  message: string | undefined;
  /** ErrorInfo reasons, e.g. API_KEY_INVALID. */
  reasons: string[];
  /** RetryInfo `retryDelay` in whole seconds (rounded up, at least 1). */
  retryDelaySeconds: number | undefined;
  /** QuotaFailure violations, e.g. GenerateRequestsPerDayPerProjectPerModel-FreeTier. */
  quotaIds: string[];
}

const TYPE_PREFIX = 'type.googleapis.com/google.rpc.';

/** `"31s"`, `"0.5s"`, `"1.234567s"` → seconds rounded up, at least 1. */
function durationSeconds(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(value);
  if (!m) return undefined;
  const seconds = Number(m[1]);
  return Number.isFinite(seconds) ? Math.max(1, Math.ceil(seconds)) : undefined;
}

/** The error object of a parsed body, if it has Google's shape. */
export function readGoogleError(body: unknown): GoogleError | undefined {
  const outer = Array.isArray(body) ? body[0] : body;
  const err = isRecord(outer) ? outer.error : undefined;
  if (!isRecord(err)) return undefined;
  const out: GoogleError = {
    code: typeof err.code === 'number' ? err.code : undefined,
    status: typeof err.status === 'string' ? err.status : undefined,
    message: typeof err.message === 'string' && err.message.trim() !== '' ? err.message : undefined,
    reasons: [],
    retryDelaySeconds: undefined,
    quotaIds: [],
  };
  const details = Array.isArray(err.details) ? err.details : [];
  for (const d of details) {
    if (!isRecord(d) || typeof d['@type'] !== 'string') continue;
    const type = d['@type'].startsWith(TYPE_PREFIX) ? d['@type'].slice(TYPE_PREFIX.length) : '';
    if (type === 'ErrorInfo' && typeof d.reason === 'string') out.reasons.push(d.reason);
    else if (type === 'RetryInfo') out.retryDelaySeconds ??= durationSeconds(d.retryDelay);
    else if (type === 'QuotaFailure' && Array.isArray(d.violations)) {
      for (const v of d.violations)
        if (isRecord(v) && typeof v.quotaId === 'string') out.quotaIds.push(v.quotaId);
    }
  }
  return out;
}

/** A raw error body: Google's JSON as above, else short plain text (never an HTML page). */
export function parseErrorText(text: string): GoogleError {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  const found = readGoogleError(body);
  if (found) return found;
  const plain = text.trim();
  return {
    code: undefined,
    status: undefined,
    message:
      body === undefined ? (plain !== '' && !plain.startsWith('<') ? plain : undefined) : pickMessage(body),
    reasons: [],
    retryDelaySeconds: undefined,
    quotaIds: [],
  };
}
