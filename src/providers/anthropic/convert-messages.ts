/**
 * OpenAI `messages` → Anthropic `system` + `messages`
 * (https://docs.anthropic.com/en/api/messages):
 * - system and developer messages, wherever they stand, become the top-level `system` blocks, in
 *   order;
 * - an assistant message's text, then its `tool_calls` as `tool_use` blocks (arguments parsed: a
 *   string that is not a JSON object is a 400 naming it);
 * - `tool` messages become `tool_result` blocks of a user turn, so consecutive ones share one
 *   turn;
 * - consecutive turns of the same role are merged (Anthropic wants user/assistant alternation),
 *   and in a user turn the tool results come first, as Anthropic requires.
 * Tool call ids are kept (so a tool_result finds its tool_use); characters Anthropic does not
 * allow in an id are replaced by `_` on both sides, so the pair still matches.
 */
import { badRequest } from '../../errors.js';
import { isRecord, parseObject } from '../kit/records.js';
import { contentBlocks, textBlocks } from './convert-content.js';
import type { AnthropicMessage, Block, TextBlock, ToolResultBlock, ToolUseBlock } from './wire-types.js';

const ROLES = ['system', 'developer', 'user', 'assistant', 'tool', 'function'] as const;
type Role = (typeof ROLES)[number];

function toolUseId(id: string): string {
  return id.replace(/[^A-Za-z0-9_-]/g, '_');
}

function parseArguments(value: unknown, param: string): Record<string, unknown> {
  if (typeof value !== 'string') throw badRequest('invalid_value', `'${param}' must be a string.`, param);
  if (value.trim() === '') return {};
  const parsed = parseObject(value);
  if (!parsed) {
    throw badRequest(
      'invalid_tool_arguments',
      `'${param}' must be a JSON object encoded as a string.`,
      param,
    );
  }
  return parsed;
}

function toolUses(toolCalls: unknown, param: string): ToolUseBlock[] {
  if (toolCalls === null || toolCalls === undefined) return [];
  if (!Array.isArray(toolCalls)) throw badRequest('invalid_value', `'${param}' must be an array.`, param);
  return toolCalls.map((call: unknown, j) => {
    const at = `${param}[${j}]`;
    const fn = isRecord(call) ? call.function : undefined;
    if (!isRecord(call) || typeof call.id !== 'string' || !isRecord(fn) || typeof fn.name !== 'string') {
      throw badRequest('invalid_value', `'${at}' must have an id and a function with a name.`, at);
    }
    if (call.type !== undefined && call.type !== 'function') {
      throw badRequest(
        'unsupported_value',
        `Only function tool calls can be sent to Anthropic.`,
        `${at}.type`,
      );
    }
    const input = parseArguments(fn.arguments, `${at}.function.arguments`);
    return { type: 'tool_use', id: toolUseId(call.id), name: fn.name, input };
  });
}

function toolResult(message: Record<string, unknown>, i: number): ToolResultBlock {
  const id = message.tool_call_id;
  if (typeof id !== 'string') {
    throw badRequest(
      'invalid_value',
      `'messages[${i}].tool_call_id' must be a string.`,
      `messages[${i}].tool_call_id`,
    );
  }
  const { content } = message;
  const param = `messages[${i}].content`;
  return {
    type: 'tool_result',
    tool_use_id: toolUseId(id),
    content: typeof content === 'string' ? content : textBlocks(content, param),
  };
}

function roleOf(message: Record<string, unknown>, i: number): Role {
  const role = ROLES.find((r) => r === message.role);
  if (!role)
    throw badRequest('invalid_value', `'messages[${i}].role' is not a known role.`, `messages[${i}].role`);
  return role;
}

/** Tool results first, everything else after, each group in its original order. */
function toolResultsFirst(blocks: Block[]): Block[] {
  return [
    ...blocks.filter((b) => b.type === 'tool_result'),
    ...blocks.filter((b) => b.type !== 'tool_result'),
  ];
}

export interface ConvertedMessages {
  system?: TextBlock[];
  messages: AnthropicMessage[];
}

export function convertMessages(input: readonly unknown[]): ConvertedMessages {
  const system: TextBlock[] = [];
  const messages: AnthropicMessage[] = [];
  const push = (role: AnthropicMessage['role'], blocks: Block[]) => {
    if (blocks.length === 0) return;
    const last = messages[messages.length - 1];
    if (last?.role === role) last.content.push(...blocks);
    else messages.push({ role, content: blocks });
  };

  input.forEach((raw, i) => {
    if (!isRecord(raw))
      throw badRequest('invalid_value', `'messages[${i}]' must be an object.`, `messages[${i}]`);
    const param = `messages[${i}].content`;
    const role = roleOf(raw, i);
    switch (role) {
      case 'system':
      case 'developer':
        system.push(...textBlocks(raw.content, param));
        break;
      case 'user':
        push('user', contentBlocks(raw.content, param, ['text', 'image']));
        break;
      case 'assistant':
        push('assistant', [
          ...contentBlocks(raw.content, param, ['text', 'refusal']),
          ...toolUses(raw.tool_calls, `messages[${i}].tool_calls`),
        ]);
        break;
      case 'tool':
        push('user', [toolResult(raw, i)]);
        break;
      case 'function':
        throw badRequest(
          'unsupported_value',
          "The deprecated 'function' role cannot be sent to Anthropic; use tool messages.",
          `messages[${i}].role`,
        );
      default: {
        const unknown: never = role;
        throw new Error(`unhandled role ${String(unknown)}`);
      }
    }
  });

  if (messages.length === 0) {
    throw badRequest(
      'invalid_value',
      "'messages' must hold at least one user or assistant message with content for Anthropic.",
      'messages',
    );
  }
  for (const m of messages) if (m.role === 'user') m.content = toolResultsFirst(m.content);
  return system.length > 0 ? { system, messages } : { messages };
}
