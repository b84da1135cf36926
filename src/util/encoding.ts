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

/** base64url character code → its 6 bits; -1 for anything else. */
const SEXTETS = new Int8Array(128).fill(-1);
for (const [i, ch] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'].entries())
  SEXTETS[ch.charCodeAt(0)] = i;

const sextet = (s: string, i: number): number => {
  const code = s.charCodeAt(i);
  const v = code < 128 ? (SEXTETS[code] as number) : -1;
  if (v < 0) throw new TypeError('invalid base64url');
  return v;
};

/**
 * Strict decoder for the unpadded base64url we emit: only the one canonical text form of the bytes
 * is accepted (padding, whitespace, the standard alphabet's `+` and `/`, a length of 4n+1 and
 * non-zero unused trailing bits are refused), so a stored value has exactly one spelling. Every
 * chat call decodes its stored key's ciphertext: this loop costs about a tenth of decoding with
 * jose and encoding again to compare (test/unit/util/encoding.test.ts holds it to that rule).
 */
export function fromBase64Url(s: string): Uint8Array<ArrayBuffer> {
  const tail = s.length % 4;
  if (tail === 1) throw new TypeError('invalid base64url');
  const full = s.length - tail;
  const out = new Uint8Array((full / 4) * 3 + (tail === 0 ? 0 : tail - 1));
  let o = 0;
  for (let i = 0; i < full; i += 4) {
    const n = (sextet(s, i) << 18) | (sextet(s, i + 1) << 12) | (sextet(s, i + 2) << 6) | sextet(s, i + 3);
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  if (tail === 2) {
    const a = sextet(s, full);
    const b = sextet(s, full + 1);
    if ((b & 0x0f) !== 0) throw new TypeError('invalid base64url');
    out[o] = (a << 2) | (b >> 4);
  } else if (tail === 3) {
    const a = sextet(s, full);
    const b = sextet(s, full + 1);
    const c = sextet(s, full + 2);
    if ((c & 0x03) !== 0) throw new TypeError('invalid base64url');
    out[o++] = (a << 2) | (b >> 4);
    out[o] = ((b & 0x0f) << 4) | (c >> 2);
  }
  return out;
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
