/**
 * A Responses API request → the chat request the gateway's chat path serves, for `/v1/responses`
 * on a model another provider answers: the stateless subset (text and image input, `instructions`,
 * function tools and their outputs, `text.format`, `max_output_tokens`, `reasoning.effort`). Each
 * part that needs OpenAI's server-side state (`previous_response_id`, `store: true`, stored
 * conversations and prompts, background runs, item references, built-in tools) is named in one 400.
 */
import { badRequest, type FieldIssue } from '../errors.js';
import { isRecord } from '../providers/kit/records.js';
import type { ChatRequest } from '../providers/types.js';
import type { ResponsesRequest } from './schema.js';

type Message = Record<string, unknown>;

/** Every stateful part of the request, one issue each. */
function statefulParts(req: ResponsesRequest): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const needs = (param: string, what: string) =>
    issues.push({ param, message: `${what} needs OpenAI's server-side state.` });
  if (req.previous_response_id) needs('previous_response_id', 'previous_response_id');
  if (req.store === true) needs('store', 'store: true');
  if (req.conversation !== undefined && req.conversation !== null) needs('conversation', 'conversation');
  if (req.prompt !== undefined && req.prompt !== null) needs('prompt', 'A stored prompt');
  if (req.background === true) needs('background', 'background: true');
  (req.tools ?? []).forEach((t, i) => {
    if (t.type !== 'function') needs(`tools[${i}]`, `The built-in tool '${t.type}'`);
  });
  if (Array.isArray(req.input))
    req.input.forEach((it, i) => {
      if (it.type === 'item_reference') needs(`input[${i}]`, 'An item_reference');
    });
  return issues;
}

function part(p: unknown, param: string): Record<string, unknown> {
  if (!isRecord(p)) throw badRequest('invalid_content', 'A content part must be an object.', param);
  switch (p.type) {
    case 'input_text':
    case 'output_text':
    case 'refusal':
      return { type: 'text', text: String(p.text ?? p.refusal ?? '') };
    case 'input_image':
      if (typeof p.image_url !== 'string')
        throw badRequest(
          'unsupported_content_part',
          'Only images given by URL can go to this provider (no file_id).',
          param,
        );
      return {
        type: 'image_url',
        image_url: { url: p.image_url, ...(p.detail ? { detail: p.detail } : {}) },
      };
    default:
      throw badRequest(
        'unsupported_content_part',
        `'${String(p.type)}' parts can be sent only to OpenAI models.`,
        param,
      );
  }
}

function messageOf(it: Record<string, unknown>, param: string): Message {
  const role = it.role === 'developer' ? 'system' : it.role;
  if (role !== 'user' && role !== 'assistant' && role !== 'system')
    throw badRequest('invalid_role', `Unknown role '${String(it.role)}'.`, `${param}.role`);
  if (typeof it.content === 'string') return { role, content: it.content };
  if (!Array.isArray(it.content))
    throw badRequest('invalid_content', 'content must be a string or parts.', `${param}.content`);
  const parts = it.content.map((p, j) => part(p, `${param}.content[${j}]`));
  // Only user turns take parts; others are their text.
  if (role === 'user') return { role, content: parts };
  return { role, content: parts.map((p) => (typeof p.text === 'string' ? p.text : '')).join('') };
}

function outputText(output: unknown): string {
  if (typeof output === 'string') return output;
  if (Array.isArray(output))
    return output.map((p) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join('');
  return JSON.stringify(output ?? '');
}

function convertInput(input: ResponsesRequest['input']): Message[] {
  if (input === undefined) return [];
  if (typeof input === 'string') return [{ role: 'user', content: input }];
  const messages: Message[] = [];
  input.forEach((it, i) => {
    const param = `input[${i}]`;
    switch (it.type ?? 'message') {
      case 'message':
        messages.push(messageOf(it, param));
        break;
      case 'function_call': {
        const call = {
          id: String(it.call_id),
          type: 'function',
          function: { name: String(it.name), arguments: String(it.arguments ?? '') },
        };
        const last = messages.at(-1);
        if (last?.role === 'assistant') last.tool_calls = [...((last.tool_calls as unknown[]) ?? []), call];
        else messages.push({ role: 'assistant', content: null, tool_calls: [call] });
        break;
      }
      case 'function_call_output':
        messages.push({ role: 'tool', tool_call_id: String(it.call_id), content: outputText(it.output) });
        break;
      case 'reasoning':
        break; // OpenAI's own (encrypted) reasoning: no other provider can read it back
      default:
        throw badRequest(
          'unsupported_content',
          `'${String(it.type)}' items can be sent only to OpenAI models.`,
          param,
        );
    }
  });
  return messages;
}

function toolChoice(choice: unknown): unknown {
  if (isRecord(choice) && choice.type === 'function')
    return { type: 'function', function: { name: choice.name } };
  return choice;
}

function responseFormat(format: Record<string, unknown> | undefined): unknown {
  if (!format || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object' };
  if (format.type === 'json_schema') {
    const { type: _type, ...schema } = format;
    return { type: 'json_schema', json_schema: schema };
  }
  throw badRequest(
    'unsupported_value',
    `text.format '${String(format.type)}' is not supported here.`,
    'text.format',
  );
}

export function toChatRequest(req: ResponsesRequest): ChatRequest {
  const issues = statefulParts(req);
  if (issues.length > 0) {
    const first = issues[0]!;
    throw badRequest(
      'unsupported_parameter',
      `Only OpenAI models keep server-side state: ${issues.map((f) => f.param).join(', ')} cannot be used with '${req.model}'.`,
      first.param,
      issues,
    );
  }
  const messages = convertInput(req.input);
  if (req.instructions) messages.unshift({ role: 'system', content: req.instructions });
  if (messages.length === 0) throw badRequest('invalid_value', 'input: must not be empty', 'input');
  const chat: ChatRequest = { model: req.model, messages };
  if (req.tools?.length)
    chat.tools = req.tools.map((t) => ({
      type: 'function',
      function: {
        name: t.name,
        description: t.description,
        parameters: t.parameters,
        ...(t.strict === undefined ? {} : { strict: t.strict }),
      },
    }));
  if (req.tool_choice !== undefined) chat.tool_choice = toolChoice(req.tool_choice);
  const format = responseFormat(req.text?.format);
  if (format) chat.response_format = format;
  if (req.max_output_tokens) chat.max_tokens = req.max_output_tokens;
  if (req.reasoning?.effort) chat.reasoning_effort = req.reasoning.effort;
  for (const field of ['temperature', 'top_p', 'parallel_tool_calls', 'user'] as const)
    if (req[field] !== undefined && req[field] !== null) chat[field] = req[field];
  if (req.stream === true) {
    chat.stream = true;
    // response.completed carries the usage, so the upstream's usage chunk is always wanted.
    chat.stream_options = { include_usage: true };
  }
  return chat;
}
