/**
 * What each Claude model accepts, as a table: the default `max_tokens` (Anthropic requires one,
 * OpenAI does not), its output ceiling, how it takes sampling parameters, how it thinks, and
 * whether it has native JSON output (`output_config.format`).
 *
 * Sources: https://docs.anthropic.com/en/api/messages (the SDK marks `temperature`, `top_p` and
 * `top_k` deprecated: "Models released after Claude Opus 4.6 do not support setting temperature. A
 * value of 1.0 will be accepted…; top_p >= 0.99 accepted; top_k any value → 400"), Anthropic's
 * model overview (output ceilings), and public probes of the 4.5/4.6 generation answering 400
 * "`temperature` and `top_p` cannot both be specified for this model".
 *
 * An id no row knows is taken to be a newer model (every release since Opus 4.7 follows the
 * strictest rules): a value only such a model refuses is refused here, before the upstream call.
 */

type Sampling =
  /** temperature 0–1, top_p 0–1, top_k ≥ 0, in any combination. */
  | 'classic'
  /** as classic, but temperature and top_p not both. */
  | 'exclusive'
  /** only the defaults: temperature 1, top_p ≥ 0.99, no top_k. */
  | 'fixed';

type Thinking =
  /** no extended thinking: `reasoning_effort` is refused. */
  | 'none'
  /** `thinking: {type: "enabled", budget_tokens}`. */
  | 'budget'
  /** `thinking: {type: "adaptive"}` with `output_config.effort`. */
  | 'adaptive';

export interface ModelParams {
  /** `max_tokens` sent when the client sets neither max_tokens nor max_completion_tokens. */
  defaultMaxTokens: number;
  /** The model's own output ceiling: a default plus a thinking budget never goes above it. */
  maxOutputTokens: number;
  sampling: Sampling;
  thinking: Thinking;
  /** `response_format: json_schema` → `output_config.format`; else the JSON tool (see json-output.ts). */
  nativeJsonSchema: boolean;
}

interface Row extends ModelParams {
  /** Matches the id sent upstream (aliases and dated snapshots alike). */
  pattern: RegExp;
}

const claude3 = {
  defaultMaxTokens: 4096,
  maxOutputTokens: 4096,
  sampling: 'classic',
  thinking: 'none',
} as const;
const gen45 = {
  defaultMaxTokens: 8192,
  maxOutputTokens: 64_000,
  sampling: 'exclusive',
  thinking: 'budget',
} as const;

/** First match wins. Default max_tokens: 8192 (4096 where the model cannot write more). */
const MODEL_TABLE: readonly Row[] = [
  { pattern: /^claude-3-(haiku|sonnet|opus)\b/, ...claude3, nativeJsonSchema: false },
  {
    pattern: /^claude-3-5-(haiku|sonnet)\b/,
    ...claude3,
    defaultMaxTokens: 8192,
    maxOutputTokens: 8192,
    nativeJsonSchema: false,
  },
  {
    pattern: /^claude-3-7-sonnet\b/,
    defaultMaxTokens: 8192,
    maxOutputTokens: 64_000,
    sampling: 'classic',
    thinking: 'budget',
    nativeJsonSchema: false,
  },
  {
    pattern: /^claude-sonnet-4(?:-0)?(?:-\d{8})?$/,
    defaultMaxTokens: 8192,
    maxOutputTokens: 64_000,
    sampling: 'classic',
    thinking: 'budget',
    nativeJsonSchema: false,
  },
  {
    pattern: /^claude-opus-4(?:-0)?(?:-\d{8})?$/,
    defaultMaxTokens: 8192,
    maxOutputTokens: 32_000,
    sampling: 'classic',
    thinking: 'budget',
    nativeJsonSchema: false,
  },
  {
    pattern: /^claude-opus-4-1\b/,
    defaultMaxTokens: 8192,
    maxOutputTokens: 32_000,
    sampling: 'classic',
    thinking: 'budget',
    nativeJsonSchema: true,
  },
  { pattern: /^claude-(sonnet|haiku|opus)-4-5\b/, ...gen45, nativeJsonSchema: true },
  { pattern: /^claude-(sonnet|opus)-4-6\b/, ...gen45, nativeJsonSchema: true },
];

/** Any other id: a model newer than this table. */
const NEWER_MODEL: ModelParams = {
  defaultMaxTokens: 8192,
  maxOutputTokens: 64_000,
  sampling: 'fixed',
  thinking: 'adaptive',
  nativeJsonSchema: true,
};

export function modelParams(model: string): ModelParams {
  const id = model.toLowerCase();
  return MODEL_TABLE.find((row) => row.pattern.test(id)) ?? NEWER_MODEL;
}
