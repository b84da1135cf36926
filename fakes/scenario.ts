/**
 * Shared pieces of the fake providers: reading the scenario a test asked for from the last user
 * message, deciding the reply independently of any wire format, and SSE helpers. The
 * OpenAI-compatible fake uses them today; the Anthropic and Google fakes can reuse them.
 *
 * A test picks a scenario by starting the LAST user message's text with `!scenario <name> [arg]`.
 */
import { setTimeout as sleep } from 'node:timers/promises';

export type Directive =
  | { kind: 'error'; status: number } // `error 401` … any 3-digit status
  | { kind: 'error-echo-key' } // `error echo-key`: 400 echoing the full key
  | { kind: 'chunks'; n: number } // `chunks N`
  | { kind: 'cut' }
  | { kind: 'midstream-error'; echoKey: boolean } // `midstream-error [echo-key]`
  | { kind: 'slow'; ms: number } // `slow MS`
  | { kind: 'hang' }
  | { kind: 'headers-then-hang' }
  | { kind: 'garbage' }
  | { kind: 'image' }
  | { kind: 'invalid'; message: string };

export const DIRECTIVE_PREFIX = '!scenario';
export const SLOW_CHUNKS = 20;
export const CUT_AFTER = 3;
export const MIDSTREAM_ERROR_AFTER = 2;

/** `!scenario <name> [arg]` at the very start of `text` → the directive; anything else → null. */
export function parseDirective(text: string): Directive | null {
  const m = /^!scenario[ \t]+(\S+)(?:[ \t]+(\S+))?/.exec(text);
  if (!m) return text.startsWith(DIRECTIVE_PREFIX) ? { kind: 'invalid', message: 'empty scenario' } : null;
  const name = m[1] ?? '';
  const arg = m[2];
  const num = arg !== undefined && /^\d+$/.test(arg) ? Number(arg) : null;
  switch (name) {
    case 'error':
      if (arg === 'echo-key') return { kind: 'error-echo-key' };
      if (num !== null && num >= 100 && num <= 599) return { kind: 'error', status: num };
      return { kind: 'invalid', message: `bad error status: ${arg}` };
    case 'chunks':
      return num !== null ? { kind: 'chunks', n: num } : { kind: 'invalid', message: 'chunks needs N' };
    case 'slow':
      return num !== null ? { kind: 'slow', ms: num } : { kind: 'invalid', message: 'slow needs MS' };
    case 'midstream-error':
      return { kind: 'midstream-error', echoKey: arg === 'echo-key' };
    case 'cut':
    case 'hang':
    case 'headers-then-hang':
    case 'garbage':
    case 'image':
      return { kind: name };
    default:
      return { kind: 'invalid', message: `unknown scenario: ${name}` };
  }
}

/** What the fake answers, before it is put into a provider's wire format. */
export type Reply =
  | { kind: 'text'; pieces: string[]; delayMs: number }
  | { kind: 'tool-call'; name: string; arguments: string; argPieces: string[] }
  | { kind: 'error'; status: number; echoKey: boolean }
  | { kind: 'cut'; pieces: string[] }
  | { kind: 'midstream-error'; pieces: string[]; echoKey: boolean }
  | { kind: 'hang' }
  | { kind: 'headers-then-hang' }
  | { kind: 'garbage' }
  | { kind: 'invalid'; message: string };

export interface ReplyInput {
  /** Text of the last user message (text parts joined with a space). */
  userText: string;
  /** Content of the last message when it is a tool result, else null. */
  toolResult: string | null;
  /** Name of the first declared tool, else null. */
  firstToolName: string | null;
  /** URLs of every image part the request carried. */
  imageUrls: string[];
}

/** `tok0 `, `tok1 `, … */
export function tokPieces(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `tok${i} `);
}

