/**
 * The chat path's answers → Responses API objects, for `/v1/responses` on a model another provider
 * answers: the `response` object (its envelope echoes the request's settings), output items and
 * usage. Shared by the non-streamed answer and the stream's `response.created` / `.completed`.
 */
import { isRecord, parseObject } from '../providers/kit/records.js';
import type { Usage } from '../providers/types.js';
import type { ResponsesRequest } from './schema.js';

export const newId = (prefix: string) => `${prefix}_${crypto.randomUUID().replaceAll('-', '')}`;

function responsesUsage(usage: unknown): Record<string, unknown> | null {
  if (!isRecord(usage)) return null;
  const u = usage as Partial<Usage>;
  const input = u.prompt_tokens ?? 0;
  const output = u.completion_tokens ?? 0;
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: u.prompt_tokens_details?.cached_tokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: u.completion_tokens_details?.reasoning_tokens ?? 0 },
    total_tokens: u.total_tokens ?? input + output,
  };
}

export function messageItem(id: string, text: string, status: 'in_progress' | 'completed') {
  const content = status === 'completed' ? [outputTextPart(text)] : [];
  return { id, type: 'message', status, role: 'assistant', content };
}

export const outputTextPart = (text: string) => ({
  type: 'output_text',
  text,
  annotations: [],
  logprobs: [],
});

export function functionCallItem(id: string, callId: string, name: string, args: string, status: string) {
  return { id, type: 'function_call', status, call_id: callId, name, arguments: args };
}

/** The `response` object: in progress (no output yet), or finished with its output and usage. */
export function responseObject(
  req: ResponsesRequest,
  id: string,
  createdAt: number,
  end?: { output: unknown[]; finish: unknown; usage: unknown },
): Record<string, unknown> {
  const incomplete =
    end?.finish === 'length'
      ? 'max_output_tokens'
      : end?.finish === 'content_filter'
        ? 'content_filter'
        : null;
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status: !end ? 'in_progress' : incomplete ? 'incomplete' : 'completed',
    error: null,
    incomplete_details: incomplete ? { reason: incomplete } : null,
    instructions: req.instructions ?? null,
    max_output_tokens: req.max_output_tokens ?? null,
    model: req.model,
    output: end?.output ?? [],
    parallel_tool_calls: req.parallel_tool_calls ?? true,
    previous_response_id: null,
    reasoning: { effort: req.reasoning?.effort ?? null, summary: null },
    store: false,
    temperature: req.temperature ?? 1,
    text: req.text ?? { format: { type: 'text' } },
    tool_choice: req.tool_choice ?? 'auto',
    tools: req.tools ?? [],
    top_p: req.top_p ?? 1,
    truncation: 'disabled',
    usage: end ? responsesUsage(end.usage) : null,
    user: req.user ?? null,
    metadata: req.metadata ?? {},
  };
}

/** A chat.completion's JSON text → a Response's JSON text. */
export function responseFromChat(text: string, req: ResponsesRequest): string {
  const chat = parseObject(text) ?? {};
  const choice = Array.isArray(chat.choices) && isRecord(chat.choices[0]) ? chat.choices[0] : {};
  const msg = isRecord(choice.message) ? choice.message : {};
  const output: unknown[] = [];
  if (typeof msg.content === 'string' && msg.content !== '')
    output.push(messageItem(newId('msg'), msg.content, 'completed'));
  for (const call of Array.isArray(msg.tool_calls) ? msg.tool_calls : []) {
    if (!isRecord(call) || !isRecord(call.function)) continue;
    const args = typeof call.function.arguments === 'string' ? call.function.arguments : '';
    output.push(
      functionCallItem(newId('fc'), String(call.id), String(call.function.name), args, 'completed'),
    );
  }
  const created = typeof chat.created === 'number' ? chat.created : Math.floor(Date.now() / 1000);
  return JSON.stringify(
    responseObject(req, newId('resp'), created, { output, finish: choice.finish_reason, usage: chat.usage }),
  );
}
