/**
 * OpenAI `messages` → Gemini `systemInstruction` + `contents`
 * (https://ai.google.dev/api/generate-content):
 * - system and developer messages, wherever they stand, join in order into `systemInstruction`;
 * - user → `user`, assistant → `model`; consecutive turns of one role are merged into one;
 * - assistant `tool_calls` → `functionCall` parts (arguments parsed; the thought signature
 *   restored from the tool call id, see tool-call-id.ts);
 * - `tool` messages → `functionResponse` parts in a `user` turn. Gemini matches results to calls
 *   by name and order, and OpenAI results carry only `tool_call_id`: the name is looked up from
 *   the earlier assistant tool call, and a run of results is put in the order of the calls.
 * A message's `name` has no place in Gemini and is ignored.
 */
import { badRequest } from '../../errors.js';
import { isRecord } from '../kit/records.js';
import { textContent, userParts } from './convert-content.js';
import type { GeminiContent, GeminiPart, GeminiRole } from './gemini-types.js';
import type { ModelCaps } from './model-table.js';
import { PLACEHOLDER_SIGNATURE, signatureOf } from './tool-call-id.js';

export interface ConvertedMessages {
  systemInstruction?: { parts: GeminiPart[] };
  contents: GeminiContent[];
}

/** An earlier assistant tool call: its function name and its place among all calls. */
interface KnownCall {
  name: string;
  seq: number;
}

/** `function.arguments` → the object Gemini wants (`""` or absent → `{}`). */
function parseArguments(value: unknown, param: string): Record<string, unknown> {
  if (value === undefined || value === null || value === '') return {};
  let parsed: unknown;
  try {
    parsed = typeof value === 'string' ? JSON.parse(value) : undefined;
  } catch {
    parsed = undefined;
  }
  if (isRecord(parsed)) return parsed;
  throw badRequest(
    'invalid_tool_arguments',
    'Tool call arguments must be a JSON object, as a string.',
    param,
  );
}

/** Google's own OpenAI layer carries the signature as `extra_content.google.thought_signature`. */
function extraSignature(call: Record<string, unknown>): string | undefined {
  const extra = call.extra_content;
  const google = isRecord(extra) ? extra.google : undefined;
  const sig = isRecord(google) ? google.thought_signature : undefined;
  return typeof sig === 'string' && sig !== '' ? sig : undefined;
}

/** A tool result's text as the `response` object: JSON objects/arrays parsed, anything else as text. */
function toolOutput(text: string): unknown {
  const t = text.trimStart();
  if (t.startsWith('{') || t.startsWith('[')) {
    try {
      return JSON.parse(text);
    } catch {
      // not JSON after all: the text itself
    }
  }
  return text;
}

export function convertMessages(messages: unknown, caps: ModelCaps): ConvertedMessages {
  if (!Array.isArray(messages) || messages.length === 0) {
    throw badRequest('invalid_messages', 'messages must be a non-empty array.', 'messages');
  }
  const system: string[] = [];
  const turns: GeminiContent[] = [];
  const calls = new Map<string, KnownCall>();
  let seq = 0;
  let results: { seq: number; part: GeminiPart }[] = [];

  const push = (role: GeminiRole, parts: GeminiPart[]) => {
    if (parts.length > 0) turns.push({ role, parts });
  };
  const flushResults = () => {
    if (results.length === 0) return;
    push(
      'user',
      results.sort((a, b) => a.seq - b.seq).map((r) => r.part),
    );
    results = [];
  };

  function assistantParts(m: Record<string, unknown>, at: string): GeminiPart[] {
    const parts: GeminiPart[] = [];
    const text = textContent(m.content, `${at}.content`, 'refusal');
    if (text !== '') parts.push({ text });
    const toolCalls = m.tool_calls;
    if (toolCalls === undefined || toolCalls === null) return parts;
    if (!Array.isArray(toolCalls)) {
      throw badRequest('invalid_tool_calls', 'tool_calls must be an array.', `${at}.tool_calls`);
    }
    toolCalls.forEach((tc: unknown, k) => {
      const p = `${at}.tool_calls[${k}]`;
      if (!isRecord(tc)) throw badRequest('invalid_tool_calls', 'A tool call must be an object.', p);
      if (tc.type !== undefined && tc.type !== 'function') {
        throw badRequest(
          'unsupported_tool_type',
          'Only function tool calls can be sent to Gemini.',
          `${p}.type`,
        );
      }
      const fn = tc.function;
      if (!isRecord(fn) || typeof fn.name !== 'string' || fn.name === '') {
        throw badRequest('invalid_tool_calls', 'A tool call needs function.name.', `${p}.function.name`);
      }
      if (typeof tc.id !== 'string' || tc.id === '') {
        throw badRequest('invalid_tool_calls', 'A tool call needs an id.', `${p}.id`);
      }
      const part: GeminiPart = {
        functionCall: { name: fn.name, args: parseArguments(fn.arguments, `${p}.function.arguments`) },
      };
      const signature = signatureOf(tc.id) ?? extraSignature(tc);
      if (signature !== undefined) part.thoughtSignature = signature;
      else if (k === 0 && caps.requiresThoughtSignatures) part.thoughtSignature = PLACEHOLDER_SIGNATURE;
      parts.push(part);
      calls.set(tc.id, { name: fn.name, seq: seq++ });
    });
    return parts;
  }

  function toolResult(m: Record<string, unknown>, at: string): { seq: number; part: GeminiPart } {
    const id = m.tool_call_id;
    if (typeof id !== 'string' || id === '') {
      throw badRequest('invalid_tool_message', 'A tool message needs tool_call_id.', `${at}.tool_call_id`);
    }
    const call = calls.get(id);
    if (!call) {
      throw badRequest(
        'unknown_tool_call_id',
        'tool_call_id matches no earlier assistant tool call; Gemini needs the function name from that call.',
        `${at}.tool_call_id`,
      );
    }
    const output = toolOutput(textContent(m.content, `${at}.content`));
    return { seq: call.seq, part: { functionResponse: { name: call.name, response: { output } } } };
  }

  messages.forEach((m: unknown, i) => {
    const at = `messages[${i}]`;
    if (!isRecord(m)) throw badRequest('invalid_messages', 'Each message must be an object.', at);
    if (m.role !== 'tool') flushResults();
    switch (m.role) {
      case 'system':
      case 'developer': {
        const text = textContent(m.content, `${at}.content`);
        if (text !== '') system.push(text);
        break;
      }
      case 'user':
        push('user', userParts(m.content, `${at}.content`));
        break;
      case 'assistant':
        push('model', assistantParts(m, at));
        break;
      case 'tool':
        results.push(toolResult(m, at));
        break;
      case 'function':
        throw badRequest(
          'unsupported_role',
          'The deprecated "function" role is not supported; use tool_calls and "tool" messages.',
          `${at}.role`,
        );
      default:
        throw badRequest('invalid_role', 'Unknown message role.', `${at}.role`);
    }
  });
  flushResults();

  const contents: GeminiContent[] = [];
  for (const turn of turns) {
    const last = contents[contents.length - 1];
    if (last && last.role === turn.role) last.parts.push(...turn.parts);
    else contents.push({ role: turn.role, parts: [...turn.parts] });
  }
  if (contents.length === 0) {
    throw badRequest(
      'invalid_messages',
      'Gemini needs at least one user or assistant message with content.',
      'messages',
    );
  }
  return system.length > 0
    ? { systemInstruction: { parts: [{ text: system.join('\n\n') }] }, contents }
    : { contents };
}
