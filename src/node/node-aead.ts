import { createCipheriv, createDecipheriv, KeyObject } from 'node:crypto';
import type { AeadEngine } from '../vault/index.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * AES-256-GCM through node:crypto, for the Node entry: synchronous and ~6× cheaper per open than
 * WebCrypto here (measured 7.8 µs against 52.7 µs). The vault's derived CryptoKey stays
 * non-extractable; KeyObject.from wraps the same key material without exporting it.
 */
export function createNodeAead(): AeadEngine {
  const keyObjects = new WeakMap<CryptoKey, KeyObject>();
  const keyObjectOf = (key: CryptoKey): KeyObject => {
    let ko = keyObjects.get(key);
    if (!ko) {
      const algorithm = key.algorithm as AesKeyAlgorithm;
      if (algorithm.name !== 'AES-GCM' || algorithm.length !== 256)
        throw new TypeError('key must be an AES-256-GCM key');
      ko = KeyObject.from(key);
      keyObjects.set(key, ko);
    }
    return ko;
  };
  const assertIv = (iv: Uint8Array) => {
    if (iv.length !== IV_BYTES) throw new RangeError(`AES-GCM IV must be ${IV_BYTES} bytes`);
  };

  return {
    encrypt(key, iv, plaintext, aad) {
      assertIv(iv);
      const cipher = createCipheriv('aes-256-gcm', keyObjectOf(key), iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(aad);
      const head = cipher.update(plaintext);
      const tail = cipher.final();
      const out = new Uint8Array(head.length + tail.length + TAG_BYTES);
      out.set(head);
      out.set(tail, head.length);
      out.set(cipher.getAuthTag(), head.length + tail.length);
      return out;
    },
    decrypt(key, iv, ctAndTag, aad) {
      assertIv(iv);
      if (ctAndTag.length < TAG_BYTES) throw new RangeError('AES-GCM input is shorter than its tag');
      const decipher = createDecipheriv('aes-256-gcm', keyObjectOf(key), iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(ctAndTag.subarray(ctAndTag.length - TAG_BYTES));
      const head = decipher.update(ctAndTag.subarray(0, ctAndTag.length - TAG_BYTES));
      const tail = decipher.final();
      const out = new Uint8Array(head.length + tail.length);
      out.set(head);
      out.set(tail, head.length);
      head.fill(0);
      return out;
    },
  };
}
