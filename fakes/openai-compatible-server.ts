/**
 * A local stand-in for OpenAI, OpenRouter or Meta's OpenAI-compatible API (shared by the tests and `npm run demo`).
 *
 *   const fake = await startFakeOpenAICompatible({ flavour: 'openrouter' });
 *   // gateway env: OPENROUTER_BASE_URL = fake.baseUrl   (http://127.0.0.1:PORT/api/v1)
 *
 * Routes under `basePath`: POST /chat/completions, POST /embeddings (not meta), POST /responses
 * (openai: openai-responses.ts), GET /models, and (openrouter) GET /key.
 * Chat behaviour is chosen by the request itself, see scenario.ts (`!scenario …` directives).
 */
import type { ServerResponse } from 'node:http';
import { answerOpenAIEmbeddings } from './embeddings.js';
import { answerChat, sendJson } from './openai-chat.js';
import {
  badRequestAnswer,
  DEFAULT_BASE_PATH,
  type ErrorAnswer,
  errorAnswer,
  type Flavour,
  keyInfoBody,
  missingKeyAnswer,
  modelsBody,
  notFoundAnswer,
} from './openai-flavours.js';
import { answerResponses } from './openai-responses.js';
import {
  type RecordedRequest,
  type RecordingServer,
  type RouteContext,
  startRecordingServer,
} from './recording-server.js';
import { randomId } from './scenario.js';

export type { Flavour } from './openai-flavours.js';
export type { NextHandler, RecordedRequest } from './recording-server.js';

export interface FakeProvider extends RecordingServer {
  readonly flavour: Flavour;
  /** `http://127.0.0.1:PORT` + basePath: what the gateway's `*_BASE_URL` is set to. */
  readonly baseUrl: string;
  /** Any call with one of these bearer keys answers the flavour's real 401 (OpenRouter's public /models excepted). */
  readonly rejectedKeys: Set<string>;
}

export interface FakeOptions {
  flavour: Flavour;
  /** Defaults: `/v1` (openai), `/api/v1` (openrouter), `/compat/v1` (meta). */
  basePath?: string;
}

function bearer(header: string | undefined): string | null {
  const m = /^Bearer\s+(.+)$/i.exec(header ?? '');
  return m?.[1]?.trim() || null;
}

export async function startFakeOpenAICompatible(opts: FakeOptions): Promise<FakeProvider> {
  const { flavour } = opts;
  const basePath = (opts.basePath ?? DEFAULT_BASE_PATH[flavour]).replace(/\/+$/, '');
  const send = (res: ServerResponse, a: ErrorAnswer) => sendJson(res, a.status, a.body, a.headers);
  const stored = new Set<string>();

  function answer(
    rec: RecordedRequest,
    res: ServerResponse,
    { signal, rejectedKeys, cutConnection }: RouteContext,
  ) {
    const route = rec.path.startsWith(`${basePath}/`) ? rec.path.slice(basePath.length) : null;
    const authFailure = (): ErrorAnswer | null => {
      if (rec.key === null) return missingKeyAnswer(flavour);
      if (rejectedKeys.has(rec.key)) return errorAnswer(flavour, 401, { key: rec.key, model: '' });
      return null;
    };

    if (rec.method === 'POST' && route === '/chat/completions') {
      const denied = authFailure();
      if (denied) return send(res, denied);
      if (rec.body === null)
        return send(res, badRequestAnswer(flavour, 'We could not parse the JSON body of your request.'));
      return answerChat({ flavour, key: rec.key, body: rec.body, res, signal, cutConnection });
    }
    if (flavour === 'openai' && rec.method === 'POST' && route === '/responses') {
      const denied = authFailure();
      if (denied) return send(res, denied);
      if (rec.body === null)
        return send(res, badRequestAnswer(flavour, 'We could not parse the JSON body of your request.'));
      return answerResponses({ key: rec.key, body: rec.body, res, cutConnection, stored });
    }
    if (flavour !== 'meta' && rec.method === 'POST' && route === '/embeddings') {
      const denied = authFailure();
      if (denied) return send(res, denied);
      if (rec.body === null)
        return send(res, badRequestAnswer(flavour, 'We could not parse the JSON body of your request.'));
      const a = answerOpenAIEmbeddings(flavour, rec.key, rec.body);
      return sendJson(res, a.status, a.body, a.headers);
    }
    if (rec.method === 'GET' && route === '/models') {
      // OpenRouter's model list is public: 200 for any key (reference: never validate keys with it).
      const denied = flavour === 'openrouter' ? null : authFailure();
      return denied ? send(res, denied) : sendJson(res, 200, modelsBody(flavour));
    }
    if (flavour === 'openrouter' && rec.method === 'GET' && route === '/key') {
      const denied = authFailure();
      return denied ? send(res, denied) : sendJson(res, 200, keyInfoBody(rec.key ?? ''));
    }
    return send(res, notFoundAnswer(flavour, rec.method, rec.path));
  }

  const server = await startRecordingServer({
    basePath,
    keyOf: (headers) => bearer(headers.authorization),
    stamp: (res) => {
      if (flavour === 'openai') res.setHeader('x-request-id', `req_${randomId(32)}`);
    },
    route: answer,
    crashed: (res, message) => sendJson(res, 500, { error: { message } }),
  });
  return Object.assign(server, { flavour });
}