export function decideReply(input: ReplyInput): Reply {
  if (input.toolResult !== null) return textReply(`tool said: ${input.toolResult}`);
  const d = parseDirective(input.userText);
  if (d === null) {
    if (input.firstToolName !== null) {
      const args = JSON.stringify({ q: input.userText });
      return { kind: 'tool-call', name: input.firstToolName, arguments: args, argPieces: splitText(args, 8) };
    }
    return textReply(`echo: ${input.userText}`);
  }
  switch (d.kind) {
    case 'error':
      return { kind: 'error', status: d.status, echoKey: false };
    case 'error-echo-key':
      return { kind: 'error', status: 400, echoKey: true };
    case 'chunks':
      return { kind: 'text', pieces: tokPieces(d.n), delayMs: 0 };
    case 'slow':
      return { kind: 'text', pieces: tokPieces(SLOW_CHUNKS), delayMs: d.ms };
    case 'cut':
      return { kind: 'cut', pieces: tokPieces(CUT_AFTER) };
    case 'midstream-error':
      return { kind: 'midstream-error', pieces: tokPieces(MIDSTREAM_ERROR_AFTER), echoKey: d.echoKey };
    case 'image': {
      const list = input.imageUrls.map((u) => u.slice(0, 30)).join(', ');
      return textReply(`saw image: ${list || 'none'}`);
    }
    case 'hang':
    case 'headers-then-hang':
    case 'garbage':
    case 'invalid':
      return d;
  }
}

function textReply(text: string): Reply {
  return { kind: 'text', pieces: splitText(text, 4), delayMs: 0 };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A message's content as text: a string, or its `{type:"text", text}` parts joined with a space. */
export function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter(
      (p): p is Record<string, unknown> => isRecord(p) && p.type === 'text' && typeof p.text === 'string',
    )
    .map((p) => p.text as string)
    .join(' ');
}

/** Text of the last `role: "user"` message in an OpenAI- or Anthropic-shaped `messages` array. */
export function lastUserText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  for (let i = messages.length - 1; i >= 0; i--) {
    const m: unknown = messages[i];
    if (isRecord(m) && m.role === 'user') return contentText(m.content);
  }
  return '';
}

/** OpenAI chat body → the input of decideReply. */
export function openAIReplyInput(body: Record<string, unknown>): ReplyInput {
  const messages = Array.isArray(body.messages) ? (body.messages as unknown[]) : [];
  const last: unknown = messages[messages.length - 1];
  const toolResult = isRecord(last) && last.role === 'tool' ? contentText(last.content) : null;
  let firstToolName: string | null = null;
  const tools: unknown = body.tools;
  if (Array.isArray(tools) && tools.length > 0) {
    const t: unknown = tools[0];
    if (isRecord(t) && isRecord(t.function) && typeof t.function.name === 'string')
      firstToolName = t.function.name;
  }
  const imageUrls: string[] = [];
  for (const m of messages) {
    if (!isRecord(m) || !Array.isArray(m.content)) continue;
    for (const p of m.content as unknown[]) {
      if (
        isRecord(p) &&
        p.type === 'image_url' &&
        isRecord(p.image_url) &&
        typeof p.image_url.url === 'string'
      ) {
        imageUrls.push(p.image_url.url);
      }
    }
  }
  return { userText: lastUserText(messages), toolResult, firstToolName, imageUrls };
}

/**
 * Anthropic Messages body → the input of decideReply: the last user turn's text blocks, the last
 * `tool_result` of a final user turn, the first tool's `name`, and every image block (a base64
 * source rebuilt as a data URL, a url source as its URL).
 */
export function anthropicReplyInput(body: Record<string, unknown>): ReplyInput {
  const messages = Array.isArray(body.messages) ? (body.messages as unknown[]) : [];
  const last: unknown = messages[messages.length - 1];
  let toolResult: string | null = null;
  if (isRecord(last) && last.role === 'user' && Array.isArray(last.content)) {
    for (const block of last.content as unknown[]) {
      if (isRecord(block) && block.type === 'tool_result') toolResult = contentText(block.content);
    }
  }
  const tools: unknown = body.tools;
  const first: unknown = Array.isArray(tools) ? tools[0] : undefined;
  const firstToolName = isRecord(first) && typeof first.name === 'string' ? first.name : null;
  const imageUrls: string[] = [];
  for (const m of messages) {
    if (!isRecord(m) || !Array.isArray(m.content)) continue;
    for (const block of m.content as unknown[]) {
      const source = isRecord(block) && block.type === 'image' ? block.source : undefined;
      if (!isRecord(source)) continue;
      if (source.type === 'base64')
        imageUrls.push(`data:${String(source.media_type)};base64,${String(source.data)}`);
      else if (source.type === 'url' && typeof source.url === 'string') imageUrls.push(source.url);
    }
  }
  return { userText: lastUserText(messages), toolResult, firstToolName, imageUrls };
}

