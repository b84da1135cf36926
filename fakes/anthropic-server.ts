/**
 * A local stand-in for Anthropic's Messages API (shared by the tests and `npm run demo`), speaking its exact wire format.
 *
 *   const fake = await startFakeAnthropic();
 *   // gateway env: ANTHROPIC_BASE_URL = fake.baseUrl   (http://127.0.0.1:PORT/v1)
 *
 * Routes: POST /v1/messages (JSON Message, or named SSE events when `stream: true`),
 * POST /v1/messages/count_tokens (`{"input_tokens"}`), GET /v1/models.
 * Every call needs `x-api-key` and `anthropic-version`. Behaviour is chosen by the request as in
 * scenario.ts (`!scenario …` in the last user turn; a declared tool → a tool_use; a final
 * tool_result → `tool said: …`). Like Anthropic, it refuses a tool_result without its tool_use just
 * before and a tool_use not answered in the next turn, so round trips through it are meaningful.
 */
import type { ServerResponse } from 'node:http';
import {
  type AnthropicAnswer,
  echoKeyAnswer,
  errorAnswer,
  errorBody,
  GARBAGE_TEXT,
  type Meta,
  messageBody,
  messageStart,
  streamReply,
} from './anthropic-replies.js';
import { sendJson } from './openai-chat.js';
import {
  type NextHandler,
  type RecordedRequest,
  type RouteContext,
  startRecordingServer,
} from './recording-server.js';
import { anthropicReplyInput, decideReply, estimateTokens, isRecord, pause, randomId } from './scenario.js';

/** A recorded request; `key` is the `x-api-key` header, else null. */
export type AnthropicRequest = RecordedRequest;

export type { NextHandler } from './recording-server.js';

export interface FakeAnthropic {
  /** `http://127.0.0.1:PORT/v1`: what ANTHROPIC_BASE_URL is set to. */
  readonly baseUrl: string;
  readonly requests: AnthropicRequest[];
  /** Keys answered with Anthropic's real 401. */
  readonly rejectedKeys: Set<string>;
  /** Requests whose client went away before the response finished. */
  readonly aborted: number;
  /** Queue a one-shot handler for the next request (FIFO). */
  next(handler: NextHandler): void;
  /** Forget recorded requests, reset `aborted`, drop queued handlers (rejectedKeys stay). */
  clear(): void;
  close(): Promise<void>;
}

const BASE_PATH = '/v1';
const send = (res: ServerResponse, a: AnthropicAnswer) => sendJson(res, a.status, a.body, a.headers);
const invalid = (message: string): AnthropicAnswer => ({
  status: 400,
  body: errorBody('invalid_request_error', message),
  headers: {},
});

function blocksOf(message: unknown, type: string): Record<string, unknown>[] {
  if (!isRecord(message) || !Array.isArray(message.content)) return [];
  return (message.content as unknown[]).filter(
    (b): b is Record<string, unknown> => isRecord(b) && b.type === type,
  );
}

