import { describe, expect, it } from 'vitest';
import { scrubSecrets } from '../../src/vault/scrub-secrets.js';
import { fakeKey, type KeyProvider } from '../helpers/keys.js';

/**
 * A provider (or anything between us and it) may echo the key it was sent, whole, cut, split or
 * encoded. Whatever comes back must hold no run of 8 or more of the key's characters, whitespace
 * removed and case ignored, and none of its base64 or hex forms.
 */
const PROVIDERS: KeyProvider[] = ['openai', 'anthropic', 'openrouter', 'google', 'meta'];
const RUN = 8;

const b64 = (s: string) => Buffer.from(s).toString('base64');
const b64url = (s: string) => Buffer.from(s).toString('base64url');
const hex = (s: string) => Buffer.from(s).toString('hex');

/** Every RUN-long window of `secret` that shows in `text` (whitespace removed, case ignored). */
function runsOf(secret: string, text: string): string[] {
  const hay = text.replace(/\s+/g, '').toLowerCase();
  const found: string[] = [];
  for (let i = 0; i + RUN <= secret.length; i++) {
    const w = secret.slice(i, i + RUN).toLowerCase();
    if (hay.includes(w)) found.push(w);
  }
  return found;
}

/** The part of an encoding of `prefix + key` that depends on the key's bytes only. */
function keyPart(encoded: string, prefix: string, perByte: number): string {
  const skip = Math.ceil((prefix.length + 1) * perByte) + 1;
  return encoded.slice(skip, encoded.length - 4);
}

describe.each(PROVIDERS)('scrubbing a %s key', (provider) => {
  const key = fakeKey(provider);
  const mid = Math.floor(key.length / 2);

  const cases: [string, string][] = [
    ['whole', `invalid key ${key}.`],
    ['split by a space', `invalid key ${key.slice(0, mid)} ${key.slice(mid)} given`],
    ['split by a newline and a tab', `key:\n${key.slice(0, 10)}\n\t${key.slice(10, 40)}\n${key.slice(40)}`],
    ['its last 24 characters', `key ending in ${key.slice(-24)} was refused`],
    ['a 12-character middle', `fragment ${key.slice(mid - 6, mid + 6)} seen`],
    ['upper-cased', `KEY ${key.toUpperCase()} IS INVALID`],
    ['lower-cased', `key ${key.toLowerCase()} is invalid`],
    ['JSON-escaped', JSON.stringify({ key })],
    ['URL-encoded', `https://x.test/?key=${encodeURIComponent(key)}`],
    ['after characters whose lower case is longer', `İİ ẞ ${key.slice(0, mid)} ${key.slice(mid)}`],
  ];

  it.each(cases)('leaves no run of the key when it comes back %s', (_how, text) => {
    const out = scrubSecrets(text, [key]);
    expect(runsOf(key, out)).toEqual([]);
    expect(out).toContain('[REDACTED]');
  });

  it.each([
    ['base64', '', b64, 4 / 3],
    ['base64url', '', b64url, 4 / 3],
    ['base64 of a Basic credential', 'user:', b64, 4 / 3],
    ['base64 of a Bearer header', 'Bearer ', b64, 4 / 3],
    ['hex', '', hex, 2],
    ['upper-case hex', 'k=', (s: string) => hex(s).toUpperCase(), 2],
  ] as const)('leaves nothing of its %s form', (_how, prefix, encode, perByte) => {
    const encoded = encode(prefix + key);
    const out = scrubSecrets(`upstream said: ${encoded} (rejected)`, [key]);
    expect(runsOf(keyPart(encoded, prefix, perByte), out)).toEqual([]);
    expect(out).toContain('upstream said:');
  });

  it('leaves ordinary error text alone', () => {
    const text =
      'The model `gpt-4o-mini` does not exist or you do not have access to it (request req_8f2a). Retry after 20 s.';
    expect(scrubSecrets(text, [key])).toBe(text);
  });
});

describe('scrubbing with several known keys', () => {
  it('removes pieces of each of them', () => {
    const a = fakeKey('openai');
    const b = fakeKey('meta');
    const out = scrubSecrets(`${a.slice(20, 50)} and ${b.slice(-20)} and ${b64(a)}`, [a, b]);
    expect(runsOf(a, out)).toEqual([]);
    expect(runsOf(b, out)).toEqual([]);
    expect(runsOf(b64(a).slice(4, -4), out)).toEqual([]);
  });
});
