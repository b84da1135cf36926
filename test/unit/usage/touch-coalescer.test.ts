import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTouchCoalescer } from '../../../src/usage/touch-coalescer.js';

function recorder(intervalMs = 5_000) {
  const writes: [string, string][] = [];
  const touches = createTouchCoalescer(
    intervalMs,
    async (id, at) => {
      writes.push([id, at]);
    },
    () => {},
  );
  return { writes, touches };
}

const at = (ms: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ms));

afterEach(() => {
  vi.useRealTimers();
});

describe('touch coalescer', () => {
  it('never writes a first touch inside the request that made it, only on a later timer turn', async () => {
    const { writes, touches } = recorder();
    touches.touch('k1', at(0));
    // The rest of the request: however many promise continuations it runs, nothing is written yet.
    for (let i = 0; i < 50; i++) await Promise.resolve();
    expect(writes).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(writes).toEqual([['k1', at(0).toISOString()]]);
  });

  it('folds touches within the interval into one trailing write of the latest time', async () => {
    vi.useFakeTimers();
    const { writes, touches } = recorder(5_000);
    touches.touch('k1', at(0));
    await vi.advanceTimersByTimeAsync(1);
    touches.touch('k1', at(1_000));
    touches.touch('k1', at(2_000));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(writes).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(writes).toEqual([
      ['k1', at(0).toISOString()],
      ['k1', at(2_000).toISOString()],
    ]);
  });

  it('writes everything waiting when flushed, first touches and trailing ones alike', async () => {
    const { writes, touches } = recorder();
    touches.touch('k1', at(0));
    touches.touch('k2', at(0));
    await touches.flush();
    expect(writes.map(([id]) => id).sort()).toEqual(['k1', 'k2']);
    touches.touch('k1', at(10));
    await touches.flush();
    expect(writes).toHaveLength(3);
  });
});
