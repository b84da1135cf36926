/**
 * Every OpenAI chat parameter and what happens to it on the way to Gemini: mapped (renamed or
 * translated), passed (same meaning and name family), ignored (harmless to drop) or refused (a 400
 * naming it). The README's Gemini table is this data. A field not listed here is refused too: a
 * new OpenAI parameter is never dropped silently.
 */
import { badRequest } from '../../errors.js';
import { isRecord } from '../kit/records.js';
import type { ChatRequest } from '../types.js';

type Disposition = 'mapped' | 'passed' | 'ignored' | 'refused';

export interface ParamRow {
  param: string;
  disposition: Disposition;
  /** Where it goes in Gemini's request, or why it goes nowhere. */
  gemini: string;
}

/** Harmless to drop for Gemini, with the reason (README "ignored" rows). */
export const IGNORED_PARAMS: readonly ParamRow[] = [
  { param: 'user', disposition: 'ignored', gemini: 'no end-user field in Gemini' },
  { param: 'safety_identifier', disposition: 'ignored', gemini: 'no end-user field in Gemini' },
  { param: 'prompt_cache_key', disposition: 'ignored', gemini: 'Gemini caches implicitly' },
  { param: 'prompt_cache_retention', disposition: 'ignored', gemini: 'Gemini caches implicitly' },
  { param: 'metadata', disposition: 'ignored', gemini: 'OpenAI dashboard tags' },
  { param: 'store', disposition: 'ignored', gemini: 'OpenAI stored completions' },
  { param: 'service_tier', disposition: 'ignored', gemini: 'OpenAI processing tier' },
  {
    param: 'parallel_tool_calls',
    disposition: 'ignored',
    gemini: 'no switch in Gemini; it may return several calls in one turn either way',
  },
];

/** Refused unless the value is one that asks for nothing (null always asks for nothing). */
const REFUSED: Readonly<Record<string, { gemini: string; harmless?: (v: unknown) => boolean }>> = {
  logprobs: { gemini: 'not translated (refused when true)', harmless: (v) => v === false },
  top_logprobs: { gemini: 'not translated (refused above 0)', harmless: (v) => v === 0 },
  logit_bias: {
    gemini: 'no Gemini equivalent (refused unless empty)',
    harmless: (v) => isRecord(v) && Object.keys(v).length === 0,
  },
  modalities: {
    gemini: 'text output only (["text"] accepted)',
    harmless: (v) => Array.isArray(v) && v.length === 1 && v[0] === 'text',
  },
  audio: { gemini: 'no audio output' },
  prediction: { gemini: 'no predicted outputs' },
  web_search_options: { gemini: 'Google Search grounding is not exposed' },
  verbosity: { gemini: 'no Gemini equivalent' },
  functions: { gemini: 'deprecated: use tools' },
  function_call: { gemini: 'deprecated: use tool_choice' },
};

/** Translated by build-request.ts and its helpers. */
const HANDLED: readonly ParamRow[] = [
  { param: 'model', disposition: 'mapped', gemini: 'URL `models/{model}:generateContent` (prefix removed)' },
  {
    param: 'messages',
    disposition: 'mapped',
    gemini: '`systemInstruction` + `contents` (see convert-messages.ts)',
  },
  { param: 'stream', disposition: 'mapped', gemini: '`:streamGenerateContent?alt=sse`' },
  {
    param: 'stream_options',
    disposition: 'mapped',
    gemini: '`include_usage`: usage chunk from the last `usageMetadata`; other fields ignored',
  },
  {
    param: 'max_completion_tokens',
    disposition: 'mapped',
    gemini: "`generationConfig.maxOutputTokens` (wins over max_tokens; ≤ the model's limit)",
  },
  { param: 'max_tokens', disposition: 'mapped', gemini: '`generationConfig.maxOutputTokens`' },
  {
    param: 'temperature',
    disposition: 'passed',
    gemini: "`generationConfig.temperature` (0 to the model's maximum, 2)",
  },
  { param: 'top_p', disposition: 'mapped', gemini: '`generationConfig.topP` (0–1)' },
  {
    param: 'top_k',
    disposition: 'mapped',
    gemini: '`generationConfig.topK` (integer ≥ 1; not OpenAI, accepted)',
  },
  { param: 'stop', disposition: 'mapped', gemini: '`generationConfig.stopSequences`' },
  {
    param: 'n',
    disposition: 'mapped',
    gemini: '`generationConfig.candidateCount` (≤ 8; n > 1 refused when streaming)',
  },
  { param: 'seed', disposition: 'passed', gemini: '`generationConfig.seed` (32-bit integer)' },
  {
    param: 'presence_penalty',
    disposition: 'mapped',
    gemini: '`generationConfig.presencePenalty` on 1.5/2.0; refused (unless 0) on 2.5 and 3.x',
  },
  {
    param: 'frequency_penalty',
    disposition: 'mapped',
    gemini: '`generationConfig.frequencyPenalty` on 1.5/2.0; refused (unless 0) on 2.5 and 3.x',
  },
  {
    param: 'response_format',
    disposition: 'mapped',
    gemini: 'json_object → `responseMimeType: application/json`; json_schema → + `responseJsonSchema`',
  },
  {
    param: 'reasoning_effort',
    disposition: 'mapped',
    gemini:
      '`thinkingConfig`: thinkingBudget (2.5) or thinkingLevel (3.x), includeThoughts → `reasoning_content`',
  },
  {
    param: 'tools',
    disposition: 'mapped',
    gemini: '`tools[].functionDeclarations` (`parametersJsonSchema`; `strict` ignored)',
  },
  {
    param: 'tool_choice',
    disposition: 'mapped',
    gemini: '`toolConfig.functionCallingConfig` mode AUTO/NONE/ANY (+ allowedFunctionNames)',
  },
];

/** The whole table, for the README: handled, ignored, refused. */
export const PARAM_TABLE: readonly ParamRow[] = [
  ...HANDLED,
  ...IGNORED_PARAMS,
  ...Object.entries(REFUSED).map(([param, r]) => ({
    param,
    disposition: 'refused' as const,
    gemini: r.gemini,
  })),
];

const ACCEPTED = new Set([...HANDLED, ...IGNORED_PARAMS].map((r) => r.param));

/** Throws the 400 for the first field Gemini cannot honour. */
export function checkParams(chat: ChatRequest): void {
  for (const [param, value] of Object.entries(chat)) {
    if (ACCEPTED.has(param) || value === null || value === undefined) continue;
    const refused = REFUSED[param];
    if (refused?.harmless?.(value)) continue;
    throw badRequest(
      'unsupported_parameter',
      refused
        ? `${param} is not supported for Google Gemini models: ${refused.gemini}.`
        : `${param} is not a parameter the gateway can send to Google Gemini.`,
      param,
    );
  }
}
