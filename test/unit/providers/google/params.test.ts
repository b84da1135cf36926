import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../../src/errors.js';
import { toGeminiRequest } from '../../../../src/providers/google/build-request.js';
import type { GenerateContentRequest } from '../../../../src/providers/google/gemini-types.js';
import { IGNORED_PARAMS, PARAM_TABLE } from '../../../../src/providers/google/params.js';
import type { ChatRequest } from '../../../../src/providers/types.js';

const MESSAGES = [{ role: 'user', content: 'Hi' }];
const TOOLS = [
  { type: 'function', function: { name: 'f', parameters: { type: 'object' } } },
  { type: 'function', function: { name: 'g' } },
];

interface Case {
  /** Extra request fields. */
  extra: Record<string, unknown>;
  model?: string;
  stream?: boolean;
  /** Expected fields of the Gemini body besides contents, or the 400's param. */
  expect: Partial<GenerateContentRequest> | { refused: string };
}

const translate = (c: Case) => {
  const model = c.model ?? 'gemini-2.5-flash';
  const chat: ChatRequest = { model, messages: MESSAGES, ...c.extra };
  return toGeminiRequest(chat, model, c.stream ?? false);
};

/** One or more cases per OpenAI parameter: what is passed, mapped, ignored or refused. */
const CASES: Record<string, Case[]> = {
  model: [{ extra: {}, expect: {} }],
  messages: [{ extra: {}, expect: {} }],
  stream: [{ extra: { stream: true }, stream: true, expect: {} }],
  stream_options: [
    {
      extra: { stream: true, stream_options: { include_usage: true, include_obfuscation: false } },
      stream: true,
      expect: {},
    },
  ],
  max_completion_tokens: [
    {
      extra: { max_completion_tokens: 300, max_tokens: 100 },
      expect: { generationConfig: { maxOutputTokens: 300 } },
    },
    { extra: { max_completion_tokens: 65_537 }, expect: { refused: 'max_completion_tokens' } },
    { extra: { max_completion_tokens: 0 }, expect: { refused: 'max_completion_tokens' } },
  ],
  max_tokens: [
    { extra: { max_tokens: 100 }, expect: { generationConfig: { maxOutputTokens: 100 } } },
    { extra: { max_tokens: 9000 }, model: 'gemini-2.0-flash', expect: { refused: 'max_tokens' } },
    { extra: { max_tokens: 1.5 }, expect: { refused: 'max_tokens' } },
  ],
  temperature: [
    { extra: { temperature: 0 }, expect: { generationConfig: { temperature: 0 } } },
    { extra: { temperature: 2 }, expect: { generationConfig: { temperature: 2 } } },
    { extra: { temperature: 2.01 }, expect: { refused: 'temperature' } },
    { extra: { temperature: -0.1 }, expect: { refused: 'temperature' } },
    { extra: { temperature: '1' }, expect: { refused: 'temperature' } },
  ],
  top_p: [
    { extra: { top_p: 0.9 }, expect: { generationConfig: { topP: 0.9 } } },
    { extra: { top_p: 1.1 }, expect: { refused: 'top_p' } },
  ],
  top_k: [
    { extra: { top_k: 40 }, expect: { generationConfig: { topK: 40 } } },
    { extra: { top_k: 0 }, expect: { refused: 'top_k' } },
    { extra: { top_k: 2.5 }, expect: { refused: 'top_k' } },
  ],
  stop: [
    { extra: { stop: 'END' }, expect: { generationConfig: { stopSequences: ['END'] } } },
    { extra: { stop: ['a', 'b'] }, expect: { generationConfig: { stopSequences: ['a', 'b'] } } },
    { extra: { stop: [] }, expect: {} },
    { extra: { stop: ['1', '2', '3', '4', '5', '6'] }, expect: { refused: 'stop' } },
    { extra: { stop: [''] }, expect: { refused: 'stop' } },
  ],
  n: [
    { extra: { n: 1 }, expect: {} },
    { extra: { n: 3 }, expect: { generationConfig: { candidateCount: 3 } } },
    { extra: { n: 9 }, expect: { refused: 'n' } },
    { extra: { n: 2, stream: true }, stream: true, expect: { refused: 'n' } },
  ],
  seed: [
    { extra: { seed: 42 }, expect: { generationConfig: { seed: 42 } } },
    { extra: { seed: 2 ** 40 }, expect: { refused: 'seed' } },
  ],
  presence_penalty: [
    {
      extra: { presence_penalty: 0.5 },
      model: 'gemini-2.0-flash',
      expect: { generationConfig: { presencePenalty: 0.5 } },
    },
    { extra: { presence_penalty: 0.5 }, expect: { refused: 'presence_penalty' } },
    { extra: { presence_penalty: 0 }, expect: {} },
    { extra: { presence_penalty: 3 }, model: 'gemini-2.0-flash', expect: { refused: 'presence_penalty' } },
  ],
  frequency_penalty: [
    {
      extra: { frequency_penalty: -1 },
      model: 'gemini-1.5-pro',
      expect: { generationConfig: { frequencyPenalty: -1 } },
    },
    {
      extra: { frequency_penalty: 1 },
      model: 'gemini-3-pro-preview',
      expect: { refused: 'frequency_penalty' },
    },
    {
      extra: { frequency_penalty: 1 },
      model: 'gemini-next-thing',
      expect: { generationConfig: { frequencyPenalty: 1 } },
    },
  ],
  response_format: [
    { extra: { response_format: { type: 'text' } }, expect: {} },
    {
      extra: { response_format: { type: 'json_object' } },
      expect: { generationConfig: { responseMimeType: 'application/json' } },
    },
    {
      extra: {
        response_format: {
          type: 'json_schema',
          json_schema: { name: 'a', schema: { type: 'object' }, strict: true },
        },
      },
      expect: {
        generationConfig: { responseMimeType: 'application/json', responseJsonSchema: { type: 'object' } },
      },
    },
    {
      extra: { response_format: { type: 'json_schema', json_schema: { name: 'a' } } },
      expect: { generationConfig: { responseMimeType: 'application/json' } },
    },
    { extra: { response_format: { type: 'grammar' } }, expect: { refused: 'response_format.type' } },
    {
      extra: { response_format: { type: 'json_schema', json_schema: { name: 'a', schema: [] } } },
      expect: { refused: 'response_format.json_schema.schema' },
    },
  ],
  reasoning_effort: [
    {
      extra: { reasoning_effort: 'none' },
      expect: { generationConfig: { thinkingConfig: { thinkingBudget: 0 } } },
    },
    {
      extra: { reasoning_effort: 'minimal' },
      expect: { generationConfig: { thinkingConfig: { thinkingBudget: 512, includeThoughts: true } } },
    },
    {
      extra: { reasoning_effort: 'low' },
      expect: { generationConfig: { thinkingConfig: { thinkingBudget: 1024, includeThoughts: true } } },
    },
    {
      extra: { reasoning_effort: 'medium' },
      model: 'gemini-2.5-flash-lite',
      expect: { generationConfig: { thinkingConfig: { thinkingBudget: 8192, includeThoughts: true } } },
    },
    {
      extra: { reasoning_effort: 'high' },
      model: 'gemini-2.5-pro',
      expect: { generationConfig: { thinkingConfig: { thinkingBudget: 24576, includeThoughts: true } } },
    },
    { extra: { reasoning_effort: 'none' }, model: 'gemini-2.5-pro', expect: { refused: 'reasoning_effort' } },
    {
      extra: { reasoning_effort: 'minimal' },
      model: 'gemini-3-flash-preview',
      expect: { generationConfig: { thinkingConfig: { thinkingLevel: 'MINIMAL', includeThoughts: true } } },
    },
    {
      extra: { reasoning_effort: 'high' },
      model: 'gemini-3-pro-preview',
      expect: { generationConfig: { thinkingConfig: { thinkingLevel: 'HIGH', includeThoughts: true } } },
    },
    {
      extra: { reasoning_effort: 'minimal' },
      model: 'gemini-3-pro-preview',
      expect: { refused: 'reasoning_effort' },
    },
    {
      extra: { reasoning_effort: 'none' },
      model: 'gemini-3-flash-preview',
      expect: { refused: 'reasoning_effort' },
    },
    {
      extra: { reasoning_effort: 'low' },
      model: 'gemini-2.0-flash',
      expect: { refused: 'reasoning_effort' },
    },
    { extra: { reasoning_effort: 'none' }, model: 'gemini-2.0-flash', expect: {} },
    { extra: { reasoning_effort: 'xhigh' }, expect: { refused: 'reasoning_effort' } },
    { extra: { reasoning_effort: 'max' }, expect: { refused: 'reasoning_effort' } },
  ],
  tools: [
    {
      extra: { tools: TOOLS },
      expect: {
        tools: [
          { functionDeclarations: [{ name: 'f', parametersJsonSchema: { type: 'object' } }, { name: 'g' }] },
        ],
      },
    },
    { extra: { tools: [] }, expect: {} },
    { extra: { tools: [{ type: 'custom', custom: { name: 'x' } }] }, expect: { refused: 'tools[0].type' } },
    {
      extra: { tools: [{ type: 'function', function: { name: '9lives' } }] },
      expect: { refused: 'tools[0].function.name' },
    },
    { extra: { tools: [TOOLS[0], TOOLS[0]] }, expect: { refused: 'tools[1].function.name' } },
  ],
  tool_choice: [
    {
      extra: { tools: [TOOLS[1]], tool_choice: 'auto' },
      expect: {
        tools: [{ functionDeclarations: [{ name: 'g' }] }],
        toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
      },
    },
    {
      extra: { tools: [TOOLS[1]], tool_choice: 'none' },
      expect: {
        tools: [{ functionDeclarations: [{ name: 'g' }] }],
        toolConfig: { functionCallingConfig: { mode: 'NONE' } },
      },
    },
    {
      extra: { tools: [TOOLS[1]], tool_choice: 'required' },
      expect: {
        tools: [{ functionDeclarations: [{ name: 'g' }] }],
        toolConfig: { functionCallingConfig: { mode: 'ANY' } },
      },
    },
    {
      extra: { tools: TOOLS, tool_choice: { type: 'function', function: { name: 'g' } } },
      expect: {
        tools: [
          { functionDeclarations: [{ name: 'f', parametersJsonSchema: { type: 'object' } }, { name: 'g' }] },
        ],
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['g'] } },
      },
    },
    {
      extra: {
        tools: TOOLS,
        tool_choice: {
          type: 'allowed_tools',
          allowed_tools: { mode: 'auto', tools: [{ type: 'function', function: { name: 'g' } }] },
        },
      },
      expect: {
        tools: [{ functionDeclarations: [{ name: 'g' }] }],
        toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
      },
    },
    {
      extra: {
        tools: TOOLS,
        tool_choice: {
          type: 'allowed_tools',
          allowed_tools: { mode: 'required', tools: [{ type: 'function', function: { name: 'f' } }] },
        },
      },
      expect: {
        tools: [
          { functionDeclarations: [{ name: 'f', parametersJsonSchema: { type: 'object' } }, { name: 'g' }] },
        ],
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] } },
      },
    },
    { extra: { tool_choice: 'none' }, expect: {} },
    { extra: { tool_choice: 'required' }, expect: { refused: 'tool_choice' } },
    {
      extra: { tools: TOOLS, tool_choice: { type: 'function', function: { name: 'h' } } },
      expect: { refused: 'tool_choice.function.name' },
    },
    { extra: { tools: TOOLS, tool_choice: 'sometimes' }, expect: { refused: 'tool_choice' } },
  ],
  // ignored (harmless)
  user: [{ extra: { user: 'u-1' }, expect: {} }],
  safety_identifier: [{ extra: { safety_identifier: 'h' }, expect: {} }],
  prompt_cache_key: [{ extra: { prompt_cache_key: 'k' }, expect: {} }],
  prompt_cache_retention: [{ extra: { prompt_cache_retention: '24h' }, expect: {} }],
  metadata: [{ extra: { metadata: { a: 'b' } }, expect: {} }],
  store: [{ extra: { store: true }, expect: {} }],
  service_tier: [{ extra: { service_tier: 'auto' }, expect: {} }],
  parallel_tool_calls: [{ extra: { parallel_tool_calls: false }, expect: {} }],
  // refused unless harmless
  logprobs: [
    { extra: { logprobs: false }, expect: {} },
    { extra: { logprobs: true }, expect: { refused: 'logprobs' } },
  ],
  top_logprobs: [
    { extra: { top_logprobs: 0 }, expect: {} },
    { extra: { top_logprobs: 3 }, expect: { refused: 'top_logprobs' } },
  ],
  logit_bias: [
    { extra: { logit_bias: {} }, expect: {} },
    { extra: { logit_bias: { '50256': -100 } }, expect: { refused: 'logit_bias' } },
  ],
  modalities: [
    { extra: { modalities: ['text'] }, expect: {} },
    { extra: { modalities: ['text', 'audio'] }, expect: { refused: 'modalities' } },
  ],
  audio: [{ extra: { audio: { voice: 'alloy', format: 'mp3' } }, expect: { refused: 'audio' } }],
  prediction: [
    { extra: { prediction: { type: 'content', content: 'x' } }, expect: { refused: 'prediction' } },
  ],
  web_search_options: [{ extra: { web_search_options: {} }, expect: { refused: 'web_search_options' } }],
  verbosity: [{ extra: { verbosity: 'low' }, expect: { refused: 'verbosity' } }],
  functions: [{ extra: { functions: [{ name: 'f' }] }, expect: { refused: 'functions' } }],
  function_call: [{ extra: { function_call: 'auto' }, expect: { refused: 'function_call' } }],
};

