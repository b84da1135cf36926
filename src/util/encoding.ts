/**
 * Byte/text helpers that run unchanged on Node 20 and Cloudflare Workers: no `node:` imports and
 * no Buffer (Workers only has Buffer under `nodejs_compat`), only TextEncoder/TextDecoder and
 * WebCrypto, which both runtimes provide as globals.
 */
import { base64url } from 'jose';

const encoder = new TextEncoder();
const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;
// fatal: a stored secret that is not valid UTF-8 must fail loudly, not turn into U+FFFD silently.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Unpadded base64url (jose's, which the JWT code already uses). */
export function toBase64Url(bytes: Uint8Array): string {
  return base64url.encode(bytes);
}

/**
 * Strict decoder for the unpadded base64url we emit: jose decodes, and only the one canonical
 * text form of the bytes is accepted (padding, whitespace and non-zero unused trailing bits are
 * refused; jose itself refuses the standard alphabet), so a stored value has exactly one spelling.
 */
export function fromBase64Url(s: string): Uint8Array<ArrayBuffer> {
  let bytes: Uint8Array;
  try {
    bytes = base64url.decode(s);
  } catch {
    throw new TypeError('invalid base64url');
  }
  if (base64url.encode(bytes) !== s) throw new TypeError('invalid base64url');
  return bytes as Uint8Array<ArrayBuffer>;
}

/** Standard padded base64 (OpenAI's `encoding_format: "base64"` embeddings), from jose's base64url. */
export function toBase64(bytes: Uint8Array): string {
  const url = base64url.encode(bytes).replaceAll('-', '+').replaceAll('_', '/');
  return url + '='.repeat((4 - (url.length % 4)) % 4);
}

export function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}

export function fromHex(hex: string): Uint8Array<ArrayBuffer> {
  if (!HEX_RE.test(hex)) throw new TypeError('invalid hex');
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

export function utf8Encode(s: string): Uint8Array<ArrayBuffer> {
  return encoder.encode(s);
}

/** Throws on invalid UTF-8 (see `decoder` above). */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

export async function sha256Hex(text: string): Promise<string> {
  return toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', utf8Encode(text))));
}
