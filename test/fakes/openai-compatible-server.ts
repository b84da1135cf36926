/**
 * A local stand-in for OpenAI, OpenRouter or Meta's OpenAI-compatible API (test code only).
 *
 *   const fake = await startFakeOpenAICompatible({ flavour: 'openrouter' });
 *   // gateway env: OPENROUTER_BASE_URL = fake.baseUrl   (http://127.0.0.1:PORT/api/v1)
 *
 * Routes under `basePath`: POST /chat/completions, GET /models, and (openrouter) GET /key.
 * Chat behaviour is chosen by the request itself, see scenario.ts (`!scenario …` directives).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { isRecord, randomId } from './scenario.js';

export type { Flavour } from './openai-flavours.js';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, e.g. `/api/v1/chat/completions`. */
  path: string;
  /** Query string including `?`, or ''. */
  query: string;
  /** Lower-cased header names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  /** Parsed JSON body when it is a JSON object, else null. */
  body: Record<string, unknown> | null;
  rawBody: string;
  /** The bearer key from `Authorization: Bearer …`, else null. */
  key: string | null;
}

/** Scripted answer for the next request (any route); gets the already-read request. */
export type NextHandler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

export interface FakeProvider {
  readonly flavour: Flavour;
  /** `http://127.0.0.1:PORT` + basePath: what the gateway's `*_BASE_URL` is set to. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly basePath: string;
  readonly requests: RecordedRequest[];
  /** Any call with one of these bearer keys answers the flavour's real 401 (OpenRouter's public /models excepted). */
  readonly rejectedKeys: Set<string>;
  /** Requests whose client went away before the response finished. */
  readonly aborted: number;
  /** Responses in progress: request received, response neither finished nor closed. */
  readonly openStreams: number;
  /** Queue a one-shot handler for the next request (FIFO when called several times). */
  next(handler: NextHandler): void;
  /** Forget recorded requests, reset `aborted`, drop queued `next` handlers (rejectedKeys stay). */
  clear(): void;
  close(): Promise<void>;
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

function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

function parseBody(raw: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(raw);
    return isRecord(v) ? v : null;
  } catch {
    return null;
  }
}

export async function startFakeOpenAICompatible(opts: FakeOptions): Promise<FakeProvider> {
  const { flavour } = opts;
  const basePath = (opts.basePath ?? DEFAULT_BASE_PATH[flavour]).replace(/\/+$/, '');
  const requests: RecordedRequest[] = [];
  const rejectedKeys = new Set<string>();
  let queue: NextHandler[] = [];
  let aborted = 0;
  let open = 0;
  let closing = false;

  const send = (res: ServerResponse, a: ErrorAnswer) => sendJson(res, a.status, a.body, a.headers);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    open++;
    let selfClosed = false;
    const ac = new AbortController();
    res.on('close', () => {
      open--;
      ac.abort();
      if (!res.writableEnded && !selfClosed && !closing) aborted++;
    });
    const parts: Buffer[] = [];
    try {
      for await (const part of req) parts.push(part as Buffer);
    } catch {
      return; // client went away while uploading; counted by the close handler
    }
    const rawBody = Buffer.concat(parts).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      headers: flatHeaders(req),
      body: parseBody(rawBody),
      rawBody,
      key: bearer(req.headers.authorization),
    };
    requests.push(rec);
    if (flavour === 'openai') res.setHeader('x-request-id', `req_${randomId(32)}`);

    const scripted = queue.shift();
    if (scripted) return scripted(rec, res);

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
      return answerChat({
        flavour,
        key: rec.key,
        body: rec.body,
        res,
        signal: ac.signal,
        cutConnection: () => {
          selfClosed = true;
          setTimeout(() => res.socket?.destroy(), 20);
        },
      });
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

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: `fake crashed: ${String(err)}` } });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    flavour,
    basePath,
    origin,
    baseUrl: `${origin}${basePath}`,
    requests,
    rejectedKeys,
    get aborted() {
      return aborted;
    },
    get openStreams() {
      return open;
    },
    next(handler) {
      queue.push(handler);
    },
    clear() {
      requests.length = 0;
      aborted = 0;
      queue = [];
    },
    async close() {
      closing = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
