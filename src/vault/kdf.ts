import { toHex, utf8Encode } from '../util/encoding.js';

/**
 * The seed's iteration count, and exactly the most Cloudflare Workers accepts: above 100,000
 * `deriveBits` throws NotSupportedError in production (local wrangler does not enforce it).
 */
export const PBKDF2_ITERATIONS = 100_000;

/**
 * A fixed, public salt. A salt exists to stop precomputation across many low-entropy passwords;
 * API_KEY_ENCRYPTION_SECRET is instead a single ≥32-character random key (config refuses
 * shorter ones), so a per-deployment stored salt would add nothing but a second thing to lose.
 * The version suffix lets a future scheme derive an unrelated key from the same secret.
 */
const PBKDF2_SALT = utf8Encode('byok-gateway/vault/pbkdf2/v1');

// Domain separation: the kid hash can never equal a hash computed for any other purpose.
const KID_DOMAIN = utf8Encode('byok-gateway/kid/v1');
const KID_BYTES = 6;

export interface DataKey {
  /** Non-extractable AES-256-GCM key: even code holding it cannot read the raw bytes back. */
  key: CryptoKey;
  /** 12 hex chars naming the key in stored ciphertexts, so rotation knows which secret to use. */
  kid: string;
}

/**
 * Derives the vault's data key. Slow on purpose (tens of ms): call once per process or isolate
 * and keep the result, never per request.
 *
 * The kid fingerprints the *derived* key, not the raw secret, so publishing kids in logs or rows
 * gives no cheap oracle for guessing the secret: each guess still costs a full PBKDF2 run.
 */
export async function deriveDataKey(secret: string): Promise<DataKey> {
  if (secret.length === 0) throw new TypeError('vault secret must not be empty');
  const secretBytes = utf8Encode(secret);
  let bits: Uint8Array<ArrayBuffer> | undefined;
  let fingerprintInput: Uint8Array<ArrayBuffer> | undefined;
  try {
    const base = await crypto.subtle.importKey('raw', secretBytes, 'PBKDF2', false, ['deriveBits']);
    bits = new Uint8Array(
      await crypto.subtle.deriveBits(
        { name: 'PBKDF2', hash: 'SHA-256', salt: PBKDF2_SALT, iterations: PBKDF2_ITERATIONS },
        base,
        256,
      ),
    );
    const key = await crypto.subtle.importKey('raw', bits, { name: 'AES-GCM', length: 256 }, false, [
      'encrypt',
      'decrypt',
    ]);
    fingerprintInput = new Uint8Array(KID_DOMAIN.length + bits.length);
    fingerprintInput.set(KID_DOMAIN);
    fingerprintInput.set(bits, KID_DOMAIN.length);
    const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', fingerprintInput));
    return { key, kid: toHex(digest.subarray(0, KID_BYTES)) };
  } finally {
    // Best effort: WebCrypto has copied what it needs; don't leave key material in our heap.
    secretBytes.fill(0);
    bits?.fill(0);
    fingerprintInput?.fill(0);
  }
}
