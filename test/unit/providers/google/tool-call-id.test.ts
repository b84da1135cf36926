import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newToolCallId, signatureOf } from '../../../../src/providers/google/tool-call-id.js';
import { fixtureJson } from './helpers.js';

const ID_CHARS = /^[A-Za-z0-9_-]+$/;

describe('thought signatures carried in tool call ids', () => {
  it('mints plain call_ ids when there is no signature', () => {
    const id = newToolCallId();
    expect(id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(signatureOf(id)).toBeUndefined();
    expect(newToolCallId()).not.toBe(id);
  });

  it('round-trips the signatures of the recorded answers exactly, within [A-Za-z0-9_-]', () => {
    const doc = fixtureJson<{ candidates: { content: { parts: { thoughtSignature?: string }[] } }[] }>(
      'generate-tool-calls.json',
    );
    const signature = doc.candidates[0]?.content.parts[1]?.thoughtSignature ?? '';
    expect(signature).toMatch(/[+/=]/); // the awkward characters really occur
    const id = newToolCallId(signature);
    expect(id).toMatch(ID_CHARS);
    expect(signatureOf(id)).toBe(signature);
  });

  it('round-trips any base64 signature and any other string', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const signature = Buffer.from(bytes).toString('base64');
        const id = newToolCallId(signature);
        expect(id).toMatch(ID_CHARS);
        expect(signatureOf(id)).toBe(signature === '' ? undefined : signature);
      }),
    );
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 80, unit: 'grapheme' }), (signature) => {
        const id = newToolCallId(signature);
        expect(id).toMatch(ID_CHARS);
        expect(signatureOf(id)).toBe(signature);
      }),
    );
  });

  it('finds no signature in foreign or damaged ids', () => {
    for (const id of [
      'call_abc',
      'toolu_01A09q90qw90lq917835lq9',
      'call_AAAAAAAAAAAAAAAAAAAAAAAA_ts_A',
      'call_AAAAAAAAAAAAAAAAAAAAAAAA_tu_%%',
      'call_AAAAAAAAAAAAAAAAAAAAAAAA_tu__w',
      `call_${'A'.repeat(23)}_ts_QUJD`,
    ]) {
      expect(signatureOf(id)).toBeUndefined();
    }
  });
});
