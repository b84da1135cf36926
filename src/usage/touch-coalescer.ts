/**
 * Coalesces "last used" writes off the hot path: the first touch of an id is written at once,
 * later touches within `intervalMs` are folded into one trailing write. Write failures are
 * reported, never thrown into a request.
 */
export interface TouchCoalescer {
  touch(id: string, at: Date): void;
  flush(): Promise<void>;
}

export function createTouchCoalescer(
  intervalMs: number,
  write: (id: string, at: string) => Promise<void>,
  onError: (err: unknown) => void,
): TouchCoalescer {
  const lastWritten = new Map<string, number>();
  const pending = new Map<string, Date>();
  const inFlight = new Set<Promise<void>>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const run = (id: string, at: Date) => {
    lastWritten.set(id, at.getTime());
    const p = write(id, at.toISOString())
      .catch(onError)
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const drain = () => {
    timer = undefined;
    for (const [id, at] of pending) run(id, at);
    pending.clear();
  };

  return {
    touch(id, at) {
      const last = lastWritten.get(id);
      if (last === undefined || at.getTime() - last >= intervalMs) {
        pending.delete(id);
        run(id, at);
        return;
      }
      pending.set(id, at);
      if (!timer) {
        timer = setTimeout(drain, intervalMs);
        // Node: a pending trailing write must not keep the process alive on shutdown (flush does that).
        (timer as { unref?: () => void }).unref?.();
      }
      if (lastWritten.size > 100_000) lastWritten.clear();
    },
    async flush() {
      if (timer) clearTimeout(timer);
      drain();
      await Promise.all([...inFlight]);
    },
  };
}
