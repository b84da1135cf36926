/**
 * `POST /v1/responses` of the fake OpenAI (OpenAI's Responses API: JSON Response, or named SSE
 * events with a `sequence_number` each, ending with `response.completed` and no `[DONE]`). The
 * reply follows scenario.ts (`!scenario …` in the last user text; a declared function tool → a
 * function_call; a final function_call_output → `tool said: …`). Stored responses are remembered,
 * so `previous_response_id` works for a stored one and is OpenAI's 400 for any other.
 */
import type { ServerResponse } from 'node:http';
import { sendJson } from './openai-chat.js';
import { badRequestAnswer, echoKeyAnswer, errorAnswer } from './openai-flavours.js';
import {
  contentText,
  decideReply,
  estimateTokens,
  isRecord,
  type Reply,
  type ReplyInput,
  randomId,
} from './scenario.js';

export interface ResponsesCall {
  key: string | null;
  body: Record<string, unknown>;
  res: ServerResponse;
  cutConnection(): void;
  /** Ids of stored responses (`store` defaults to true at OpenAI). */
  stored: Set<string>;
}

function replyInput(body: Record<string, unknown>): ReplyInput {
  const input = typeof body.input === 'string' ? [{ role: 'user', content: body.input }] : body.input;
  const items = Array.isArray(input) ? input.filter(isRecord) : [];
  const last = items.at(-1);
  const toolResult = last?.type === 'function_call_output' ? String(last.output) : null;
  let userText = '';
  const imageUrls: string[] = [];
  for (const it of items) {
    if (it.role !== 'user') continue;
    const parts = Array.isArray(it.content) ? it.content.filter(isRecord) : [];
    userText =
      typeof it.content === 'string'
        ? it.content
        : contentText(
            parts
              .map((p) => ({ type: 'text', text: typeof p.text === 'string' ? p.text : '' }))
              .filter((p) => p.text !== ''),
          );
    for (const p of parts)
      if (p.type === 'input_image' && typeof p.image_url === 'string') imageUrls.push(p.image_url);
  }
  const tools = Array.isArray(body.tools) ? body.tools.filter(isRecord) : [];
  const fn = tools.find((t) => t.type === 'function');
  return { userText, toolResult, firstToolName: typeof fn?.name === 'string' ? fn.name : null, imageUrls };
}

/** The output items the reply becomes, finished. */
function outputOf(reply: Extract<Reply, { kind: 'text' | 'tool-call' | 'cut' | 'midstream-error' }>) {
  if (reply.kind === 'tool-call')
    return {
      type: 'function_call',
      id: `fc_${randomId(24)}`,
      call_id: `call_${randomId(24)}`,
      name: reply.name,
      arguments: reply.arguments,
      status: 'completed',
    };
  const text = reply.pieces.join('');
  return {
    type: 'message',
    id: `msg_${randomId(24)}`,
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations: [], logprobs: [] }],
  };
}

export function answerResponses(call: ResponsesCall) {
  const { body, res } = call;
  const model = typeof body.model === 'string' ? body.model : '';
  const send = (a: { status: number; body: unknown; headers?: Record<string, string> }) =>
    sendJson(res, a.status, a.body, a.headers);
  if (!model) return send(badRequestAnswer('openai', "Missing required parameter: 'model'."));
  const prev = body.previous_response_id;
  if (typeof prev === 'string' && !call.stored.has(prev))
    return send(badRequestAnswer('openai', `Previous response with id '${prev}' not found.`));
  const reply = decideReply(replyInput(body));
  if (reply.kind === 'error')
    return send(
      reply.echoKey
        ? echoKeyAnswer('openai', call.key)
        : errorAnswer('openai', reply.status, { key: call.key, model }),
    );
  if (
    reply.kind !== 'text' &&
    reply.kind !== 'tool-call' &&
    reply.kind !== 'cut' &&
    reply.kind !== 'midstream-error'
  )
    return send(badRequestAnswer('openai', `fake: scenario '${reply.kind}' is not served on /responses`));
  const id = `resp_${randomId(32)}`;
  if (body.store !== false) call.stored.add(id);
  const input = estimateTokens(JSON.stringify(body.input ?? ''));
  const item = outputOf(reply);
  const output = reply.kind === 'tool-call' ? reply.arguments : reply.pieces.join('');
  const usage = {
    input_tokens: input,
    input_tokens_details: { cached_tokens: 0 },
    output_tokens: estimateTokens(output),
    output_tokens_details: { reasoning_tokens: 0 },
    total_tokens: input + estimateTokens(output),
  };
  const response = (status: string, done: boolean) => ({
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    model,
    output: done ? [item] : [],
    parallel_tool_calls: true,
    previous_response_id: prev ?? null,
    store: body.store !== false,
    tools: body.tools ?? [],
    usage: done ? usage : null,
    metadata: {},
  });
  if (body.stream !== true) return send({ status: 200, body: response('completed', true) });

  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  let seq = 0;
  const event = (type: string, fields: Record<string, unknown>) =>
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...fields })}\n\n`);
  event('response.created', { response: response('in_progress', false) });
  event('response.in_progress', { response: response('in_progress', false) });
  const at = { item_id: item.id, output_index: 0 };
  if (item.type === 'function_call' && reply.kind === 'tool-call') {
    event('response.output_item.added', {
      output_index: 0,
      item: { ...item, arguments: '', status: 'in_progress' },
    });
    for (const delta of reply.argPieces) event('response.function_call_arguments.delta', { ...at, delta });
    event('response.function_call_arguments.done', { ...at, arguments: reply.arguments });
  } else if (reply.kind !== 'tool-call') {
    event('response.output_item.added', {
      output_index: 0,
      item: { ...item, status: 'in_progress', content: [] },
    });
    event('response.content_part.added', {
      ...at,
      content_index: 0,
      part: { type: 'output_text', text: '', annotations: [] },
    });
    for (const delta of reply.pieces)
      event('response.output_text.delta', { ...at, content_index: 0, delta, logprobs: [] });
    if (reply.kind === 'cut') {
      call.cutConnection();
      return;
    }
    if (reply.kind === 'midstream-error') {
      const message = `The server had an error processing your request.${reply.echoKey ? ` key=${call.key}` : ''}`;
      event('error', { code: 'server_error', message, param: null });
      res.end();
      return;
    }
    const text = reply.pieces.join('');
    event('response.output_text.done', { ...at, content_index: 0, text, logprobs: [] });
    event('response.content_part.done', {
      ...at,
      content_index: 0,
      part: { type: 'output_text', text, annotations: [] },
    });
  }
  event('response.output_item.done', { output_index: 0, item });
  event('response.completed', { response: response('completed', true) });
  res.end();
}
