/**
 * What each Gemini model accepts, where it differs between models. Data only: add a row when
 * Google ships a model family. Sources: ai.google.dev/gemini-api/docs/thinking (budgets per 2.5
 * model, levels per 3.x model, "cannot disable thinking" for Pro), the models page (output
 * limits), and public reports of `Penalty is not enabled for models/gemini-2.5-*` (penalties work
 * on 1.5 and 2.0 only). Rows marked unverified follow the nearest documented family.
 *
 * A value outside a row is refused with a 400 naming the parameter, never clamped.
 */
import type { ThinkingLevel } from './gemini-types.js';

/** OpenAI's `reasoning_effort` values. */
export const REASONING_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

/** How `reasoning_effort` reaches the model; null in a map = that effort is refused for the model. */
type Thinking =
  | { kind: 'none' }
  | { kind: 'budget'; budgets: Readonly<Record<ReasoningEffort, number | null>> }
  | { kind: 'level'; levels: Readonly<Record<ReasoningEffort, ThinkingLevel | null>> };

export interface ModelCaps {
  /** Inclusive upper bound of `temperature` (the lower bound is 0 everywhere). */
  maxTemperature: number;
  /** Largest `maxOutputTokens`; undefined = not checked here (the upstream decides). */
  maxOutputTokens: number | undefined;
  /** Largest `candidateCount` (OpenAI `n`). */
  maxCandidates: number;
  /** presence/frequency penalties: accepted, refused by the model, or unknown (sent as given). */
  penalties: 'supported' | 'unsupported' | 'unknown';
  thinking: Thinking;
  /**
   * Gemini 3 refuses a function call in the current turn without its thought signature; history
   * the model did not sign gets Google's documented placeholder (see tool-call-id.ts).
   */
  requiresThoughtSignatures: boolean;
}

/** thinkingBudget per effort on 2.5 Flash / Flash-Lite (0 turns thinking off). */
const FLASH_25_BUDGETS = { none: 0, minimal: 512, low: 1024, medium: 8192, high: 24576, xhigh: null };
/** 2.5 Pro thinks at least 128 tokens and cannot turn thinking off. */
const PRO_25_BUDGETS = { none: null, minimal: 512, low: 1024, medium: 8192, high: 24576, xhigh: null };
/** Gemini 3 Flash: every level; thinking cannot be turned off. */
const FLASH_3_LEVELS = {
  none: null,
  minimal: 'MINIMAL',
  low: 'LOW',
  medium: 'MEDIUM',
  high: 'HIGH',
  xhigh: null,
} as const;
/** Gemini 3 Pro: no MINIMAL (3.0 Pro documents LOW and HIGH; MEDIUM is left to the upstream). */
const PRO_3_LEVELS = { ...FLASH_3_LEVELS, minimal: null };

const GEMINI_3_PRO: ModelCaps = {
  maxTemperature: 2,
  maxOutputTokens: 65_536,
  maxCandidates: 8, // unverified for 3.x
  penalties: 'unsupported',
  thinking: { kind: 'level', levels: PRO_3_LEVELS },
  requiresThoughtSignatures: true,
};

const GEMINI_3_FLASH: ModelCaps = {
  ...GEMINI_3_PRO,
  thinking: { kind: 'level', levels: FLASH_3_LEVELS },
};

const GEMINI_25_PRO: ModelCaps = {
  maxTemperature: 2,
  maxOutputTokens: 65_536,
  maxCandidates: 8,
  penalties: 'unsupported',
  thinking: { kind: 'budget', budgets: PRO_25_BUDGETS },
  requiresThoughtSignatures: false,
};

const GEMINI_25_FLASH: ModelCaps = {
  ...GEMINI_25_PRO,
  thinking: { kind: 'budget', budgets: FLASH_25_BUDGETS },
};

/** 2.0 and 1.5: no thinking, penalties accepted, 8k output. */
const GEMINI_2_0: ModelCaps = {
  maxTemperature: 2,
  maxOutputTokens: 8192,
  maxCandidates: 8,
  penalties: 'supported',
  thinking: { kind: 'none' },
  requiresThoughtSignatures: false,
};

/**
 * Any other model id (`gemini-flash-latest`, a new family, a Gemma model): assumed to be of the
 * newest generation, with the checks only Google can make left to Google.
 */
const DEFAULT_CAPS: ModelCaps = {
  ...GEMINI_3_FLASH,
  maxOutputTokens: undefined,
  penalties: 'unknown',
};

/** First match wins; patterns see the model id without any `models/` prefix. */
const MODEL_TABLE: readonly (readonly [RegExp, ModelCaps])[] = [
  [/^gemini-3(?:\.\d+)?-pro\b/, GEMINI_3_PRO],
  [/^gemini-3(?:\.\d+)?-flash\b/, GEMINI_3_FLASH],
  [/^gemini-2\.5-pro\b/, GEMINI_25_PRO],
  [/^gemini-2\.5-flash\b/, GEMINI_25_FLASH],
  [/^gemini-2\.0-/, GEMINI_2_0],
  [/^gemini-1\.5-/, GEMINI_2_0],
];

export function capsFor(model: string): ModelCaps {
  const id = model.startsWith('models/') ? model.slice('models/'.length) : model;
  for (const [pattern, caps] of MODEL_TABLE) if (pattern.test(id)) return caps;
  return DEFAULT_CAPS;
}
