/**
 * `tools`, `tool_choice` and `parallel_tool_calls` → Anthropic's `tools` and `tool_choice`
 * (https://docs.anthropic.com/en/api/messages): a function becomes `{name, description,
 * input_schema}`; `auto`/`none` map to themselves, `required` to `any`, a named function to
 * `{type: "tool", name}`; and `parallel_tool_calls: false` to `disable_parallel_tool_use: true`.
 */
import { badRequest } from '../../errors.js';
import { isRecord } from '../kit/records.js';
import type { ChatRequest } from '../types.js';
import { JSON_TOOL_NAME } from './json-output.js';
import type { AnthropicTool, ToolChoice } from './wire-types.js';

export interface ConvertedTools {
  tools?: AnthropicTool[];
  tool_choice?: ToolChoice;
}

function convertTool(tool: unknown, i: number): AnthropicTool {
  const param = `tools[${i}]`;
  if (!isRecord(tool) || tool.type !== 'function') {
    throw badRequest('unsupported_value', 'Only function tools can be sent to Anthropic.', `${param}.type`);
  }
  const fn = tool.function;
  if (!isRecord(fn) || typeof fn.name !== 'string') {
    throw badRequest('invalid_value', `'${param}.function' must have a name.`, `${param}.function`);
  }
  if (fn.name === JSON_TOOL_NAME) {
    throw badRequest(
      'invalid_value',
      `The tool name '${JSON_TOOL_NAME}' is reserved by the gateway.`,
      `${param}.function.name`,
    );
  }
  const out: AnthropicTool = { name: fn.name, input_schema: { type: 'object', properties: {} } };
  if (typeof fn.description === 'string' && fn.description !== '') out.description = fn.description;
  if (fn.parameters !== undefined && fn.parameters !== null) {
    if (!isRecord(fn.parameters)) {
      throw badRequest(
        'invalid_value',
        `'${param}.function.parameters' must be a JSON Schema object.`,
        `${param}.function.parameters`,
      );
    }
    // Anthropic requires an object schema at the top; OpenAI assumes one when `type` is left out.
    out.input_schema = { type: 'object', ...fn.parameters };
  }
  return out;
}

function choiceOf(value: unknown, tools: AnthropicTool[]): ToolChoice | undefined {
  if (value === null || value === undefined) return undefined;
  const needsTools = (what: string) =>
    badRequest('invalid_value', `'tool_choice' ${what} needs at least one tool in 'tools'.`, 'tool_choice');
  if (value === 'auto') return tools.length > 0 ? { type: 'auto' } : undefined;
  if (value === 'none') return tools.length > 0 ? { type: 'none' } : undefined;
  if (value === 'required') {
    if (tools.length === 0) throw needsTools('"required"');
    return { type: 'any' };
  }
  if (isRecord(value) && value.type === 'function') {
    const name = isRecord(value.function) ? value.function.name : undefined;
    if (typeof name !== 'string') {
      throw badRequest(
        'invalid_value',
        "'tool_choice.function.name' must be a string.",
        'tool_choice.function.name',
      );
    }
    if (!tools.some((t) => t.name === name)) {
      throw badRequest(
        'invalid_value',
        `'tool_choice' names '${name}', which is not in 'tools'.`,
        'tool_choice',
      );
    }
    return { type: 'tool', name };
  }
  if (isRecord(value) && value.type === 'allowed_tools') {
    throw badRequest(
      'unsupported_value',
      "'tool_choice' of type allowed_tools has no Anthropic form.",
      'tool_choice',
    );
  }
  throw badRequest(
    'invalid_value',
    '\'tool_choice\' must be "auto", "none", "required" or {"type":"function","function":{"name"}}.',
    'tool_choice',
  );
}

export function convertTools(chat: ChatRequest): ConvertedTools {
  const list = chat.tools;
  if (list !== null && list !== undefined && !Array.isArray(list)) {
    throw badRequest('invalid_value', "'tools' must be an array.", 'tools');
  }
  const tools = (list ?? []).map((tool: unknown, i: number) => convertTool(tool, i));
  let choice = choiceOf(chat.tool_choice, tools);

  const parallel = chat.parallel_tool_calls;
  if (parallel !== null && parallel !== undefined && typeof parallel !== 'boolean') {
    throw badRequest('invalid_value', "'parallel_tool_calls' must be a boolean.", 'parallel_tool_calls');
  }
  if (parallel === false && tools.length > 0 && choice?.type !== 'none') {
    choice = { ...(choice ?? { type: 'auto' }), disable_parallel_tool_use: true };
  }
  const out: ConvertedTools = {};
  if (tools.length > 0) out.tools = tools;
  if (choice) out.tool_choice = choice;
  return out;
}
