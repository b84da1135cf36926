/**
 * The fake Gemini's chat answers: the Reply chosen by scenario.ts in Gemini's exact JSON or SSE
 * wire format (shared by the tests and `npm run demo`; see gemini-wire.ts for the shapes).
 */
import type { ServerResponse } from 'node:http';
import {
  echoKeyAnswer,
  errorAnswer,
  geminiEvent,
  generateResponse,
  googleError,
  newMeta,
  newThoughtSignature,
  type ResponseMeta,
} from './gemini-wire.js';
import { decideReply, estimateTokens, geminiReplyInput, pause, type Reply } from './scenario.js';

export interface GeminiCall {
  model: string;
  stream: boolean;
  key: string | null;
  body: Record<string, unknown>;
  res: ServerResponse;
  signal: AbortSignal;
  issueSignature(signature: string): void;
  cutConnection(): void;
}

export const GARBAGE_TEXT = 'this is not json {';

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' });
  res.end(`${JSON.stringify(body, null, 2)}\n`);
}

function startSse(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'x-content-type-options': 'nosniff' });
  res.flushHeaders();
}

/** The model parts of a text or tool-call reply, whole. */
function replyParts(call: GeminiCall, reply: Extract<Reply, { kind: 'text' | 'tool-call' }>): unknown[] {
  if (reply.kind === 'text') return [{ text: reply.pieces.join('') }];
  const signature = newThoughtSignature();
  call.issueSignature(signature);
  return [
    { functionCall: { name: reply.name, args: JSON.parse(reply.arguments) }, thoughtSignature: signature },
  ];
}

async function streamText(
  call: GeminiCall,
  meta: ResponseMeta,
  pieces: string[],
  delayMs: number,
  finish: boolean,
) {
  let sent = '';
  for (const [i, piece] of pieces.entries()) {
    if (delayMs > 0 && !(await pause(delayMs, call.signal))) return false;
    sent += piece;
    const last = finish && i === pieces.length - 1;
    call.res.write(
      geminiEvent(generateResponse(meta, [{ text: piece }], last ? 'STOP' : null, estimateTokens(sent))),
    );
  }
  return true;
}

export async function answerGemini(call: GeminiCall): Promise<void> {
  const { res, model, stream } = call;
  const reply = decideReply(geminiReplyInput(call.body));
  const meta = newMeta(model, estimateTokens(JSON.stringify(call.body.contents)));
  switch (reply.kind) {
    case 'invalid':
      return sendJson(res, 400, googleError(400, reply.message));
    case 'error': {
      const a = reply.echoKey ? echoKeyAnswer(call.key) : errorAnswer(reply.status, model);
      return sendJson(res, a.status, a.body);
    }
    case 'hang':
      return;
    case 'headers-then-hang':
      if (!stream) {
        res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
        res.flushHeaders();
        return;
      }
      startSse(res);
      res.write(geminiEvent(generateResponse(meta, [{ text: 'tok0 ' }], null, 1)));
      return;
    case 'garbage':
      if (!stream) {
        res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
        res.end(GARBAGE_TEXT);
        return;
      }
      startSse(res);
      res.write(geminiEvent(generateResponse(meta, [{ text: 'tok0 ' }], null, 1)));
      res.end(`data: ${GARBAGE_TEXT}\r\n\r\n`);
      return;
    case 'cut':
      if (!stream) {
        res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
        res.write('{\n  "candidates": [\n    {\n      "content": {');
      } else {
        startSse(res);
        await streamText(call, meta, reply.pieces, 0, false);
      }
      call.cutConnection();
      return;
    case 'midstream-error': {
      if (!stream) return sendJson(res, 503, errorAnswer(503, model).body);
      startSse(res);
      await streamText(call, meta, reply.pieces, 0, false);
      const message = reply.echoKey
        ? `Backend failed for ${call.key ?? ''}.`
        : 'The model is overloaded. Please try again later.';
      res.end(geminiEvent(googleError(503, message)));
      return;
    }
    case 'text':
    case 'tool-call': {
      const tokens =
        reply.kind === 'text' ? estimateTokens(reply.pieces.join('')) : estimateTokens(reply.arguments);
      if (!stream) return sendJson(res, 200, generateResponse(meta, replyParts(call, reply), 'STOP', tokens));
      startSse(res);
      if (reply.kind === 'text') {
        if (await streamText(call, meta, reply.pieces, reply.delayMs, true)) res.end();
        return;
      }
      // A call arrives whole in one event; Gemini then closes the turn with an empty text part.
      res.write(geminiEvent(generateResponse(meta, replyParts(call, reply), null, tokens)));
      res.end(geminiEvent(generateResponse(meta, [{ text: '' }], 'STOP', tokens)));
      return;
    }
  }
}
