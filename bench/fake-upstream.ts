/**
 * The bench's upstream, run as its own process: as cheap as a Node server can be, so the CPU it
 * takes does not blur the targets' figures. Every answer is precomputed bytes; a request's body
 * is only searched for a few markers, never parsed.
 *
 *   POST …/chat/completions  OpenAI-compatible (any base path: /v1 for OpenAI, /api/v1 for
 *                            OpenRouter). `"stream":true` → 50-chunk stream (+ usage chunk when
 *                            `"include_usage":true`); a model containing `slow-stream` → two
 *                            events, then the stream stays open until the client goes away.
 *   POST …/messages          Anthropic Messages: stream (or one JSON message).
 *   POST …/embeddings        OpenAI embeddings (fake-upstream-api.ts).
 *   GET  /__stats            {"requests", "slowOpen"} for the bench's own checks.
 *
 * Env: PORT (0 = any), HOST. Prints `listening on http://…` when ready.
 */
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerApi } from './fake-upstream-api.js';
import {
  ANTHROPIC_MESSAGE,
  anthropicStream,
  OPENAI_COMPLETION,
  OPENAI_SLOW_START,
  openAIStream,
} from './fake-upstream-bodies.js';

const STREAM_MARK = Buffer.from('"stream":true');
const USAGE_MARK = Buffer.from('"include_usage":true');
const SLOW_MARK = Buffer.from('slow-stream');

const STREAM_PLAIN = openAIStream(false);
const STREAM_USAGE = openAIStream(true);
const ANTHROPIC_STREAM = anthropicStream();
const JSON_HEADERS = { 'content-type': 'application/json', 'content-length': OPENAI_COMPLETION.length };
const ANTHROPIC_JSON_HEADERS = {
  'content-type': 'application/json',
  'content-length': ANTHROPIC_MESSAGE.length,
  'request-id': 'req_bench',
};
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };
const ANTHROPIC_SSE_HEADERS = { ...SSE_HEADERS, 'request-id': 'req_bench' };
const NOT_FOUND = Buffer.from('{"error":{"message":"no such route","type":"invalid_request_error"}}');

let requests = 0;
let slowOpen = 0;

function writeAll(res: ServerResponse, headers: Record<string, string>, events: Buffer[]): void {
  res.writeHead(200, headers);
  // One write per event, as a provider sends them; the last one ends the response.
  const last = events.length - 1;
  for (let i = 0; i < last; i++) res.write(events[i]);
  res.end(events[last]);
}

function holdOpen(res: ServerResponse): void {
  slowOpen++;
  res.on('close', () => slowOpen--);
  res.writeHead(200, SSE_HEADERS);
  for (const e of OPENAI_SLOW_START) res.write(e);
}

function answer(path: string, body: Buffer, res: ServerResponse): void {
  requests++;
  const stream = body.includes(STREAM_MARK);
  if (path.endsWith('/chat/completions')) {
    if (body.includes(SLOW_MARK)) holdOpen(res);
    else if (stream) writeAll(res, SSE_HEADERS, body.includes(USAGE_MARK) ? STREAM_USAGE : STREAM_PLAIN);
    else {
      res.writeHead(200, JSON_HEADERS);
      res.end(OPENAI_COMPLETION);
    }
  } else if (path.endsWith('/messages')) {
    if (stream) writeAll(res, ANTHROPIC_SSE_HEADERS, ANTHROPIC_STREAM);
    else {
      res.writeHead(200, ANTHROPIC_JSON_HEADERS);
      res.end(ANTHROPIC_MESSAGE);
    }
  } else if (!answerApi(path, res)) {
    res.writeHead(404, { 'content-type': 'application/json', 'content-length': NOT_FOUND.length });
    res.end(NOT_FOUND);
  }
}

const server = createServer({ keepAliveTimeout: 120_000, requestTimeout: 0 }, (req, res) => {
  const path = req.url ?? '/';
  if (req.method === 'GET' && path === '/__stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ requests, slowOpen }));
    return;
  }
  const parts: Buffer[] = [];
  req.on('data', (part: Buffer) => parts.push(part));
  req.on('end', () => answer(path, parts.length === 1 ? parts[0]! : Buffer.concat(parts), res));
  req.on('error', () => res.destroy());
});
server.maxRequestsPerSocket = 0;

server.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', 4096, () => {
  const { port } = server.address() as AddressInfo;
  console.log(`fake upstream listening on http://127.0.0.1:${port}`);
});
process.on('SIGTERM', () => process.exit(0));
