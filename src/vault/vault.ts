import { fromBase64Url, toBase64Url, utf8Decode, utf8Encode } from '../util/encoding.js';
import { type AeadEngine, GCM_IV_BYTES, GCM_TAG_BYTES, webCryptoAead } from './cipher.js';
import { type DataKey, deriveDataKey } from './kdf.js';

/** Who a sealed key belongs to. Sealing binds the ciphertext to all of it (via the AAD). */
export interface KeyBinding {
  /** The owner's id: a user's, or an organisation's when `ownerKind` is 'org'. */
  userId: string;
  keyId: string;
  provider: string;
  /** 'org' for an organisation's key (its own AAD domain); absent for a user's key. */
  ownerKind?: 'org';
}

export interface Vault {
  /** Fingerprint of the key new seals use; rows with another kid are due for a rewrap. */
  readonly currentKid: string;
  seal(plaintext: string, binding: KeyBinding): Promise<string>;
  open(sealed: string, binding: KeyBinding): Promise<string>;
  /** Parses only (no crypto): the kid of a well-formed v1 string, otherwise null. */
  kidOf(sealed: string): string | null;
}

export type VaultErrorReason = 'malformed' | 'unknown_kid' | 'decrypt_failed';

const GENERIC_MESSAGE = 'stored key could not be used';

/**
 * The one failure `open` reports. The message is always the same generic text, so nothing a
 * caller renders or logs can carry plaintext or WebCrypto's wording; `reason` and `kid` are the
 * only details, meant for logs. The underlying error is deliberately not kept as `cause`.
 */
export class VaultError extends Error {
  readonly reason: VaultErrorReason;
  /** The kid named by the stored string when it could be parsed; safe to log (not secret). */
  readonly kid: string | null;

  constructor(reason: VaultErrorReason, kid: string | null = null) {
    super(GENERIC_MESSAGE);
    this.name = 'VaultError';
    this.reason = reason;
    this.kid = kid;
  }
}

const VERSION = 'v1';
const KID_RE = /^[0-9a-f]{12}$/;
// "v1" pins the whole scheme: AES-256-GCM, this KDF, this AAD layout. A v2 gets its own branch.
const AAD_DOMAIN = 'byok-gateway/api-key/v1';
const ORG_AAD_DOMAIN = 'byok-gateway/org-api-key/v1';

interface Parsed {
  header: string;
  kid: string;
  iv: Uint8Array<ArrayBuffer>;
  ctAndTag: Uint8Array<ArrayBuffer>;
}

/** `v1.<kid>.<base64url(iv ‖ ciphertext ‖ tag)>` → parts, or null if it is not exactly that. */
function parse(sealed: string): Parsed | null {
  const parts = sealed.split('.');
  if (parts.length !== 3) return null;
  const [version, kid, body] = parts as [string, string, string];
  if (version !== VERSION || !KID_RE.test(kid)) return null;
  let bytes: Uint8Array<ArrayBuffer>;
  try {
    bytes = fromBase64Url(body);
  } catch {
    return null;
  }
  // An empty plaintext is still IV + tag; anything shorter cannot be ours.
  if (bytes.length < GCM_IV_BYTES + GCM_TAG_BYTES) return null;
  return {
    header: `${VERSION}.${kid}`,
    kid,
    iv: bytes.subarray(0, GCM_IV_BYTES),
    ctAndTag: bytes.subarray(GCM_IV_BYTES),
  };
}

/**
 * AAD = length-prefixed fields (4-byte big-endian length ‖ UTF-8). Length prefixes, not
 * separators, so no id can contain a byte that shifts a boundary ("ab"+"c" ≠ "a"+"bc"). The
 * header is included so the version and kid in front of the ciphertext cannot be edited either.
 */
function buildAad(binding: KeyBinding, header: string): Uint8Array<ArrayBuffer> {
  const domain = binding.ownerKind === 'org' ? ORG_AAD_DOMAIN : AAD_DOMAIN;
  const texts = [domain, binding.userId, binding.keyId, binding.provider, header];
  return asciiAad(texts) ?? utf8Aad(texts);
}

/**
 * The AAD when every field is ASCII (ids, provider names and headers nearly always are): written
 * byte by byte, without the five TextEncoder calls that otherwise cost a third of an open. UTF-8
 * of ASCII is the ASCII itself, so the bytes are the same as utf8Aad's. Undefined otherwise.
 */
