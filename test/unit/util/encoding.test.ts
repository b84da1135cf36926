import fc from 'fast-check';
import { base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../../../src/util/encoding.js';

/** The rule fromBase64Url keeps, in its plainest form: jose decodes, and only the text jose would write back is accepted. */
function reference(s: string): Uint8Array | 'invalid' {
  let bytes: Uint8Array;
  try {
    bytes = base64url.decode(s);
  } catch {
    return 'invalid';
  }
  return base64url.encode(bytes) === s ? bytes : 'invalid';
}

function ours(s: string): Uint8Array | 'invalid' {
  try {
    return fromBase64Url(s);
  } catch {
    return 'invalid';
  }
}

// The alphabet, its standard-base64 cousins, padding, whitespace and a few characters beyond ASCII.
const CHARS = [
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  '+',
  '/',
  '=',
  ' ',
  '\n',
  '.',
  'é',
  '€',
  '\u0000',
];

describe('fromBase64Url', () => {
  it('reads back every byte string toBase64Url writes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(fromBase64Url(toBase64Url(bytes))).toEqual(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts and refuses exactly what decoding with jose and comparing the re-encoding does', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...CHARS), { maxLength: 40 }).map((cs) => cs.join('')),
        (s) => {
          expect(ours(s)).toEqual(reference(s));
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('refuses the non-canonical spellings of valid bytes', () => {
    for (const bad of ['QQ==', 'QR', 'QUF', 'QUJ', 'Q', 'QUFB=', 'QU FB', 'QUFB\n', '+/8', 'QUFBQ']) {
      expect(() => fromBase64Url(bad), bad).toThrow(TypeError);
    }
    expect(fromBase64Url('')).toEqual(new Uint8Array());
    expect(fromBase64Url('QQ')).toEqual(new Uint8Array([0x41]));
    expect(fromBase64Url('QUE')).toEqual(new Uint8Array([0x41, 0x41]));
    expect(fromBase64Url('-_8')).toEqual(new Uint8Array([0xfb, 0xff]));
  });
});