const rows = Object.entries(CASES).flatMap(([param, cases]) => cases.map((c) => [param, c] as const));

describe('every OpenAI parameter on the way to Gemini', () => {
  it('has test cases for every row of the parameter table, and the table lists every case', () => {
    expect(new Set(PARAM_TABLE.map((r) => r.param))).toEqual(new Set(Object.keys(CASES)));
    expect(IGNORED_PARAMS.every((r) => r.disposition === 'ignored')).toBe(true);
  });

  it.each(rows)('%s: %j', (_param, c) => {
    if ('refused' in c.expect) {
      let caught: unknown;
      try {
        translate(c);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(GatewayError);
      const err = caught as GatewayError;
      expect([err.status, err.type, err.param]).toEqual([400, 'invalid_request_error', c.expect.refused]);
      return;
    }
    const { contents, ...rest } = translate(c);
    expect(contents).toEqual([{ role: 'user', parts: [{ text: 'Hi' }] }]);
    expect(rest).toEqual(c.expect);
  });

  it('refuses a field it does not know, naming it, and treats null as not set', () => {
    expect(() => translate({ extra: { frobnicate: 1 }, expect: {} })).toThrow(/frobnicate/);
    const { contents: _c, ...rest } = translate({
      extra: { frobnicate: null, logprobs: null, temperature: null, tools: null, tool_choice: null },
      expect: {},
    });
    expect(rest).toEqual({});
  });
});