function asciiAad(texts: string[]): Uint8Array<ArrayBuffer> | undefined {
  let size = 0;
  for (const t of texts) size += 4 + t.length;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const t of texts) {
    const n = t.length;
    out[offset] = n >>> 24;
    out[offset + 1] = (n >>> 16) & 0xff;
    out[offset + 2] = (n >>> 8) & 0xff;
    out[offset + 3] = n & 0xff;
    offset += 4;
    for (let i = 0; i < n; i++) {
      const code = t.charCodeAt(i);
      if (code > 0x7f) return undefined;
      out[offset++] = code;
    }
  }
  return out;
}

function utf8Aad(texts: string[]): Uint8Array<ArrayBuffer> {
  const fields = texts.map(utf8Encode);
  const out = new Uint8Array(fields.reduce((n, f) => n + 4 + f.length, 0));
  const view = new DataView(out.buffer);
  let offset = 0;
  for (const field of fields) {
    view.setUint32(offset, field.length, false);
    out.set(field, offset + 4);
    offset += 4 + field.length;
  }
  return out;
}

function assertBinding(binding: KeyBinding): void {
  // An empty owner field is a caller bug; sealing it would bind the key to nobody in particular.
  if (!binding.userId || !binding.keyId || !binding.provider) {
    throw new TypeError('vault binding needs a non-empty userId, keyId and provider');
  }
}

/**
 * Derives the current key and every previous one once, in parallel (each is a full PBKDF2 run).
 * Previous secrets only open old rows; new seals always use the current key. `aead` is WebCrypto
 * unless the entry plugs in its runtime's faster primitive.
 */
export async function createVault(
  secret: string,
  previousSecrets: string[] = [],
  aead: AeadEngine = webCryptoAead,
): Promise<Vault> {
  const secrets = [secret, ...previousSecrets];
  const derived: DataKey[] = await Promise.all(secrets.map((s) => deriveDataKey(s)));
  const keys = new Map<string, CryptoKey>();
  derived.forEach(({ key, kid }, i) => {
    const seenAt = derived.findIndex((d) => d.kid === kid);
    // The same secret listed twice is harmless; two different secrets sharing a 48-bit kid would
    // make rows ambiguous, so refuse to start rather than guess.
    if (seenAt !== i && secrets[seenAt] !== secrets[i]) throw new Error('vault secrets collide on kid');
    if (!keys.has(kid)) keys.set(kid, key);
  });
  const current = derived[0]!;
  const currentHeader = `${VERSION}.${current.kid}`;

  return Object.freeze({
    currentKid: current.kid,

    async seal(plaintext: string, binding: KeyBinding): Promise<string> {
      assertBinding(binding);
      // Random, never derived from row data: (key, IV) reuse breaks GCM outright.
      const iv = crypto.getRandomValues(new Uint8Array(GCM_IV_BYTES));
      const message = utf8Encode(plaintext);
      try {
        const ctAndTag = await aead.encrypt(current.key, iv, message, buildAad(binding, currentHeader));
        const body = new Uint8Array(GCM_IV_BYTES + ctAndTag.length);
        body.set(iv);
        body.set(ctAndTag, GCM_IV_BYTES);
        return `${currentHeader}.${toBase64Url(body)}`;
      } finally {
        message.fill(0);
      }
    },

    async open(sealed: string, binding: KeyBinding): Promise<string> {
      const parsed = typeof sealed === 'string' ? parse(sealed) : null;
      if (!parsed) throw new VaultError('malformed');
      // Only the named key is tried: "try every key" would hide a missing _PREVIOUS secret.
      const key = keys.get(parsed.kid);
      if (!key) throw new VaultError('unknown_kid', parsed.kid);
      let message: Uint8Array<ArrayBuffer>;
      try {
        message = await aead.decrypt(key, parsed.iv, parsed.ctAndTag, buildAad(binding, parsed.header));
      } catch {
        // WebCrypto's OperationError says nothing useful and must not reach a client or a log.
        throw new VaultError('decrypt_failed', parsed.kid);
      }
      try {
        return utf8Decode(message);
      } catch {
        throw new VaultError('decrypt_failed', parsed.kid);
      } finally {
        message.fill(0);
      }
    },

    kidOf(sealed: string): string | null {
      return parse(sealed)?.kid ?? null;
    },
  });
}
