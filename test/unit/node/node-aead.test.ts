import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createNodeAead } from '../../../src/node/node-aead.js';
import { fromHex, toHex } from '../../../src/util/encoding.js';
import { importAesKey, webCryptoAead } from '../../../src/vault/cipher.js';
import { createVault } from '../../../src/vault/index.js';

interface AeadTest {
  tcId: number;
  key: string;
  iv: string;
  aad: string;
  msg: string;
  ct: string;
  tag: string;
  result: 'valid' | 'invalid' | 'acceptable';
}
interface AeadFile {
  testGroups: { keySize: number; ivSize: number; tagSize: number; tests: AeadTest[] }[];
}

const data: AeadFile = JSON.parse(
  readFileSync(new URL('../../fixtures/vectors/aes_gcm_test.json', import.meta.url), 'utf8'),
);
const ours = data.testGroups
  .filter((g) => g.keySize === 256 && g.ivSize === 96 && g.tagSize === 128)
  .flatMap((g) => g.tests);
const node = createNodeAead();

describe('the Node AES-GCM engine', () => {
  it('covers the whole Wycheproof AES-256 / 96-bit IV / 128-bit tag group', () => {
    expect(ours).toHaveLength(66);
  });

  it.each(ours.filter((t) => t.result === 'valid'))(
    'encrypts and decrypts valid case $tcId exactly',
    async (t) => {
      const key = await importAesKey(fromHex(t.key));
      const out = await node.encrypt(key, fromHex(t.iv), fromHex(t.msg), fromHex(t.aad));
      expect(toHex(out)).toBe(t.ct + t.tag);
      expect(toHex(await node.decrypt(key, fromHex(t.iv), fromHex(t.ct + t.tag), fromHex(t.aad)))).toBe(
        t.msg,
      );
    },
  );

  it.each(ours.filter((t) => t.result === 'invalid'))('rejects invalid case $tcId', async (t) => {
    const key = await importAesKey(fromHex(t.key));
    expect(() => node.decrypt(key, fromHex(t.iv), fromHex(t.ct + t.tag), fromHex(t.aad))).toThrow();
  });

  it('refuses an IV that is not 12 bytes', async () => {
    const key = await importAesKey(new Uint8Array(32));
    for (const size of [0, 8, 16]) {
      expect(() => node.encrypt(key, new Uint8Array(size), new Uint8Array(4), new Uint8Array())).toThrow(
        RangeError,
      );
    }
  });

  it('reads what WebCrypto sealed and the other way round, through the vault', async () => {
    const secret = 'node-aead-interop-secret-0123456789-abcdef';
    const viaNode = await createVault(secret, [], node);
    const viaWeb = await createVault(secret, [], webCryptoAead);
    const binding = { userId: 'u', keyId: 'k', provider: 'openai' };
    expect(await viaWeb.open(await viaNode.seal('sk-node', binding), binding)).toBe('sk-node');
    expect(await viaNode.open(await viaWeb.seal('sk-web', binding), binding)).toBe('sk-web');
    await expect(
      viaNode.open(await viaWeb.seal('sk-web', binding), { ...binding, userId: 'v' }),
    ).rejects.toThrow('stored key could not be used');
  });
});
