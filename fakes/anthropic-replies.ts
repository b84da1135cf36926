/**
 * The wire format of the fake Anthropic server (shared by the tests and `npm run demo`): error bodies, the Message JSON and
 * the named SSE events of a stream (https://docs.anthropic.com/en/docs/build-with-claude/streaming), written
 * from the Reply that scenario.ts decided.
 */
import type { ServerResponse } from 'node:http';
import { estimateTokens, pause, type Reply, randomId, sseEvent } from './scenario.js';

export const RETRY_AFTER_SECONDS = '7';
export const GARBAGE_TEXT = 'this is not json {';

export interface AnthropicAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export function errorBody(type: string, message: string) {
  return { type: 'error', error: { type, message }, request_id: `req_011C${randomId(20)}` };
}

const BY_STATUS: Record<number, [type: string, message: (model: string) => string]> = {
  400: ['invalid_request_error', () => 'Fake bad request'],
  401: ['authentication_error', () => 'invalid x-api-key'],
  402: ['billing_error', () => 'Your credit balance is too low to access the Anthropic API.'],
  403: ['permission_error', () => 'Your API key does not have permission to use the specified resource.'],
  404: ['not_found_error', (model) => `model: ${model}`],
  413: ['request_too_large', () => 'Request exceeds the maximum allowed number of bytes.'],
  429: ['rate_limit_error', () => 'This request would exceed the rate limit for your organization.'],
  500: ['api_error', () => 'Internal server error'],
  504: ['timeout_error', () => 'Request timed out'],
  529: ['overloaded_error', () => 'Overloaded'],
};

/** Anthropic's answer for `!scenario error <status>`. */
export function errorAnswer(status: number, model: string): AnthropicAnswer {
  const [type, message] = BY_STATUS[status] ?? ['api_error', () => `Fake error ${status}`];
  const headers: Record<string, string> =
    status === 429
      ? {
          'retry-after': RETRY_AFTER_SECONDS,
          'anthropic-ratelimit-requests-limit': '50',
          'anthropic-ratelimit-requests-remaining': '0',
          'anthropic-ratelimit-requests-reset': new Date(Date.now() + 7000).toISOString(),
        }
      : {};
  return { status, body: errorBody(type, message(model)), headers };
}

/** `!scenario error echo-key`: a 400 whose message carries the caller's full key. */
export function echoKeyAnswer(key: string): AnthropicAnswer {
  return {
    status: 400,
    body: errorBody('invalid_request_error', `Invalid request for key ${key}`),
    headers: {},
  };
}

export interface Meta {
  id: string;
  model: string;
  inputTokens: number;
}

function usage(meta: Meta, output: number) {
  return {
    input_tokens: meta.inputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: output,
    service_tier: 'standard',
  };
}

function outputTokens(reply: Reply): number {
  if (reply.kind === 'tool-call') return estimateTokens(reply.arguments);
  if (reply.kind === 'text' || reply.kind === 'cut' || reply.kind === 'midstream-error') {
    return estimateTokens(reply.pieces.join(''));
  }
  return 1;
}

/** The non-streaming Message for a text or tool-call reply. */
export function messageBody(meta: Meta, reply: Reply): Record<string, unknown> {
  const toolCall = reply.kind === 'tool-call';
  const content = toolCall
    ? [
        {
          type: 'tool_use',
          id: `toolu_01${randomId(22)}`,
          name: reply.name,
          input: JSON.parse(reply.arguments),
        },
      ]
    : [{ type: 'text', text: reply.kind === 'text' || reply.kind === 'cut' ? reply.pieces.join('') : '' }];
  return {
    model: meta.model,
    id: meta.id,
    type: 'message',
    role: 'assistant',
    content,
    stop_reason: toolCall ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: usage(meta, outputTokens(reply)),
  };
}

export const ev = (type: string, data: Record<string, unknown>) => sseEvent({ type, ...data }, type);

export function messageStart(meta: Meta): string {
  const message = {
    ...messageBody(meta, { kind: 'text', pieces: [], delayMs: 0 }),
    content: [],
    stop_reason: null,
  };
  return ev('message_start', { message: { ...message, usage: usage(meta, 1) } });
}

export interface StreamCall {
  res: ServerResponse;
  signal: AbortSignal;
  cutConnection(): void;
  /** The request's key, echoed by `midstream-error echo-key` as a careless upstream might. */
  key?: string | null;
}

/** The named events of a streamed reply; `cut` and `midstream-error` stop early on purpose. */
export async function streamReply(call: StreamCall, meta: Meta, reply: Reply): Promise<void> {
  const { res } = call;
  const w = (s: string) => {
    if (!res.destroyed) res.write(s);
  };
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
  w(messageStart(meta));
  let stopReason = 'end_turn';
  if (reply.kind === 'tool-call') {
    const block = { type: 'tool_use', id: `toolu_01${randomId(22)}`, name: reply.name, input: {} };
    w(ev('content_block_start', { index: 0, content_block: block }));
    w(ev('ping', {}));
    for (const piece of ['', ...reply.argPieces]) {
      w(ev('content_block_delta', { index: 0, delta: { type: 'input_json_delta', partial_json: piece } }));
    }
    stopReason = 'tool_use';
  } else if (reply.kind === 'text' || reply.kind === 'cut' || reply.kind === 'midstream-error') {
    w(ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
    w(ev('ping', {}));
    const delay = reply.kind === 'text' ? reply.delayMs : 0;
    for (const piece of reply.pieces) {
      if (delay > 0 && !(await pause(delay, call.signal))) return;
      w(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: piece } }));
    }
    if (reply.kind === 'cut') return call.cutConnection();
    if (reply.kind === 'midstream-error') {
      const echo = reply.echoKey ? ` (key ${call.key ?? ''})` : '';
      w(sseEvent(errorBody('overloaded_error', `Overloaded${echo}`), 'error'));
      res.end();
      return;
    }
  }
  w(ev('content_block_stop', { index: 0 }));
  w(
    ev('message_delta', {
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: usage(meta, outputTokens(reply)),
    }),
  );
  w(ev('message_stop', {}));
  res.end();
}
