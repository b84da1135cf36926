/**
 * Sampling, length, format and thinking parameters → Gemini `generationConfig`
 * (https://ai.google.dev/api/generate-content). Ranges come from the model table; a value outside
 * them is a 400 naming the parameter, never clamped. `null` means "not set" throughout, as in
 * OpenAI's API.
 */
import { badRequest } from '../../errors.js';
import { isRecord } from '../kit/records.js';
import type { ChatRequest } from '../types.js';
import type { GenerationConfig, ThinkingConfig } from './gemini-types.js';
import { type ModelCaps, REASONING_EFFORTS, type ReasoningEffort } from './model-table.js';

const INT32_MAX = 2_147_483_647;

const invalid = (param: string, message: string) => badRequest('invalid_value', message, param);
const unsupported = (param: string, message: string) => badRequest('unsupported_value', message, param);

/** A number within [min, max], or undefined when absent. */
function numberIn(chat: ChatRequest, param: string, min: number, max: number): number | undefined {
  const v = chat[param];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw invalid(param, `${param} must be a number from ${min} to ${max} for this Gemini model.`);
  }
  return v;
}

/** An integer within [min, max], or undefined when absent. */
function integerIn(chat: ChatRequest, param: string, min: number, max: number): number | undefined {
  const v = numberIn(chat, param, min, max);
  if (v !== undefined && !Number.isInteger(v)) throw invalid(param, `${param} must be an integer.`);
  return v;
}

function stopSequences(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length > 5 || !list.every((s) => typeof s === 'string' && s !== '')) {
    throw invalid('stop', 'stop must be a non-empty string or an array of at most 5 non-empty strings.');
  }
  return list.length > 0 ? (list as string[]) : undefined;
}

function penalty(chat: ChatRequest, param: string, caps: ModelCaps): number | undefined {
  const v = numberIn(chat, param, -2, 2);
  if (v === undefined || v === 0) return undefined;
  if (caps.penalties === 'unsupported') {
    throw unsupported(param, `${param} is not supported by this Gemini model (only 1.5 and 2.0 accept it).`);
  }
  return v;
}

function responseFormat(value: unknown, config: GenerationConfig): void {
  if (value === undefined || value === null) return;
  const type = isRecord(value) ? value.type : undefined;
  if (type === 'text') return;
  if (type === 'json_object') {
    config.responseMimeType = 'application/json';
    return;
  }
  if (type === 'json_schema' && isRecord(value)) {
    const spec = value.json_schema;
    if (!isRecord(spec)) {
      throw invalid('response_format.json_schema', 'json_schema must be an object with a schema.');
    }
    config.responseMimeType = 'application/json';
    if (spec.schema === undefined || spec.schema === null) return;
    if (!isRecord(spec.schema))
      throw invalid('response_format.json_schema.schema', 'schema must be an object.');
    config.responseJsonSchema = spec.schema;
    return;
  }
  throw unsupported('response_format.type', 'response_format.type must be text, json_object or json_schema.');
}

function thinkingConfig(value: unknown, caps: ModelCaps): ThinkingConfig | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(REASONING_EFFORTS as readonly string[]).includes(value)) {
    throw invalid('reasoning_effort', `reasoning_effort must be one of ${REASONING_EFFORTS.join(', ')}.`);
  }
  const effort = value as ReasoningEffort;
  const refused = () =>
    unsupported('reasoning_effort', `reasoning_effort "${effort}" is not supported by this Gemini model.`);
  const { thinking } = caps;
  switch (thinking.kind) {
    case 'none':
      if (effort === 'none') return undefined;
      throw refused();
    case 'budget': {
      const budget = thinking.budgets[effort];
      if (budget === null) throw refused();
      return budget === 0 ? { thinkingBudget: 0 } : { thinkingBudget: budget, includeThoughts: true };
    }
    case 'level': {
      const level = thinking.levels[effort];
      if (level === null) throw refused();
      return { thinkingLevel: level, includeThoughts: true };
    }
    default: {
      const never: never = thinking;
      return never;
    }
  }
}

/** The generationConfig for this request, or undefined when nothing is set. */
export function generationConfig(
  chat: ChatRequest,
  caps: ModelCaps,
  stream: boolean,
): GenerationConfig | undefined {
  const config: GenerationConfig = {};
  const temperature = numberIn(chat, 'temperature', 0, caps.maxTemperature);
  if (temperature !== undefined) config.temperature = temperature;
  const topP = numberIn(chat, 'top_p', 0, 1);
  if (topP !== undefined) config.topP = topP;
  const topK = integerIn(chat, 'top_k', 1, INT32_MAX);
  if (topK !== undefined) config.topK = topK;

  const maxOut = caps.maxOutputTokens ?? INT32_MAX;
  const maxCompletion = integerIn(chat, 'max_completion_tokens', 1, maxOut);
  const maxTokens = integerIn(chat, 'max_tokens', 1, maxOut);
  const maxOutputTokens = maxCompletion ?? maxTokens;
  if (maxOutputTokens !== undefined) config.maxOutputTokens = maxOutputTokens;

  const stop = stopSequences(chat.stop);
  if (stop) config.stopSequences = stop;

  const n = integerIn(chat, 'n', 1, 128);
  if (n !== undefined && n > 1) {
    if (stream) throw unsupported('n', 'n > 1 cannot be streamed from Gemini; use n = 1 or stream: false.');
    if (n > caps.maxCandidates) {
      throw unsupported('n', `n must be at most ${caps.maxCandidates} for this Gemini model.`);
    }
    config.candidateCount = n;
  }

  const seed = integerIn(chat, 'seed', -INT32_MAX - 1, INT32_MAX);
  if (seed !== undefined) config.seed = seed;
  const presence = penalty(chat, 'presence_penalty', caps);
  if (presence !== undefined) config.presencePenalty = presence;
  const frequency = penalty(chat, 'frequency_penalty', caps);
  if (frequency !== undefined) config.frequencyPenalty = frequency;

  responseFormat(chat.response_format, config);
  const thinking = thinkingConfig(chat.reasoning_effort, caps);
  if (thinking) config.thinkingConfig = thinking;
  return Object.keys(config).length > 0 ? config : undefined;
}
