/**
 * `temperature`, `top_p` and `top_k`, checked against the model's row in model-params.ts and
 * passed on unchanged: a value the model would refuse is a 400 naming it here, never clamped or
 * rescaled (OpenAI's temperature runs 0–2, Anthropic's 0–1). With extended thinking on, Anthropic
 * accepts only temperature 1, top_p ≥ 0.95 and no top_k (extended-thinking guide).
 */
import { badRequest } from '../../errors.js';
import type { ChatRequest } from '../types.js';
import type { ModelParams } from './model-params.js';

export interface SamplingParams {
  temperature?: number;
  top_p?: number;
  top_k?: number;
}

function numberParam(chat: ChatRequest, param: 'temperature' | 'top_p' | 'top_k'): number | undefined {
  const value = chat[param];
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw badRequest('invalid_value', `'${param}' must be a number.`, param);
  }
  return value;
}

const unsupportedValue = (param: string, message: string) =>
  badRequest('unsupported_value', `Unsupported value for '${param}': ${message}`, param);

function checkRange(param: string, value: number, min: number, max: number): void {
  if (value < min || value > max) {
    throw badRequest(
      'invalid_value',
      `'${param}' must be between ${min} and ${max} for Anthropic models (got ${value}); it is never rescaled.`,
      param,
    );
  }
}

export function samplingParams(
  chat: ChatRequest,
  model: ModelParams,
  modelId: string,
  thinking: boolean,
): SamplingParams {
  const temperature = numberParam(chat, 'temperature');
  const topP = numberParam(chat, 'top_p');
  const topK = numberParam(chat, 'top_k');
  const out: SamplingParams = {};

  if (temperature !== undefined) {
    checkRange('temperature', temperature, 0, 1);
    if (model.sampling === 'fixed' && temperature !== 1) {
      throw unsupportedValue('temperature', `${modelId} accepts only the default temperature (1).`);
    }
    if (thinking && temperature !== 1) {
      throw unsupportedValue('temperature', 'with reasoning_effort Anthropic accepts only temperature 1.');
    }
    out.temperature = temperature;
  }
  if (topP !== undefined) {
    checkRange('top_p', topP, 0, 1);
    if (model.sampling === 'fixed' && topP < 0.99) {
      throw unsupportedValue('top_p', `${modelId} accepts only top_p >= 0.99 (the default).`);
    }
    if (thinking && topP < 0.95) {
      throw unsupportedValue('top_p', 'with reasoning_effort Anthropic accepts only top_p >= 0.95.');
    }
    if (model.sampling === 'exclusive' && temperature !== undefined) {
      throw unsupportedValue('top_p', `${modelId} takes temperature or top_p, not both.`);
    }
    out.top_p = topP;
  }
  if (topK !== undefined) {
    if (!Number.isInteger(topK) || topK < 0) {
      throw badRequest('invalid_value', "'top_k' must be a whole number of at least 0.", 'top_k');
    }
    if (model.sampling === 'fixed') throw unsupportedValue('top_k', `${modelId} does not accept top_k.`);
    if (thinking) throw unsupportedValue('top_k', 'Anthropic does not accept top_k with reasoning_effort.');
    out.top_k = topK;
  }
  return out;
}
