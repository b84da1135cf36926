import { badRequest, requestTooLarge } from '../errors.js';
import { checkJsonDepth } from './json-depth.js';

/** A body as read: its value, the text it was parsed from, and how many members its objects hold. */
export interface JsonBody {
  value: unknown;
  text: string;
  /** Counted by checkJsonDepth: fewer than the text's key-value pairs when a key is repeated. */
  members: number;
}

/**
 * Reads a JSON request body with a hard byte limit: a declared length over the limit is
 * refused before reading, and a chunked body is cut off as soon as it passes the limit.
 */
export async function readJson(req: Request, maxBytes: number): Promise<unknown> {
  return (await readJsonText(req, maxBytes)).value;
}

/** readJson, keeping the text as well: for a route that may forward the client's own bytes. */
export async function readJsonText(req: Request, maxBytes: number): Promise<JsonBody> {
  const declared = req.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw requestTooLarge(maxBytes);
  // With a declared length the HTTP layer delivers exactly that many bytes, so the whole body can
  // be read at once — on Node without building a web stream for it (@hono/node-server's fast path).
  if (declared !== null) {
    let buffer: ArrayBuffer;
    try {
      buffer = await req.arrayBuffer();
    } catch {
      throw badRequest('invalid_body', 'The request body could not be read to its declared length.');
    }
    return parseJsonBytes(new Uint8Array(buffer));
  }
  if (!req.body) throw badRequest('invalid_json', 'Request body is empty; expected a JSON object.');

  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw requestTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return parseJsonBytes(bytes);
}

// One decoder for every body: a decode without `stream` starts afresh, even after a failed one.
const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJsonBytes(bytes: Uint8Array): JsonBody {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw badRequest('invalid_json', 'Request body is not valid UTF-8.');
  }
  if (text.trim() === '') throw badRequest('invalid_json', 'Request body is empty; expected a JSON object.');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw badRequest('invalid_json', 'Request body is not valid JSON.');
  }
  // Before any schema or converter recursion can meet it.
  const members = checkJsonDepth(value);
  return { value, text, members };
}
