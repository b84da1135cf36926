/**
 * A 2xx Anthropic Message → OpenAI's chat.completion (https://docs.anthropic.com/en/api/messages):
 * text blocks joined into `content` (null when there is none), `tool_use` blocks → `tool_calls`
 * with Anthropic's ids kept (a later tool message sends them back) and the input as a JSON string,
 * thinking text → the non-standard `reasoning_content`, the stop reason by table, and usage with
 * the cache counts included. The gateway's JSON tool (json-output.ts) is the answer itself: its
 * input becomes the text.
 */
import { upstreamInvalidResponse } from '../../errors.js';
import { isRecord, parseObject } from '../kit/records.js';
import type { CallContext, Usage } from '../types.js';
import { finishReason } from './finish-reason.js';
import { JSON_TOOL_NAME } from './json-output.js';
import { statusOfErrorType, toError } from './to-error.js';
import { mergeUsage, toOpenAIUsage } from './usage.js';
import type { AnthropicUsage } from './wire-types.js';

interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

interface AssistantMessage {
  role: 'assistant';
  content: string | null;
  refusal: null;
  reasoning_content?: string;
  tool_calls?: ToolCall[];
}

export function readResponse(bodyText: string, call: CallContext): { body: string; usage?: Usage } {
  const msg = parseObject(bodyText);
  if (!msg) {
    throw upstreamInvalidResponse('Anthropic returned a response that is not a JSON object.');
  }
  if (msg.type === 'error') {
    const type = isRecord(msg.error) ? msg.error.type : undefined;
    throw toError(statusOfErrorType(type), new Headers(), bodyText, call);
  }

  const texts: string[] = [];
  const thinking: string[] = [];
  const toolCalls: ToolCall[] = [];
  let jsonAnswer = false;
  for (const block of Array.isArray(msg.content) ? msg.content : []) {
    if (!isRecord(block)) continue;
    if (block.type === 'text' && typeof block.text === 'string') texts.push(block.text);
    else if (block.type === 'thinking' && typeof block.thinking === 'string') thinking.push(block.thinking);
    else if (block.type === 'tool_use' && typeof block.name === 'string') {
      const input = JSON.stringify(isRecord(block.input) ? block.input : {});
      if (block.name === JSON_TOOL_NAME) {
        texts.push(input);
        jsonAnswer = true;
      } else {
        const id = typeof block.id === 'string' ? block.id : `toolu_${toolCalls.length}`;
        toolCalls.push({ id, type: 'function', function: { name: block.name, arguments: input } });
      }
    }
    // redacted_thinking, server tool blocks and unknown types carry nothing an OpenAI client reads.
  }

  const message: AssistantMessage = {
    role: 'assistant',
    content: texts.length > 0 ? texts.join('') : null,
    refusal: null,
  };
  if (thinking.length > 0) message.reasoning_content = thinking.join('');
  if (toolCalls.length > 0) message.tool_calls = toolCalls;

  const raw: AnthropicUsage = {};
  mergeUsage(raw, msg.usage);
  const usage = isRecord(msg.usage) ? toOpenAIUsage(raw) : undefined;
  const completion = {
    id: typeof msg.id === 'string' ? msg.id : 'msg_unknown',
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: typeof msg.model === 'string' ? msg.model : call.upstreamModel,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: finishReason(msg.stop_reason, jsonAnswer && toolCalls.length === 0),
      },
    ],
    ...(usage ? { usage } : {}),
  };
  const body = JSON.stringify(completion);
  return usage ? { body, usage } : { body };
}
