import { pbkdf2Sync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, utf8Encode } from '../../../src/util/encoding.js';
import { gcmDecrypt, gcmEncrypt } from '../../../src/vault/cipher.js';
import { deriveDataKey, PBKDF2_ITERATIONS } from '../../../src/vault/kdf.js';

interface WycheproofPbkdf2File {
  testGroups: {
    tests: {
      tcId: number;
      password: string;
      salt: string;
      iterationCount: number;
      dkLen: number;
      dk: string;
      result: string;
    }[];
  }[];
}
interface KnownAnswersFile {
  tests: {
    id: number;
    source: string;
    password: string;
    salt: string;
    iterations: number;
    dkLen: number;
    dk: string;
  }[];
}

const vectors = (name: string) =>
  readFileSync(new URL(`../../fixtures/vectors/${name}`, import.meta.url), 'utf8');
const wycheproof: WycheproofPbkdf2File = JSON.parse(vectors('pbkdf2_hmacsha256_test.json'));
const known: KnownAnswersFile = JSON.parse(vectors('pbkdf2-known-answers.json'));
const wycheproofTests = wycheproof.testGroups.flatMap((g) => g.tests);

/** The exact WebCrypto calls kdf.ts makes, on raw bytes (some passwords are not valid UTF-8). */
async function pbkdf2(
  password: Uint8Array<ArrayBuffer>,
  salt: Uint8Array<ArrayBuffer>,
  iterations: number,
  bytes: number,
) {
  const base = await crypto.subtle.importKey('raw', password, 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits(
    { name: 'PBKDF2', hash: 'SHA-256', salt, iterations },
    base,
    bytes * 8,
  );
  return toHex(new Uint8Array(bits));
}

describe('PBKDF2-HMAC-SHA256 through WebCrypto', () => {
  it('covers all 60 Wycheproof cases and all 6 known answers', () => {
    expect(wycheproofTests).toHaveLength(60);
    expect(wycheproofTests.every((t) => t.result === 'valid')).toBe(true);
    expect(known.tests).toHaveLength(6);
  });

  it.each(wycheproofTests)('derives the Wycheproof dk for case $tcId', async (t) => {
    expect(await pbkdf2(fromHex(t.password), fromHex(t.salt), t.iterationCount, t.dkLen)).toBe(t.dk);
  });

  it.each(known.tests)('derives the known answer $id ($source, $iterations iterations)', async (t) => {
    expect(await pbkdf2(utf8Encode(t.password), utf8Encode(t.salt), t.iterations, t.dkLen)).toBe(t.dk);
  });

  it('runs at the Workers ceiling of 100,000 iterations, and a known answer pins that count', () => {
    expect(PBKDF2_ITERATIONS).toBe(100_000);
    expect(known.tests.some((t) => t.iterations === PBKDF2_ITERATIONS)).toBe(true);
  });
});

describe('deriveDataKey', () => {
  const secretA = 'kdf-test-secret-one-7f3a9c21d8e04b56a1c3';
  const secretB = 'kdf-test-secret-two-0b8e4d72c6f1a935e2d7';

  it('gives the same kid every time for one secret, and 12 lowercase hex chars', async () => {
    const [one, two] = await Promise.all([deriveDataKey(secretA), deriveDataKey(secretA)]);
    expect(one.kid).toBe(two.kid);
    expect(one.kid).toMatch(/^[0-9a-f]{12}$/);
  });

  it('gives different kids for different secrets', async () => {
    const [a, b] = await Promise.all([deriveDataKey(secretA), deriveDataKey(secretB)]);
    expect(a.kid).not.toBe(b.kid);
  });

  it('returns a non-extractable AES-256-GCM key limited to encrypt and decrypt', async () => {
    const { key } = await deriveDataKey(secretA);
    expect(key.extractable).toBe(false);
    expect(key.algorithm).toEqual({ name: 'AES-GCM', length: 256 });
    expect([...key.usages].sort()).toEqual(['decrypt', 'encrypt']);
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
  });

  it('matches an independent PBKDF2 with the documented salt, count and kid domain', async () => {
    // Changing any of these would orphan every stored row, so they are spelled out here again.
    const bits = pbkdf2Sync(secretA, 'byok-gateway/vault/pbkdf2/v1', 100_000, 32, 'sha256');
    const fingerprint = await crypto.subtle.digest(
      'SHA-256',
      new Uint8Array([...utf8Encode('byok-gateway/kid/v1'), ...bits]),
    );
    const { key, kid } = await deriveDataKey(secretA);
    expect(kid).toBe(toHex(new Uint8Array(fingerprint).subarray(0, 6)));

    const independent = await crypto.subtle.importKey('raw', new Uint8Array(bits), 'AES-GCM', false, [
      'decrypt',
    ]);
    const iv = new Uint8Array(12);
    const aad = new Uint8Array(0);
    const sealed = await gcmEncrypt(key, iv, utf8Encode('same key'), aad);
    const opened = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv, additionalData: aad, tagLength: 128 },
      independent,
      sealed,
    );
    expect(new TextDecoder().decode(opened)).toBe('same key');
    expect(await gcmDecrypt(key, iv, sealed, aad)).toEqual(utf8Encode('same key'));
  });

  it('fingerprints the derived key rather than the raw secret', async () => {
    const { kid } = await deriveDataKey(secretA);
    const rawHash = new Uint8Array(await crypto.subtle.digest('SHA-256', utf8Encode(secretA)));
    expect(kid).not.toBe(toHex(rawHash.subarray(0, 6)));
  });

  it('refuses an empty secret', async () => {
    await expect(deriveDataKey('')).rejects.toThrow(/empty/);
  });
});
