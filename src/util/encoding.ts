/**
 * Byte/text helpers that run unchanged on Node 20 and Cloudflare Workers: no `node:` imports and
 * no Buffer (Workers only has Buffer under `nodejs_compat`), only TextEncoder/TextDecoder and
 * WebCrypto, which both runtimes provide as globals.
 */

const encoder = new TextEncoder();
// fatal: a stored secret that is not valid UTF-8 must fail loudly, not turn into U+FFFD silently.
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

const B64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
// char code → 6-bit value, -1 for anything outside the base64url alphabet.
const B64URL_VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < B64URL.length; i++) B64URL_VALUE[B64URL.charCodeAt(i)] = i;

const HEX_RE = /^(?:[0-9a-fA-F]{2})*$/;

/**
 * Unpadded base64url. Table-driven rather than btoa + three regex replaces: same portability,
 * several times faster, and it sits on the vault's per-request path.
 */
export function toBase64Url(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64URL[n >>> 18]! + B64URL[(n >>> 12) & 63]! + B64URL[(n >>> 6) & 63]! + B64URL[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = bytes[i]! << 16;
    out += B64URL[n >>> 18]! + B64URL[(n >>> 12) & 63]!;
  } else if (rest === 2) {
    const n = (bytes[i]! << 16) | (bytes[i + 1]! << 8);
    out += B64URL[n >>> 18]! + B64URL[(n >>> 12) & 63]! + B64URL[(n >>> 6) & 63]!;
  }
  return out;
}

/**
 * Strict decoder for the unpadded base64url we emit. Padding, whitespace, the standard alphabet
 * and non-zero unused trailing bits are all refused, so one byte string has exactly one text form.
 */
export function fromBase64Url(s: string): Uint8Array<ArrayBuffer> {
  const tail = s.length % 4;
  if (tail === 1) throw new TypeError('invalid base64url');
  const out = new Uint8Array(((s.length - tail) / 4) * 3 + (tail === 0 ? 0 : tail - 1));
  let acc = 0;
  let bits = 0;
  let o = 0;
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    const v = code < 128 ? B64URL_VALUE[code]! : -1;
    if (v < 0) throw new TypeError('invalid base64url');
    acc = ((acc << 6) | v) & 0xffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (acc >>> bits) & 0xff;
    }
  }
  // Leftover bits (2 or 4) must be zero: "AB" and "AA" would otherwise both decode to 0x00.
  if ((acc & ((1 << bits) - 1)) !== 0) throw new TypeError('invalid base64url');
  return out;
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

/**
 * Compares two secrets without leaking where they differ. Node's crypto.subtle has no
 * timingSafeEqual and Workers' is non-standard, so we hash both sides (equal 32-byte outputs
 * whatever the input lengths) and XOR-accumulate over every byte instead of returning early.
 */
export async function constantTimeEqual(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([
    crypto.subtle.digest('SHA-256', utf8Encode(a)),
    crypto.subtle.digest('SHA-256', utf8Encode(b)),
  ]);
  const x = new Uint8Array(da);
  const y = new Uint8Array(db);
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
