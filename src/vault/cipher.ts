/**
 * The only place that calls AES-GCM. Everything that WebCrypto would accept but the vault must
 * not (other IV lengths, short tags, 128/192-bit keys) is refused here, before WebCrypto runs.
 */

/** 96-bit IV (NIST SP 800-38D): other lengths are hashed through GHASH and 0 is forbidden. */
export const GCM_IV_BYTES = 12;
/** Always passed explicitly and never read from stored data: a forged row must not pick 32 bits. */
const GCM_TAG_BITS = 128;
export const GCM_TAG_BYTES = GCM_TAG_BITS / 8;
const KEY_BYTES = 32;

function assertIv(iv: Uint8Array): void {
  // Node 20 WebCrypto accepts 16- and 128-byte IVs, so this check cannot be left to it.
  if (iv.length !== GCM_IV_BYTES) throw new RangeError(`AES-GCM IV must be ${GCM_IV_BYTES} bytes`);
}

function assertKey(key: CryptoKey): void {
  const algorithm = key.algorithm as AesKeyAlgorithm;
  if (algorithm.name !== 'AES-GCM' || algorithm.length !== KEY_BYTES * 8) {
    throw new TypeError('key must be an AES-256-GCM key');
  }
}

/** Imports raw key bytes (test vectors, tooling) as a non-extractable AES-256-GCM key. */
export async function importAesKey(raw: Uint8Array<ArrayBuffer>): Promise<CryptoKey> {
  if (raw.length !== KEY_BYTES) throw new RangeError(`AES-256 key must be ${KEY_BYTES} bytes`);
  return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);
}

/** Returns ciphertext ‖ 16-byte tag, the layout WebCrypto produces. */
export async function gcmEncrypt(
  key: CryptoKey,
  iv: Uint8Array<ArrayBuffer>,
  plaintext: Uint8Array<ArrayBuffer>,
  aad: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  assertIv(iv);
  assertKey(key);
  const out = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: aad, tagLength: GCM_TAG_BITS },
    key,
    plaintext,
  );
  return new Uint8Array(out);
}

/** Rejects (WebCrypto's OperationError) on any tamper, wrong key or wrong AAD. */
export async function gcmDecrypt(
  key: CryptoKey,
  iv: Uint8Array<ArrayBuffer>,
  ctAndTag: Uint8Array<ArrayBuffer>,
  aad: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  assertIv(iv);
  assertKey(key);
  if (ctAndTag.length < GCM_TAG_BYTES) throw new RangeError('AES-GCM input is shorter than its tag');
  const out = await crypto.subtle.decrypt(
    { name: 'AES-GCM', iv, additionalData: aad, tagLength: GCM_TAG_BITS },
    key,
    ctAndTag,
  );
  return new Uint8Array(out);
}

/**
 * The AES-256-GCM primitive the vault seals and opens with. WebCrypto by default (every runtime);
 * an entry may plug in a faster one of its own runtime (Node: node:crypto, ~8 µs against ~50 µs
 * per open) — it must honour the same rules: 12-byte IV, 128-bit tag, output `ct ‖ tag`.
 */
export interface AeadEngine {
  encrypt(
    key: CryptoKey,
    iv: Uint8Array<ArrayBuffer>,
    plaintext: Uint8Array<ArrayBuffer>,
    aad: Uint8Array<ArrayBuffer>,
  ): Promise<Uint8Array<ArrayBuffer>> | Uint8Array<ArrayBuffer>;
  decrypt(
    key: CryptoKey,
    iv: Uint8Array<ArrayBuffer>,
    ctAndTag: Uint8Array<ArrayBuffer>,
    aad: Uint8Array<ArrayBuffer>,
  ): Promise<Uint8Array<ArrayBuffer>> | Uint8Array<ArrayBuffer>;
}

export const webCryptoAead: AeadEngine = { encrypt: gcmEncrypt, decrypt: gcmDecrypt };
