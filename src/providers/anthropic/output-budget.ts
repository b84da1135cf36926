/**
 * `max_tokens` (required by Anthropic) and `reasoning_effort` → extended thinking. OpenAI's
 * `max_completion_tokens` counts reasoning tokens, and so does Anthropic's `max_tokens`, so a
 * client's limit is sent as it is. Without one, the model's default from model-params.ts is sent,
 * plus the thinking budget when reasoning is asked for (never above the model's ceiling).
 * Anthropic requires `budget_tokens` ≥ 1024 and below `max_tokens`
 * (https://docs.anthropic.com/en/api/messages).
 */
import { badRequest } from '../../errors.js';
import type { ChatRequest } from '../types.js';
import type { ModelParams } from './model-params.js';
import type { ThinkingConfig } from './wire-types.js';

const REASONING_EFFORTS = ['minimal', 'low', 'medium', 'high', 'xhigh'] as const;
type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

/** `budget_tokens` per effort, for models that take a budget. */
const THINKING_BUDGET: Readonly<Record<ReasoningEffort, number>> = {
  minimal: 1024,
  low: 2048,
  medium: 8192,
  high: 16_384,
  xhigh: 32_768,
};

/** `output_config.effort` per effort, for models with adaptive thinking. */
const ADAPTIVE_EFFORT: Readonly<Record<ReasoningEffort, string>> = {
  minimal: 'low',
  low: 'low',
  medium: 'medium',
  high: 'high',
  xhigh: 'xhigh',
};

const MIN_BUDGET = 1024;

export interface OutputBudget {
  max_tokens: number;
  thinking?: ThinkingConfig;
  effort?: string;
}

function requestedMax(chat: ChatRequest): { param: string; value: number } | undefined {
  for (const param of ['max_completion_tokens', 'max_tokens'] as const) {
    const value = chat[param];
    if (value === null || value === undefined) continue;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw badRequest('invalid_value', `'${param}' must be a whole number of at least 1.`, param);
    }
    return { param, value };
  }
  return undefined;
}

function effortOf(chat: ChatRequest): ReasoningEffort | undefined {
  const value = chat.reasoning_effort;
  if (value === null || value === undefined || value === 'none') return undefined;
  const effort = REASONING_EFFORTS.find((e) => e === value);
  if (!effort) {
    throw badRequest(
      'invalid_value',
      `'reasoning_effort' must be one of none, ${REASONING_EFFORTS.join(', ')}.`,
      'reasoning_effort',
    );
  }
  return effort;
}

export function outputBudget(chat: ChatRequest, model: ModelParams, modelId: string): OutputBudget {
  const requested = requestedMax(chat);
  const effort = effortOf(chat);
  if (effort === undefined) return { max_tokens: requested?.value ?? model.defaultMaxTokens };

  const budget = THINKING_BUDGET[effort];
  const maxTokens = requested?.value ?? Math.min(model.maxOutputTokens, model.defaultMaxTokens + budget);
  switch (model.thinking) {
    case 'none':
      throw badRequest(
        'unsupported_parameter',
        `Unsupported parameter 'reasoning_effort': ${modelId} has no extended thinking.`,
        'reasoning_effort',
      );
    case 'adaptive':
      return { max_tokens: maxTokens, thinking: { type: 'adaptive' }, effort: ADAPTIVE_EFFORT[effort] };
    case 'budget': {
      const budgetTokens = Math.min(budget, maxTokens - 1);
      if (budgetTokens < MIN_BUDGET) {
        const param = requested?.param ?? 'max_completion_tokens';
        throw badRequest(
          'invalid_value',
          `'${param}' must be at least ${MIN_BUDGET + 1} with reasoning_effort: Anthropic's thinking needs ${MIN_BUDGET} tokens.`,
          param,
        );
      }
      return { max_tokens: maxTokens, thinking: { type: 'enabled', budget_tokens: budgetTokens } };
    }
    default: {
      const unknown: never = model.thinking;
      throw new Error(`unknown thinking mode ${String(unknown)}`);
    }
  }
}
