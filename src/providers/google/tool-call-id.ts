/**
 * Thought signatures ride in the OpenAI tool call id (stateless: no server-side store).
 *
 * Gemini puts an opaque `thoughtSignature` on a `functionCall` part and, for Gemini 3, refuses the
 * next request if that part comes back without it. OpenAI clients keep exactly one thing of a tool
 * call that the gateway controls and that every client echoes: its `id`. So the gateway mints
 *
 *   call_<24 random letters/digits>                      (no signature)
 *   call_<24 random letters/digits>_ts_<signature>       (base64 signature, in base64url form)
 *   call_<24 random letters/digits>_tu_<base64url(utf8)> (a signature that is not base64)
 *
 * and reads the signature back out of the id when the conversation returns. Ids stay within
 * `[A-Za-z0-9_-]`; they grow by the signature's length (hundreds of bytes, typically). No server
 * state, nothing to expire, and a forged signature only reaches Google, which checks it. Clients
 * written for Google's own OpenAI layer send `extra_content.google.thought_signature`; that is
 * read too (convert-messages.ts).
 *
 * History the model never signed (a conversation started elsewhere, or ids made by the client)
 * gets Google's documented placeholder on the first call of each step, for models that require
 * one.
 */
import { fromBase64Url, toBase64Url } from '../../util/encoding.js';

export const PLACEHOLDER_SIGNATURE = 'skip_thought_signature_validator';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const RANDOM_LENGTH = 24;
/** Canonical, padded standard base64: the form Gemini's JSON uses for bytes. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const ID = /^call_[A-Za-z0-9]{24}_(ts|tu)_([A-Za-z0-9_-]+)$/;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

function randomPart(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(RANDOM_LENGTH));
  let out = '';
  for (const b of bytes) out += ALNUM[b % ALNUM.length];
  return out;
}

/** A fresh tool call id, carrying `signature` when there is one. */
export function newToolCallId(signature?: string): string {
  const base = `call_${randomPart()}`;
  if (signature === undefined || signature === '') return base;
  if (BASE64.test(signature)) {
    return `${base}_ts_${signature.replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')}`;
  }
  return `${base}_tu_${toBase64Url(encoder.encode(signature))}`;
}

/** The signature a gateway-made id carries, or undefined (any other id, or a damaged one). */
export function signatureOf(id: string): string | undefined {
  const m = ID.exec(id);
  if (!m) return undefined;
  const [, mode, body = ''] = m;
  if (mode === 'ts') {
    const b64 = body.replaceAll('-', '+').replaceAll('_', '/');
    const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
    return BASE64.test(padded) ? padded : undefined;
  }
  try {
    return decoder.decode(fromBase64Url(body));
  } catch {
    return undefined;
  }
}
