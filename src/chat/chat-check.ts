import type { ChatRequest } from '../providers/types.js';
import {
  hasCleanSegments,
  INT_RANGES,
  MAX_IMAGE_URL,
  MAX_MODEL_ID,
  MAX_STOP,
  MAX_TOOLS,
  MODEL_ID,
  RANGES,
  TOOL_NAME,
} from './schema.js';

/**
 * A fast yes for the chat bodies that chatRequestSchema (schema.ts) accepts, written by hand
 * because the zod schema cost several percent of a request's CPU. It answers "not sure" (false)
 * for anything it does not recognise as valid; the route then runs the zod schema, so every error
 * (message, code, param) still comes from the schema. It must never say yes where the schema says
 * no: test/unit/chat/chat-check.test.ts holds it to that with generated bodies.
 *
 * A yes also means the body itself can stand for the schema's output: zod copies each object it
 * validates, and the copy loses an own key named `__proto__` (JSON.parse makes one from
 * `"__proto__": …`), so such an object is left to zod.
 */
export function acceptsChat(body: unknown): body is ChatRequest {
  if (!isPlainObject(body)) return false;
  const b = body as Record<string, unknown>;
  return (
    isModelId(b.model) &&
    isMessages(b.messages) &&
    isNullishOr(b.stream, isBoolean) &&
    isNullishOr(b.stream_options, isStreamOptions) &&
    isNullishOr(b.tools, isTools) &&
    inRange(b.temperature, RANGES.temperature) &&
    inRange(b.top_p, RANGES.top_p) &&
    inRange(b.presence_penalty, RANGES.presence_penalty) &&
    inRange(b.frequency_penalty, RANGES.frequency_penalty) &&
    intInRange(b.n, INT_RANGES.n[0], INT_RANGES.n[1]) &&
    intInRange(b.max_tokens, 1, Number.MAX_SAFE_INTEGER) &&
    intInRange(b.max_completion_tokens, 1, Number.MAX_SAFE_INTEGER) &&
    intInRange(b.top_logprobs, INT_RANGES.top_logprobs[0], INT_RANGES.top_logprobs[1]) &&
    intInRange(b.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER) &&
    isNullishOr(b.stop, isStop) &&
    isNullishOr(b.response_format, isResponseFormat)
  );
}

type Fields = Record<string, unknown>;
const hasOwn = Object.prototype.hasOwnProperty;

function isPlainObject(v: unknown): v is Fields {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !hasOwn.call(v, '__proto__');
}

const isBoolean = (v: unknown): boolean => typeof v === 'boolean';
const isString = (v: unknown): v is string => typeof v === 'string';
const isNonEmptyString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const isNullishOr = (v: unknown, check: (v: unknown) => boolean): boolean =>
  v === undefined || v === null || check(v);
const isOptional = (v: unknown, check: (v: unknown) => boolean): boolean => v === undefined || check(v);

function isModelId(v: unknown): boolean {
  return (
    typeof v === 'string' &&
    v.length > 0 &&
    v.length <= MAX_MODEL_ID &&
    MODEL_ID.test(v) &&
    hasCleanSegments(v)
  );
}

// z.number() refuses NaN and ±Infinity; both fail a comparison with finite bounds.
function inRange(v: unknown, [min, max]: readonly [number, number]): boolean {
  return v === undefined || v === null || (typeof v === 'number' && v >= min && v <= max);
}

// zod's .int() is a safe integer.
function intInRange(v: unknown, min: number, max: number): boolean {
  return (
    v === undefined || v === null || (Number.isSafeInteger(v) && (v as number) >= min && (v as number) <= max)
  );
}

function isMessages(v: unknown): boolean {
  if (!Array.isArray(v) || v.length === 0) return false;
  for (const m of v) if (!isMessage(m)) return false;
  return true;
}

function isMessage(v: unknown): boolean {
  if (!isPlainObject(v)) return false;
  switch (v.role) {
    case 'system':
    case 'developer':
    case 'user':
      return isContent(v.content) && isOptional(v.name, isString);
    case 'assistant':
      return (
        isNullishOr(v.content, isContent) &&
        isOptional(v.name, isString) &&
        isOptional(v.tool_calls, isToolCalls)
      );
    case 'tool':
      return isContent(v.content) && isNonEmptyString(v.tool_call_id);
    case 'function':
      return (v.content === null || typeof v.content === 'string') && typeof v.name === 'string';
    default:
      return false;
  }
}

function isContent(v: unknown): boolean {
  if (typeof v === 'string') return true;
  if (!Array.isArray(v)) return false;
  for (const part of v) if (!isContentPart(part)) return false;
  return true;
}

function isContentPart(v: unknown): boolean {
  if (!isPlainObject(v)) return false;
  const type = v.type;
  if (type === 'text') return typeof v.text === 'string';
  if (type === 'image_url') {
    const image = v.image_url;
    if (!isPlainObject(image)) return false;
    const { url, detail } = image;
    return (
      typeof url === 'string' &&
      url.length > 0 &&
      url.length <= MAX_IMAGE_URL &&
      (detail === undefined || detail === 'auto' || detail === 'low' || detail === 'high')
    );
  }
  return isNonEmptyString(type);
}

function isToolCalls(v: unknown): boolean {
  if (!Array.isArray(v)) return false;
  for (const call of v) {
    if (!isPlainObject(call) || !isNonEmptyString(call.id) || !isOptional(call.type, isString)) return false;
    const fn = call.function;
    if (fn === undefined) continue;
    if (!isPlainObject(fn) || !isNonEmptyString(fn.name) || typeof fn.arguments !== 'string') return false;
  }
  return true;
}

function isTools(v: unknown): boolean {
  if (!Array.isArray(v) || v.length > MAX_TOOLS) return false;
  for (const tool of v) {
    if (!isPlainObject(tool) || !isNonEmptyString(tool.type)) return false;
    const fn = tool.function;
    if (fn === undefined) continue;
    if (
      !isPlainObject(fn) ||
      typeof fn.name !== 'string' ||
      !TOOL_NAME.test(fn.name) ||
      !isOptional(fn.description, isString) ||
      !isOptional(fn.parameters, isPlainObject)
    )
      return false;
  }
  return true;
}

function isStreamOptions(v: unknown): boolean {
  return isPlainObject(v) && isOptional(v.include_usage, isBoolean);
}

function isStop(v: unknown): boolean {
  if (typeof v === 'string') return true;
  if (!Array.isArray(v) || v.length > MAX_STOP) return false;
  for (const s of v) if (typeof s !== 'string') return false;
  return true;
}

function isResponseFormat(v: unknown): boolean {
  return isPlainObject(v) && isNonEmptyString(v.type);
}
