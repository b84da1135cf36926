/**
 * A local stand-in for Google's Gemini API (shared by the tests and `npm run demo`), wire-accurate where the gateway cares.
 *
 *   const fake = await startFakeGemini();
 *   // gateway env: GOOGLE_BASE_URL = fake.baseUrl   (http://127.0.0.1:PORT/v1beta)
 *
 * Routes: POST /v1beta/models/{model}:generateContent, POST …:batchEmbedContents (embeddings.ts),
 * POST …:streamGenerateContent?alt=sse (SSE
 * framed by CRLF CRLF, no `[DONE]`, usageMetadata on every event), GET /v1beta/models. The key is
 * read from `x-goog-api-key` only; a `?key=` in the URL is refused outright (the gateway must never
 * send one). A key in `rejectedKeys` gets Google's real 400 API_KEY_INVALID, which echoes the key.
 *
 * Thought signatures: every functionCall the fake answers carries a fresh `thoughtSignature`. A
 * request that sends back a signature the fake never issued is refused (400), and for `gemini-3*`
 * models the first functionCall of every model turn must carry one (issued, or Google's placeholder),
 * as Gemini 3 requires.
 *
 * Replies follow scenario.ts (`!scenario …` at the start of the last user text).
 */
import type { ServerResponse } from 'node:http';
import { answerGeminiEmbeddings } from './embeddings.js';
import { answerGemini } from './gemini-answer.js';
import {
  type ErrorAnswer,
  googleError,
  KEY_IN_URL,
  keyInvalidAnswer,
  MISSING_KEY,
  modelsList,
} from './gemini-wire.js';
import {
  type NextHandler,
  type RecordedRequest,
  type RouteContext,
  startRecordingServer,
} from './recording-server.js';
import { isRecord } from './scenario.js';

/** A recorded request; `key` is the `x-goog-api-key` header, else null. */
export type GeminiRequest = RecordedRequest;

export type GeminiHandler = NextHandler;

export interface FakeGemini {
  /** `http://127.0.0.1:PORT/v1beta` */
  readonly baseUrl: string;
  readonly origin: string;
  readonly requests: GeminiRequest[];
  readonly rejectedKeys: Set<string>;
  /** Every thought signature the fake has put on a functionCall. */
  readonly issuedSignatures: Set<string>;
  /** Requests whose client went away before the response finished. */
  readonly aborted: number;
  readonly openStreams: number;
  /** Queue a one-shot handler for the next request (FIFO). */
  next(handler: GeminiHandler): void;
  /** Forget requests, reset `aborted`, drop queued handlers (rejected keys and signatures stay). */
  clear(): void;
  close(): Promise<void>;
}

export const BASE_PATH = '/v1beta';
export const PLACEHOLDER_SIGNATURE = 'skip_thought_signature_validator';
const CHAT_ROUTE = /^\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
const EMBED_ROUTE = /^\/models\/([^/:]+):batchEmbedContents$/;

export function sendGoogleJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, {
    'content-type': 'application/json; charset=UTF-8',
    vary: 'Origin, X-Origin, Referer',
  });
  res.end(`${JSON.stringify(body, null, 2)}\n`);
}

/** Why the signatures in `body` would make Gemini refuse the request, if they would. */
function signatureProblem(body: Record<string, unknown>, model: string, issued: Set<string>): string | null {
  const contents = Array.isArray(body.contents) ? body.contents : [];
  for (const [i, content] of contents.entries()) {
    if (!isRecord(content) || !Array.isArray(content.parts)) continue;
    let firstCall = true;
    for (const [j, part] of content.parts.entries()) {
      if (!isRecord(part)) continue;
      const sig = part.thoughtSignature;
      if (
        sig !== undefined &&
        sig !== PLACEHOLDER_SIGNATURE &&
        !(typeof sig === 'string' && issued.has(sig))
      ) {
        return `Corrupted thought signature at contents[${i}].parts[${j}].`;
      }
      if (!isRecord(part.functionCall)) continue;
      if (firstCall && model.startsWith('gemini-3') && sig === undefined) {
        return `Function call is missing a thought_signature in functionCall parts. This is required for tools to work correctly. Additional data, function call \`default_api:${String(part.functionCall.name)}\` , position ${j + 1}.`;
      }
      firstCall = false;
    }
  }
  return null;
}

export async function startFakeGemini(): Promise<FakeGemini> {
  const issuedSignatures = new Set<string>();

  const send = (res: ServerResponse, a: ErrorAnswer) => sendGoogleJson(res, a.status, a.body);

  function answer(
    rec: GeminiRequest,
    res: ServerResponse,
    { url, signal, rejectedKeys, cutConnection }: RouteContext,
  ) {
    if (url.searchParams.has('key')) return send(res, KEY_IN_URL);
    if (rec.key === null) return send(res, MISSING_KEY);
    if (rejectedKeys.has(rec.key)) return send(res, keyInvalidAnswer(rec.key));

    const route = rec.path.startsWith(`${BASE_PATH}/`) ? rec.path.slice(BASE_PATH.length) : '';
    if (rec.method === 'GET' && route === '/models') {
      return sendGoogleJson(res, 200, modelsList(Number(url.searchParams.get('pageSize') ?? 50)));
    }
    const embed = EMBED_ROUTE.exec(route);
    if (rec.method === 'POST' && embed) {
      const a = answerGeminiEmbeddings(decodeURIComponent(embed[1] ?? ''), rec.key, rec.body ?? {});
      return sendGoogleJson(res, a.status, a.body);
    }
    const m = CHAT_ROUTE.exec(route);
    if (rec.method !== 'POST' || !m) {
      return send(res, {
        status: 404,
        body: googleError(404, `Method not found: ${rec.method} ${rec.path}`),
      });
    }
    const model = decodeURIComponent(m[1] ?? '');
    const stream = m[2] === 'streamGenerateContent';
    if (stream && url.searchParams.get('alt') !== 'sse') {
      return send(res, {
        status: 400,
        body: googleError(400, 'fake Gemini: streams are served with alt=sse only.'),
      });
    }
    const body = rec.body;
    if (body === null || !Array.isArray(body.contents) || body.contents.length === 0) {
      return send(res, {
        status: 400,
        body: googleError(400, '* GenerateContentRequest.contents: contents is not specified\n'),
      });
    }
    const problem = signatureProblem(body, model, issuedSignatures);
    if (problem) return send(res, { status: 400, body: googleError(400, problem) });
    return answerGemini({
      model,
      stream,
      key: rec.key,
      body,
      res,
      signal,
      issueSignature: (sig) => issuedSignatures.add(sig),
      cutConnection,
    });
  }

  const server = await startRecordingServer({
    basePath: BASE_PATH,
    keyOf: (headers) => headers['x-goog-api-key'] ?? null,
    route: answer,
    crashed: (res, message) => sendGoogleJson(res, 500, googleError(500, message)),
  });
  return Object.assign(server, { issuedSignatures });
}
