/**
 * `POST {base}/chat/completions` of the fake OpenAI-compatible providers: turns the Reply chosen by
 * scenario.ts into the flavour's exact JSON or SSE wire format.
 */
import type { ServerResponse } from 'node:http';
import {
  badRequestAnswer,
  completionId,
  echoKeyAnswer,
  errorAnswer,
  extraFields,
  type Flavour,
  usageBody,
} from './openai-flavours.js';
import {
  decideReply,
  estimateTokens,
  isRecord,
  openAIReplyInput,
  pause,
  type Reply,
  randomId,
  SSE_DONE,
  sseComment,
  sseEvent,
} from './scenario.js';

export interface ChatCall {
  flavour: Flavour;
  key: string | null;
  body: Record<string, unknown>;
  res: ServerResponse;
  /** Aborts when the response closes (finished, or the client went away). */
  signal: AbortSignal;
  /** Destroys the socket on purpose (not counted as a client abort). */
  cutConnection(): void;
}

export const GARBAGE_TEXT = 'this is not json {';
export const OPENROUTER_COMMENT = sseComment('OPENROUTER PROCESSING');

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function startSse(res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
}

export async function answerChat(call: ChatCall): Promise<void> {
  const { flavour, body, res } = call;
  const model = typeof body.model === 'string' ? body.model : '';
  if (!model) return send(call, badRequestAnswer(flavour, 'you must provide a model parameter'));
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return send(call, badRequestAnswer(flavour, "'messages' must be a non-empty array"));
  }
  const reply = decideReply(openAIReplyInput(body));
  const meta: Meta = {
    id: completionId(flavour),
    created: Math.floor(Date.now() / 1000),
    model,
    promptTokens: estimateTokens(JSON.stringify(body.messages)),
  };
  const stream = body.stream === true;
  switch (reply.kind) {
    case 'invalid':
      return send(call, badRequestAnswer(flavour, reply.message));
    case 'error':
      return send(
        call,
        reply.echoKey
          ? echoKeyAnswer(flavour, call.key)
          : errorAnswer(flavour, reply.status, { key: call.key, model }),
      );
    case 'hang':
      return;
    case 'headers-then-hang':
      if (stream) {
        startSse(res);
        res.write(sseEvent(chunkOf(call, meta, { role: 'assistant', content: 'tok0 ' }, null)));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.flushHeaders();
      }
      return;
    case 'garbage':
      if (!stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(GARBAGE_TEXT);
        return;
      }
      startSse(res);
      res.write(sseEvent(chunkOf(call, meta, { role: 'assistant', content: '' }, null)));
      res.write(`data: ${GARBAGE_TEXT}\n\n`);
      res.end(SSE_DONE);
      return;
    default:
      return stream ? streamReply(call, meta, reply) : completeReply(call, meta, reply);
  }
}

interface Meta {
  id: string;
  created: number;
  model: string;
  promptTokens: number;
}

function send(call: ChatCall, a: { status: number; body: unknown; headers: Record<string, string> }) {
  sendJson(call.res, a.status, a.body, a.headers);
}

function completionTokens(reply: Reply): number {
  if (reply.kind === 'tool-call') return estimateTokens(reply.arguments);
  if (reply.kind === 'text' || reply.kind === 'cut' || reply.kind === 'midstream-error') {
    return estimateTokens(reply.pieces.join(''));
  }
  return 1;
}

function choiceOf(call: ChatCall, fields: Record<string, unknown>, finish: string | null) {
  const native = call.flavour === 'openrouter' ? { native_finish_reason: finish } : {};
  return { index: 0, ...fields, logprobs: null, finish_reason: finish, ...native };
}

function chunkOf(call: ChatCall, meta: Meta, delta: Record<string, unknown>, finish: string | null) {
  const so = call.body.stream_options;
  const usageNull = call.flavour === 'openai' && isRecord(so) && so.include_usage === true;
  return {
    id: meta.id,
    object: 'chat.completion.chunk',
    created: meta.created,
    model: meta.model,
    ...extraFields(call.flavour),
    choices: [choiceOf(call, { delta }, finish)],
    ...(usageNull ? { usage: null } : {}),
  };
}