export function splitText(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}

/** Deterministic token estimate: ceil(chars / 4), at least 1. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Masks a key the way OpenAI's 401 message does: `sk-pr****ab12`. */
export function maskKey(key: string): string {
  return `${key.slice(0, 5)}****${key.slice(-4)}`;
}

export function randomId(length = 24): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < length; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

/** One SSE event: `data: <json>\n\n`, or with an `event:` line when named (Anthropic style). */
export function sseEvent(data: unknown, event?: string): string {
  const line = `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
  return event === undefined ? line : `event: ${event}\n${line}`;
}

export function sseComment(text: string): string {
  return `: ${text}\n\n`;
}

export const SSE_DONE = 'data: [DONE]\n\n';

/** Sleeps, resolving false (instead of throwing) when `signal` aborts first. */
export async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}

/** Polls `predicate` until true; throws after `timeoutMs` (default 5 s). */
export async function waitFor(
  predicate: () => boolean,
  opts: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 5000);
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${opts.what ?? 'condition'}`);
    await sleep(opts.intervalMs ?? 10);
  }
}

/** The output of a Gemini `functionResponse` as the text a fake answers with (`tool said: …`). */
function functionResponseText(part: Record<string, unknown>): string | null {
  const fr = part.functionResponse;
  if (!isRecord(fr)) return null;
  const response = fr.response;
  const output = isRecord(response) && 'output' in response ? response.output : response;
  return typeof output === 'string' ? output : JSON.stringify(output ?? null);
}

/**
 * Gemini `generateContent` body → the input of decideReply: the last content's functionResponse
 * outputs (when it ends with one) are the tool result, the last user turn's text parts the user
 * text, every `inlineData` part an image (as the `data:` URL it came from).
 */
export function geminiReplyInput(body: Record<string, unknown>): ReplyInput {
  const contents = Array.isArray(body.contents) ? (body.contents as unknown[]).filter(isRecord) : [];
  const partsOf = (c: Record<string, unknown>) =>
    Array.isArray(c.parts) ? (c.parts as unknown[]).filter(isRecord) : [];
  const last = contents[contents.length - 1];
  const lastParts = last ? partsOf(last) : [];
  const outputs = lastParts.map(functionResponseText).filter((t): t is string => t !== null);
  const endsWithResult =
    lastParts.length > 0 && functionResponseText(lastParts[lastParts.length - 1]!) !== null;
  let userText = '';
  for (let i = contents.length - 1; i >= 0; i--) {
    const c = contents[i]!;
    if (c.role !== 'user' && c.role !== undefined) continue;
    const texts = partsOf(c)
      .filter((p) => typeof p.text === 'string')
      .map((p) => p.text as string);
    if (texts.length > 0) {
      userText = texts.join(' ');
      break;
    }
  }
  let firstToolName: string | null = null;
  const tools = Array.isArray(body.tools) ? (body.tools as unknown[]) : [];
  const decls =
    isRecord(tools[0]) && Array.isArray(tools[0].functionDeclarations) ? tools[0].functionDeclarations : [];
  const first: unknown = decls[0];
  if (isRecord(first) && typeof first.name === 'string') firstToolName = first.name;
  const imageUrls: string[] = [];
  for (const c of contents) {
    for (const p of partsOf(c)) {
      const d = p.inlineData;
      if (isRecord(d) && typeof d.mimeType === 'string' && typeof d.data === 'string') {
        imageUrls.push(`data:${d.mimeType};base64,${d.data}`);
      }
    }
  }
  return { userText, toolResult: endsWithResult ? outputs.join(', ') : null, firstToolName, imageUrls };
}
