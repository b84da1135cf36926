import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../../src/util/encoding.js';
import { gcmDecrypt, gcmEncrypt, importAesKey } from '../../../src/vault/cipher.js';

// Wycheproof AEAD schema (aead_test_schema_v1.json), only the fields we read.
interface AeadTest {
  tcId: number;
  comment: string;
  key: string;
  iv: string;
  aad: string;
  msg: string;
  ct: string;
  tag: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface AeadGroup {
  keySize: number;
  ivSize: number;
  tagSize: number;
  tests: AeadTest[];
}
interface AeadFile {
  testGroups: AeadGroup[];
}

// Wycheproof vectors, copied into the repo (see test/fixtures/vectors/README.md).
const file = new URL('../../fixtures/vectors/aes_gcm_test.json', import.meta.url);
const data: AeadFile = JSON.parse(readFileSync(file, 'utf8'));

const groupsWith = (keySize: number, ivSize: number) =>
  data.testGroups.filter((g) => g.keySize === keySize && g.ivSize === ivSize && g.tagSize === 128);
const testsWith = (keySize: number, ivSize: number) => groupsWith(keySize, ivSize).flatMap((g) => g.tests);

const ours = testsWith(256, 96);
const valid = ours.filter((t) => t.result === 'valid');
const invalid = ours.filter((t) => t.result === 'invalid');

const firstCase = (keySize: number, ivSize: number): AeadTest => {
  const t = testsWith(keySize, ivSize)[0];
  if (!t) throw new Error(`no Wycheproof case with keySize ${keySize}, ivSize ${ivSize}`);
  return t;
};

describe('AES-256-GCM wrapper against Wycheproof (key 256, IV 96, tag 128)', () => {
  it('runs all 66 cases of the group, 39 valid and 27 invalid, none merely acceptable', () => {
    expect(ours).toHaveLength(66);
    expect(valid).toHaveLength(39);
    expect(invalid).toHaveLength(27);
  });

  it.each(valid)('encrypts valid case $tcId to exactly ct‖tag and decrypts it back to msg', async (t) => {
    const key = await importAesKey(fromHex(t.key));
    const iv = fromHex(t.iv);
    const aad = fromHex(t.aad);
    const sealed = await gcmEncrypt(key, iv, fromHex(t.msg), aad);
    expect(toHex(sealed)).toBe(t.ct + t.tag);
    expect(toHex(await gcmDecrypt(key, iv, fromHex(t.ct + t.tag), aad))).toBe(t.msg);
  });

  it.each(invalid)('refuses to decrypt invalid case $tcId ($comment)', async (t) => {
    const key = await importAesKey(fromHex(t.key));
    await expect(gcmDecrypt(key, fromHex(t.iv), fromHex(t.ct + t.tag), fromHex(t.aad))).rejects.toThrow();
  });
});

describe('AES-GCM wrapper refuses what WebCrypto would allow', () => {
  const ivCases = [
    { bytes: 0, t: firstCase(256, 0) },
    { bytes: 8, t: firstCase(256, 64) },
    { bytes: 16, t: firstCase(256, 128) },
  ];

  it.each(ivCases)('refuses a $bytes-byte IV for both encrypt and decrypt', async ({ bytes, t }) => {
    const key = await importAesKey(fromHex(t.key));
    const iv = fromHex(t.iv);
    expect(iv).toHaveLength(bytes);
    await expect(gcmEncrypt(key, iv, fromHex(t.msg), fromHex(t.aad))).rejects.toThrow(/12 bytes/);
    await expect(gcmDecrypt(key, iv, fromHex(t.ct + t.tag), fromHex(t.aad))).rejects.toThrow(/12 bytes/);
  });

  it('needs its own IV check because raw WebCrypto on Node accepts a 16-byte IV', async () => {
    const t = firstCase(256, 128);
    const raw = await crypto.subtle.importKey('raw', fromHex(t.key), 'AES-GCM', false, ['encrypt']);
    const out = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv: fromHex(t.iv), additionalData: fromHex(t.aad), tagLength: 128 },
      raw,
      fromHex(t.msg),
    );
    // The check in the wrapper is the only thing standing between the vault and this IV size.
    expect(toHex(new Uint8Array(out))).toBe(t.ct + t.tag);
  });

  it('refuses to import a 16-byte (AES-128) key', async () => {
    const t = firstCase(128, 96);
    expect(fromHex(t.key)).toHaveLength(16);
    await expect(importAesKey(fromHex(t.key))).rejects.toThrow(/32 bytes/);
  });

  it('refuses to use an AES-128 CryptoKey imported around the wrapper', async () => {
    const t = firstCase(128, 96);
    const key = await crypto.subtle.importKey('raw', fromHex(t.key), 'AES-GCM', false, [
      'encrypt',
      'decrypt',
    ]);
    await expect(gcmEncrypt(key, fromHex(t.iv), fromHex(t.msg), fromHex(t.aad))).rejects.toThrow(/AES-256/);
    await expect(gcmDecrypt(key, fromHex(t.iv), fromHex(t.ct + t.tag), fromHex(t.aad))).rejects.toThrow(
      /AES-256/,
    );
  });

  it('refuses a ciphertext shorter than the 16-byte tag without calling WebCrypto', async () => {
    const t = firstCase(256, 96);
    const key = await importAesKey(fromHex(t.key));
    await expect(
      gcmDecrypt(key, fromHex(t.iv), fromHex(t.tag).subarray(0, 15), fromHex(t.aad)),
    ).rejects.toThrow(/shorter than its tag/);
  });
});
