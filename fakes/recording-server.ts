/**
 * The plumbing every fake provider shares (shared by the tests and `npm run demo`): an HTTP server on 127.0.0.1 that records
 * each request, answers queued one-shot `next` handlers first, and counts aborted and open responses.
 * What a fake actually answers is its `route` function.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isRecord } from './scenario.js';

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
  /** The key the fake's provider reads (bearer token, `x-api-key`, `x-goog-api-key`), else null. */
  key: string | null;
}

/** Scripted answer for the next request (any route); gets the already-read request. */
export type NextHandler = (req: RecordedRequest, res: ServerResponse) => void | Promise<void>;

export interface RouteContext {
  /** The request URL (origin `http://fake`), for query parameters. */
  url: URL;
  /** Aborted when the response closes, finished or not. */
  signal: AbortSignal;
  /** Keys the fake must refuse the way its provider does. */
  rejectedKeys: Set<string>;
  /** Drop the connection shortly, without counting it as a client abort. */
  cutConnection(): void;
}

export interface RecordingServerOptions {
  basePath: string;
  /** The request's key, from the lower-cased flattened headers. */
  keyOf(headers: Record<string, string>): string | null;
  /** Called once the request is recorded, before any handler: e.g. to set a request-id header. */
  stamp?(res: ServerResponse): void;
  /** The fake's normal answer, when no `next` handler is queued. */
  route(rec: RecordedRequest, res: ServerResponse, ctx: RouteContext): void | Promise<void>;
  /** Answer for a `route` that threw before sending headers. */
  crashed(res: ServerResponse, message: string): void;
}

export interface RecordingServer {
  /** `http://127.0.0.1:PORT` + basePath. */
  readonly baseUrl: string;
  /** `http://127.0.0.1:PORT` */
  readonly origin: string;
  readonly basePath: string;
  readonly requests: RecordedRequest[];
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

export function flatHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v;
  }
  return out;
}

export function parseBody(raw: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(raw);
    return isRecord(v) ? v : null;
  } catch {
    return null;
  }
}

export async function startRecordingServer(opts: RecordingServerOptions): Promise<RecordingServer> {
  const { basePath } = opts;
  const requests: RecordedRequest[] = [];
  const rejectedKeys = new Set<string>();
  let queue: NextHandler[] = [];
  let aborted = 0;
  let open = 0;
  let closing = false;

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
    const headers = flatHeaders(req);
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: url.search,
      headers,
      body: parseBody(rawBody),
      rawBody,
      key: opts.keyOf(headers),
    };
    requests.push(rec);
    opts.stamp?.(res);

    const scripted = queue.shift();
    if (scripted) return scripted(rec, res);
    return opts.route(rec, res, {
      url,
      signal: ac.signal,
      rejectedKeys,
      cutConnection: () => {
        selfClosed = true;
        setTimeout(() => res.socket?.destroy(), 20);
      },
    });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) opts.crashed(res, `fake crashed: ${String(err)}`);
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
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
