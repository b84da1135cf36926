import { afterEach, describe, expect, it, vi } from 'vitest';
import { Deadline } from '../../../src/chat/deadline.js';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('Deadline', () => {
  it('expires once at its limit, not before', async () => {
    vi.useFakeTimers();
    const expired = vi.fn();
    new Deadline(1_000, expired);
    await vi.advanceTimersByTimeAsync(999);
    expect(expired).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('moves with renew, and a later restart replaces limit and action', async () => {
    vi.useFakeTimers();
    const first = vi.fn();
    const second = vi.fn();
    const d = new Deadline(1_000, first);
    await vi.advanceTimersByTimeAsync(800);
    d.renew(); // due at 1,800
    await vi.advanceTimersByTimeAsync(900);
    expect(first).not.toHaveBeenCalled();
    d.restart(2_000, second); // due at 3,700: the timer fires at 1,800 and looks again
    await vi.advanceTimersByTimeAsync(1_999);
    expect(second).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(second).toHaveBeenCalledTimes(1);
    expect(first).not.toHaveBeenCalled();
  });

  it('re-arms at once when restarted with a shorter limit', async () => {
    vi.useFakeTimers();
    const expired = vi.fn();
    const d = new Deadline(1_000, () => {});
    d.restart(100, expired);
    await vi.advanceTimersByTimeAsync(100);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('does nothing once cleared', async () => {
    vi.useFakeTimers();
    const expired = vi.fn();
    const d = new Deadline(100, expired);
    d.clear();
    d.clear();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(expired).not.toHaveBeenCalled();
  });

  it('works with timers that have no refresh (Workers)', async () => {
    vi.useFakeTimers();
    const realSet = globalThis.setTimeout;
    // A Workers-like setTimeout: a plain number comes back, so re-arming needs a new timer.
    vi.stubGlobal('setTimeout', (fn: () => void, ms: number) => Number(realSet(fn, ms)));
    const expired = vi.fn();
    const d = new Deadline(1_000, expired);
    await vi.advanceTimersByTimeAsync(500);
    d.restart(2_000, expired); // due at 2,500
    await vi.advanceTimersByTimeAsync(1_999);
    expect(expired).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(expired).toHaveBeenCalledTimes(1);
  });
});