async function streamReply(call: ChatCall, meta: Meta, reply: Reply): Promise<void> {
  const { res, flavour } = call;
  const w = (s: string) => {
    if (!res.destroyed) res.write(s);
  };
  const so = call.body.stream_options;
  const sendUsage = flavour === 'openrouter' || (isRecord(so) && so.include_usage === true);
  startSse(res);
  if (flavour === 'openrouter') w(OPENROUTER_COMMENT);
  let finish = 'stop';
  if (reply.kind === 'tool-call') {
    const call0 = {
      index: 0,
      id: `call_${randomId(24)}`,
      type: 'function',
      function: { name: reply.name, arguments: '' },
    };
    w(sseEvent(chunkOf(call, meta, { role: 'assistant', content: null, tool_calls: [call0] }, null)));
    const mid = Math.floor(reply.argPieces.length / 2);
    for (const [i, piece] of reply.argPieces.entries()) {
      if (flavour === 'openrouter' && i === mid) w(OPENROUTER_COMMENT);
      w(sseEvent(chunkOf(call, meta, { tool_calls: [{ index: 0, function: { arguments: piece } }] }, null)));
    }
    finish = 'tool_calls';
  } else if (reply.kind === 'text' || reply.kind === 'cut' || reply.kind === 'midstream-error') {
    w(sseEvent(chunkOf(call, meta, { role: 'assistant', content: '' }, null)));
    const delay = reply.kind === 'text' ? reply.delayMs : 0;
    const mid = Math.max(1, Math.floor(reply.pieces.length / 2));
    for (const [i, piece] of reply.pieces.entries()) {
      if (delay > 0 && !(await pause(delay, call.signal))) return;
      if (flavour === 'openrouter' && i === mid) w(OPENROUTER_COMMENT);
      w(sseEvent(chunkOf(call, meta, { content: piece }, null)));
    }
    if (flavour === 'openrouter' && reply.pieces.length <= mid) w(OPENROUTER_COMMENT);
    if (reply.kind === 'cut') return call.cutConnection();
    if (reply.kind === 'midstream-error') {
      w(sseEvent(midstreamErrorChunk(call, meta, reply.echoKey)));
      res.end();
      return;
    }
  }
  w(sseEvent(chunkOf(call, meta, {}, finish)));
  if (sendUsage) {
    const usage = usageBody(flavour, meta.promptTokens, completionTokens(reply));
    const { choices: _omit, ...base } = chunkOf(call, meta, {}, null);
    w(sseEvent({ ...base, choices: [], usage }));
  }
  if (!res.destroyed) res.end(SSE_DONE);
}

function midstreamErrorChunk(call: ChatCall, meta: Meta, echoKey: boolean): Record<string, unknown> {
  const suffix = echoKey ? ` (key ${call.key ?? ''})` : '';
  if (call.flavour === 'openrouter') {
    return {
      id: meta.id,
      object: 'chat.completion.chunk',
      created: meta.created,
      model: meta.model,
      ...extraFields(call.flavour),
      error: { code: 502, message: `Provider disconnected${suffix}` },
      choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error', native_finish_reason: 'error' }],
    };
  }
  return {
    error: {
      message: `The server had an error while processing your request.${suffix}`,
      type: 'server_error',
    },
  };
}

async function completeReply(call: ChatCall, meta: Meta, reply: Reply): Promise<void> {
  const { res, flavour } = call;
  if (reply.kind === 'text' && reply.delayMs > 0) {
    if (!(await pause(reply.delayMs * reply.pieces.length, call.signal))) return;
  }
  if (reply.kind === 'midstream-error' && flavour !== 'openrouter') {
    return send(call, errorAnswer(flavour, 500, { key: call.key, model: meta.model }));
  }
  let choice: Record<string, unknown>;
  if (reply.kind === 'tool-call') {
    const toolCall = {
      id: `call_${randomId(24)}`,
      type: 'function',
      function: { name: reply.name, arguments: reply.arguments },
    };
    const message = { role: 'assistant', content: null, refusal: null, tool_calls: [toolCall] };
    choice = choiceOf(call, { message }, 'tool_calls');
  } else if (reply.kind === 'midstream-error') {
    const error = {
      code: 502,
      message: `Provider disconnected${reply.echoKey ? ` (key ${call.key ?? ''})` : ''}`,
    };
    choice = { ...choiceOf(call, { message: { role: 'assistant', content: '' } }, 'error'), error };
  } else {
    const text = reply.kind === 'text' || reply.kind === 'cut' ? reply.pieces.join('') : '';
    choice = choiceOf(call, { message: { role: 'assistant', content: text, refusal: null } }, 'stop');
  }
  const full = JSON.stringify({
    id: meta.id,
    object: 'chat.completion',
    created: meta.created,
    model: meta.model,
    ...extraFields(flavour),
    choices: [choice],
    usage: usageBody(flavour, meta.promptTokens, completionTokens(reply)),
  });
  if (reply.kind === 'cut') {
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(full)),
    });
    res.write(full.slice(0, Math.floor(full.length / 2)));
    setImmediate(() => call.cutConnection());
    return;
  }
  sendJson(res, 200, JSON.parse(full));
}
