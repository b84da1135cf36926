import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { timeOrderedId } from '../../../src/util/time-ordered-id.js';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('timeOrderedId (UUID v7)', () => {
  it('is a version 7, variant 10 UUID whose first 48 bits are the milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 48 - 1 }), (ms) => {
        const id = timeOrderedId(ms);
        expect(id).toMatch(V7);
        expect(Number.parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(ms);
      }),
    );
  });

  it('sorts by time as text, and ids of the same millisecond differ', () => {
    const ids = [1, 2, 255, 256, 2 ** 32, 2 ** 40 + 7, Date.now()].map((ms) => timeOrderedId(ms));
    expect([...ids].sort()).toEqual(ids);
    const same = new Set(Array.from({ length: 1000 }, () => timeOrderedId(1_700_000_000_000)));
    expect(same.size).toBe(1000);
  });
});