/** The checks Anthropic makes that the gateway's translation could get wrong. */
function validate(body: Record<string, unknown>): string | null {
  if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
  if (typeof body.max_tokens !== 'number' || body.max_tokens < 1) return 'max_tokens: Field required';
  const t = body.temperature;
  if (t !== undefined && (typeof t !== 'number' || t < 0 || t > 1)) return 'temperature: range: 0..1';
  const messages = body.messages;
  if (!Array.isArray(messages) || messages.length === 0) return 'messages: at least one message is required';
  for (const [i, m] of messages.entries()) {
    if (!isRecord(m) || (m.role !== 'user' && m.role !== 'assistant')) return `messages.${i}.role: invalid`;
    const prevIds = blocksOf(messages[i - 1], 'tool_use').map((b) => b.id);
    for (const r of blocksOf(m, 'tool_result')) {
      if (!prevIds.includes(r.tool_use_id)) {
        return `messages.${i}.content: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${String(r.tool_use_id)}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
      }
    }
    const answered = blocksOf(messages[i + 1], 'tool_result').map((b) => b.tool_use_id);
    const open = blocksOf(m, 'tool_use').filter((b) => i + 1 < messages.length && !answered.includes(b.id));
    if (open.length > 0) {
      return `messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${String(open[0]?.id)}.`;
    }
  }
  return null;
}

export async function startFakeAnthropic(): Promise<FakeAnthropic> {
  async function messages(
    rec: AnthropicRequest,
    body: Record<string, unknown>,
    res: ServerResponse,
    signal: AbortSignal,
    cut: () => void,
  ) {
    const problem = validate(body);
    if (problem) return send(res, invalid(problem));
    const model = String(body.model);
    const reply = decideReply(anthropicReplyInput(body));
    const meta: Meta = {
      id: `msg_01${randomId(22)}`,
      model,
      inputTokens: estimateTokens(JSON.stringify(body.messages)),
    };
    const stream = body.stream === true;
    switch (reply.kind) {
      case 'invalid':
        return send(res, invalid(reply.message));
      case 'error':
        return send(res, reply.echoKey ? echoKeyAnswer(rec.key ?? '') : errorAnswer(reply.status, model));
      case 'hang':
        return;
      case 'headers-then-hang':
        res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
        if (stream) res.write(messageStart(meta));
        res.flushHeaders();
        return;
      case 'garbage':
        res.writeHead(200, { 'content-type': stream ? 'text/event-stream' : 'application/json' });
        if (stream) res.write(`${messageStart(meta)}event: content_block_delta\ndata: ${GARBAGE_TEXT}\n\n`);
        res.end(stream ? 'event: message_stop\ndata: {"type":"message_stop"}\n\n' : GARBAGE_TEXT);
        return;
      case 'midstream-error':
        if (!stream) return send(res, errorAnswer(529, model));
        return streamReply({ res, signal, cutConnection: cut, key: rec.key }, meta, reply);
      default:
        if (stream) return streamReply({ res, signal, cutConnection: cut }, meta, reply);
        if (
          reply.kind === 'text' &&
          reply.delayMs > 0 &&
          !(await pause(reply.delayMs * reply.pieces.length, signal))
        ) {
          return;
        }
        if (reply.kind === 'cut') {
          const full = JSON.stringify(messageBody(meta, reply));
          res.writeHead(200, {
            'content-type': 'application/json',
            'content-length': String(Buffer.byteLength(full)),
          });
          res.write(full.slice(0, Math.floor(full.length / 2)));
          setImmediate(cut);
          return;
        }
        return sendJson(res, 200, messageBody(meta, reply));
    }
  }

  function answer(rec: AnthropicRequest, res: ServerResponse, ctx: RouteContext) {
    const { headers } = rec;
    if (rec.key === null)
      return send(res, {
        status: 401,
        body: errorBody('authentication_error', 'x-api-key header is required'),
        headers: {},
      });
    if (ctx.rejectedKeys.has(rec.key)) return send(res, errorAnswer(401, ''));
    if (!headers['anthropic-version']) return send(res, invalid('anthropic-version: header is required'));
    if (rec.method === 'POST' && rec.path === `${BASE_PATH}/messages`) {
      if (rec.body === null)
        return send(res, invalid('There was an error parsing the body of your request.'));
      return messages(rec, rec.body, res, ctx.signal, ctx.cutConnection);
    }
    if (rec.method === 'POST' && rec.path === `${BASE_PATH}/messages/count_tokens`) {
      if (rec.body === null || !Array.isArray(rec.body.messages) || typeof rec.body.model !== 'string')
        return send(res, invalid('messages: Field required'));
      const counted = [rec.body.system ?? '', rec.body.messages, rec.body.tools ?? []];
      return sendJson(res, 200, { input_tokens: estimateTokens(JSON.stringify(counted)) });
    }
    if (rec.method === 'GET' && rec.path === `${BASE_PATH}/models`) {
      const model = {
        type: 'model',
        id: 'claude-sonnet-4-5-20250929',
        display_name: 'Claude Sonnet 4.5',
        created_at: '2025-09-29T00:00:00Z',
      };
      return sendJson(res, 200, { data: [model], has_more: false, first_id: model.id, last_id: model.id });
    }
    return send(res, { status: 404, body: errorBody('not_found_error', 'Not Found'), headers: {} });
  }

  return startRecordingServer({
    basePath: BASE_PATH,
    keyOf: (headers) => headers['x-api-key'] ?? null,
    stamp: (res) => res.setHeader('request-id', `req_011C${randomId(20)}`),
    route: answer,
    crashed: (res, message) => sendJson(res, 500, errorBody('api_error', message)),
  });
}
