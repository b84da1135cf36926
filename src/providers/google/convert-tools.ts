/**
 * OpenAI `tools` + `tool_choice` → Gemini `tools[].functionDeclarations` + `toolConfig`
 * (https://ai.google.dev/api/generate-content). `parameters` travels as plain JSON Schema
 * (`parametersJsonSchema`); `strict` has no Gemini equivalent and is ignored. tool_choice:
 *   auto → AUTO · none → NONE · required → ANY · {function: {name}} → ANY + allowedFunctionNames
 *   allowed_tools {mode: required} → ANY + allowedFunctionNames · {mode: auto} → AUTO over only
 * those
 */
import { badRequest } from '../../errors.js';
import { isRecord } from '../kit/records.js';
import type { FunctionDeclaration, GeminiTool, ToolConfig } from './gemini-types.js';

export interface ConvertedTools {
  tools?: GeminiTool[];
  toolConfig?: ToolConfig;
}

/** Gemini's rule for function names: a letter or `_` first, then letters, digits, `_ . : -`; ≤ 128. */
const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;

function declaration(tool: unknown, param: string, seen: Set<string>): FunctionDeclaration {
  if (!isRecord(tool)) throw badRequest('invalid_tools', 'Each tool must be an object.', param);
  if (tool.type !== 'function') {
    throw badRequest(
      'unsupported_tool_type',
      'Only tools of type "function" can be sent to Gemini.',
      `${param}.type`,
    );
  }
  const fn = tool.function;
  if (!isRecord(fn))
    throw badRequest('invalid_tools', 'A function tool needs "function".', `${param}.function`);
  const { name, description, parameters } = fn;
  if (typeof name !== 'string' || !FUNCTION_NAME.test(name)) {
    throw badRequest(
      'invalid_function_name',
      'Gemini function names start with a letter or "_" and contain only letters, digits, "_", ".", ":" and "-" (at most 128).',
      `${param}.function.name`,
    );
  }
  if (seen.has(name)) {
    throw badRequest(
      'duplicate_function_name',
      `Function "${name}" is declared twice.`,
      `${param}.function.name`,
    );
  }
  seen.add(name);
  const out: FunctionDeclaration = { name };
  if (description !== undefined && description !== null) {
    if (typeof description !== 'string') {
      throw badRequest('invalid_tools', 'description must be a string.', `${param}.function.description`);
    }
    out.description = description;
  }
  if (parameters !== undefined && parameters !== null) {
    if (!isRecord(parameters)) {
      throw badRequest(
        'invalid_tools',
        'parameters must be a JSON Schema object.',
        `${param}.function.parameters`,
      );
    }
    out.parametersJsonSchema = parameters;
  }
  return out;
}

function namedFunction(value: unknown, declared: Set<string>, param: string): string {
  const fn = isRecord(value) ? value.function : undefined;
  const name = isRecord(fn) ? fn.name : undefined;
  if (typeof name !== 'string' || !declared.has(name)) {
    throw badRequest(
      'unknown_tool_choice',
      'tool_choice names a function that is not in tools.',
      `${param}.function.name`,
    );
  }
  return name;
}

/** `allowed_tools.tools` → the names they allow (all must be declared). */
function allowedNames(value: unknown, declared: Set<string>): string[] {
  const list = isRecord(value) ? value.tools : undefined;
  if (!Array.isArray(list) || list.length === 0) {
    throw badRequest(
      'invalid_tool_choice',
      'allowed_tools.tools must list functions.',
      'tool_choice.allowed_tools.tools',
    );
  }
  return list.map((t: unknown, i) => namedFunction(t, declared, `tool_choice.allowed_tools.tools[${i}]`));
}

export function convertTools(tools: unknown, toolChoice: unknown): ConvertedTools {
  if (tools !== undefined && tools !== null && !Array.isArray(tools)) {
    throw badRequest('invalid_tools', 'tools must be an array.', 'tools');
  }
  const seen = new Set<string>();
  let declarations = (tools ?? []).map((t: unknown, i: number) => declaration(t, `tools[${i}]`, seen));
  let toolConfig: ToolConfig | undefined;

  if (toolChoice !== undefined && toolChoice !== null) {
    const noTools = declarations.length === 0;
    if (toolChoice === 'auto' || toolChoice === 'none') {
      if (!noTools) toolConfig = { functionCallingConfig: { mode: toolChoice === 'auto' ? 'AUTO' : 'NONE' } };
    } else if (noTools) {
      throw badRequest(
        'invalid_tool_choice',
        'tool_choice asks for a tool call but tools is empty.',
        'tool_choice',
      );
    } else if (toolChoice === 'required') {
      toolConfig = { functionCallingConfig: { mode: 'ANY' } };
    } else if (isRecord(toolChoice) && toolChoice.type === 'function') {
      const name = namedFunction(toolChoice, seen, 'tool_choice');
      toolConfig = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [name] } };
    } else if (isRecord(toolChoice) && toolChoice.type === 'allowed_tools') {
      const allowed = toolChoice.allowed_tools;
      const mode = isRecord(allowed) ? allowed.mode : undefined;
      const names = allowedNames(allowed, seen);
      if (mode === 'required') {
        toolConfig = { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: names } };
      } else if (mode === 'auto') {
        declarations = declarations.filter((d) => names.includes(d.name));
        toolConfig = { functionCallingConfig: { mode: 'AUTO' } };
      } else {
        throw badRequest(
          'invalid_tool_choice',
          'allowed_tools.mode must be "auto" or "required".',
          'tool_choice.allowed_tools.mode',
        );
      }
    } else {
      throw badRequest(
        'invalid_tool_choice',
        'tool_choice must be "auto", "none", "required", a named function or allowed_tools.',
        'tool_choice',
      );
    }
  }
  const out: ConvertedTools = {};
  if (declarations.length > 0) out.tools = [{ functionDeclarations: declarations }];
  if (toolConfig) out.toolConfig = toolConfig;
  return out;
}
