/**
 * `response_format` by Anthropic's own means:
 * - `json_schema` → `output_config.format: {type: "json_schema", schema}` (native structured
 *   output, https://docs.anthropic.com/en/api/messages) on models that have it;
 * - `json_object`, and `json_schema` on older models → the JSON tool: one tool named
 *   `gateway_json_output` whose input schema is the wanted one (`{"type":"object"}` for
 *   json_object), forced with `tool_choice`. A tool's input is always a JSON object, so the answer
 *   is one; the response readers turn that tool call back into the message text (finish reason
 *   `stop`). The name is reserved: a client tool may not use it. The JSON tool cannot be combined
 *   with the client's own tools or with reasoning_effort (Anthropic forbids forced tool use with
 *   thinking), so those combinations are a 400 naming `response_format`.
 */
import { badRequest } from '../../errors.js';
import { isRecord } from '../kit/records.js';
import type { ChatRequest } from '../types.js';
import type { ModelParams } from './model-params.js';
import type { AnthropicTool, OutputConfig, ToolChoice } from './wire-types.js';

export const JSON_TOOL_NAME = 'gateway_json_output';

export interface JsonOutput {
  format?: OutputConfig['format'];
  tool?: AnthropicTool;
  toolChoice?: ToolChoice;
}

function jsonTool(
  schema: Record<string, unknown>,
  conflicts: { tools: boolean; thinking: boolean },
): JsonOutput {
  if (conflicts.tools || conflicts.thinking) {
    const other = conflicts.tools ? 'tools' : 'reasoning_effort';
    throw badRequest(
      'unsupported_value',
      `On this Anthropic model 'response_format' is served by a forced tool call and cannot be combined with '${other}'.`,
      'response_format',
    );
  }
  return {
    tool: {
      name: JSON_TOOL_NAME,
      description: 'Write the complete answer as this JSON value.',
      input_schema: schema,
    },
    toolChoice: { type: 'tool', name: JSON_TOOL_NAME },
  };
}

export function jsonOutput(
  chat: ChatRequest,
  model: ModelParams,
  conflicts: { tools: boolean; thinking: boolean },
): JsonOutput {
  const format = chat.response_format;
  if (format === null || format === undefined) return {};
  const type = isRecord(format) ? format.type : undefined;
  switch (type) {
    case 'text':
      return {};
    case 'json_object':
      return jsonTool({ type: 'object' }, conflicts);
    case 'json_schema': {
      const spec = isRecord(format) ? format.json_schema : undefined;
      if (!isRecord(spec)) {
        throw badRequest(
          'invalid_value',
          "'response_format.json_schema' must be an object.",
          'response_format.json_schema',
        );
      }
      const schema = spec.schema ?? { type: 'object' };
      if (!isRecord(schema)) {
        throw badRequest(
          'invalid_value',
          "'response_format.json_schema.schema' must be a JSON Schema object.",
          'response_format.json_schema.schema',
        );
      }
      if (model.nativeJsonSchema) return { format: { type: 'json_schema', schema } };
      if (schema.type !== 'object') {
        throw badRequest(
          'unsupported_value',
          'On this Anthropic model a JSON schema must describe an object.',
          'response_format.json_schema.schema',
        );
      }
      return jsonTool(schema, conflicts);
    }
    default:
      throw badRequest(
        'invalid_value',
        "'response_format.type' must be text, json_object or json_schema.",
        'response_format.type',
      );
  }
}
