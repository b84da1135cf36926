/**
 * An Anthropic Messages request → the OpenAI chat request the gateway's chat path serves, for a
 * `/v1/messages` call to a model another provider answers. `system` → a system message; text and
 * image blocks → content parts; assistant `tool_use` → `tool_calls`; a user turn's `tool_result`
 * blocks → `tool` messages (before the rest of that turn); `thinking` → `reasoning_effort`. What
 * has no chat equivalent (server tools, documents, earlier thinking) is a 400 naming it, or, for
 * thinking blocks of earlier turns, dropped: other providers cannot read Anthropic's signatures.
 */
import { badRequest } from '../errors.js';
import type { ChatRequest } from '../providers/types.js';
import type { AnthropicBlock, MessagesRequest } from './schema.js';

type Part = Record<string, unknown>;
type ChatMessage = Record<string, unknown>;

const unsupported = (param: string, message: string) => badRequest('unsupported_content', message, param);

function imageUrl(b: AnthropicBlock, param: string): string {
  const source = b.source as Record<string, unknown> | undefined;
  if (source?.type === 'base64' && typeof source.media_type === 'string' && typeof source.data === 'string')
    return `data:${source.media_type};base64,${source.data}`;
  if (source?.type === 'url' && typeof source.url === 'string') return source.url;
  throw badRequest('invalid_content', 'An image block needs a base64 or url source.', `${param}.source`);
}

function textOf(content: unknown, param: string): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((b: AnthropicBlock, i) => {
      if (b.type === 'text' && typeof b.text === 'string') return b.text;
      throw unsupported(`${param}[${i}]`, `Only text can be sent in ${param} to this provider.`);
    })
    .join('\n');
}

/** A user or assistant turn's blocks → chat messages (tool results first, as their own messages). */
function convertTurn(
  role: 'user' | 'assistant',
  content: string | AnthropicBlock[],
  param: string,
): ChatMessage[] {
  if (typeof content === 'string') return [{ role, content }];
  const parts: Part[] = [];
  const toolCalls: Part[] = [];
  const results: ChatMessage[] = [];
  content.forEach((b, i) => {
    const at = `${param}[${i}]`;
    switch (b.type) {
      case 'text':
        parts.push({ type: 'text', text: String(b.text ?? '') });
        break;
      case 'image':
        parts.push({ type: 'image_url', image_url: { url: imageUrl(b, at) } });
        break;
      case 'tool_use':
        if (role !== 'assistant') throw unsupported(at, 'tool_use blocks belong to assistant turns.');
        toolCalls.push({
          id: String(b.id),
          type: 'function',
          function: { name: String(b.name), arguments: JSON.stringify(b.input ?? {}) },
        });
        break;
      case 'tool_result':
        if (role !== 'user') throw unsupported(at, 'tool_result blocks belong to user turns.');
        results.push({
          role: 'tool',
          tool_call_id: String(b.tool_use_id),
          content: `${b.is_error === true ? 'Error: ' : ''}${textOf(b.content ?? '', `${at}.content`)}`,
        });
        break;
      case 'thinking':
      case 'redacted_thinking':
        break; // signed by Anthropic for Anthropic: no other provider can take it back
      default:
        throw unsupported(at, `'${b.type}' blocks can be sent only to Anthropic models.`);
    }
  });
  const out: ChatMessage[] = [...results];
  if (role === 'user') {
    if (parts.length > 0) out.push({ role, content: parts });
    return out;
  }
  const text = parts.map((p) => (typeof p.text === 'string' ? p.text : '')).join('');
  if (text === '' && toolCalls.length === 0) return out; // nothing but earlier thinking
  const turn: ChatMessage = { role, content: text === '' ? null : text };
  if (toolCalls.length > 0) turn.tool_calls = toolCalls;
  out.push(turn);
  return out;
}

function toolChoice(choice: MessagesRequest['tool_choice']): unknown {
  switch (choice?.type) {
    case 'any':
      return 'required';
    case 'tool':
      return { type: 'function', function: { name: choice.name } };
    case 'none':
      return 'none';
    case 'auto':
      return 'auto';
    default:
      return undefined;
  }
}

/** Anthropic's thinking budget → the nearest OpenAI reasoning effort. */
function reasoningEffort(thinking: MessagesRequest['thinking']): string | undefined {
  if (!thinking || thinking.type === 'disabled') return undefined;
  const budget = thinking.budget_tokens ?? 8192;
  if (thinking.type === 'adaptive') return 'medium';
  return budget <= 2048 ? 'low' : budget <= 8192 ? 'medium' : 'high';
}

export function toChatRequest(req: MessagesRequest): ChatRequest {
  const messages: ChatMessage[] = [];
  if (req.system !== undefined) messages.push({ role: 'system', content: textOf(req.system, 'system') });
  req.messages.forEach((m, i) => {
    messages.push(...convertTurn(m.role, m.content as string | AnthropicBlock[], `messages[${i}].content`));
  });
  const chat: ChatRequest = { model: req.model, messages, max_tokens: req.max_tokens };
  if (req.tools) {
    chat.tools = req.tools.map((t, i) => {
      if (t.type !== undefined && t.type !== 'custom')
        throw badRequest(
          'unsupported_tool_type',
          `Server tool '${String(t.type)}' is available only on Anthropic models.`,
          `tools[${i}]`,
        );
      return {
        type: 'function',
        function: {
          name: t.name,
          description: t.description,
          parameters: t.input_schema ?? { type: 'object', properties: {} },
        },
      };
    });
  }
  const choice = toolChoice(req.tool_choice);
  if (choice !== undefined) chat.tool_choice = choice;
  if (req.tool_choice?.disable_parallel_tool_use === true) chat.parallel_tool_calls = false;
  if (req.temperature !== undefined) chat.temperature = req.temperature;
  if (req.top_p !== undefined) chat.top_p = req.top_p;
  if (req.stop_sequences?.length) chat.stop = req.stop_sequences.slice(0, 4);
  if (typeof req.metadata?.user_id === 'string') chat.user = req.metadata.user_id;
  const effort = reasoningEffort(req.thinking);
  if (effort) chat.reasoning_effort = effort;
  if (req.stream === true) {
    chat.stream = true;
    // The closing message_delta carries the usage, so the upstream's usage chunk is always wanted.
    chat.stream_options = { include_usage: true };
  }
  return chat;
}
