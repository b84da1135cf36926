/**
 * Coalesces "last used" writes off the hot path. No touch is written in the request that made it:
 * an id's first touch (or one after `intervalMs` of quiet) is written on the next timer turn, once
 * the response is on its way; later touches within `intervalMs` fold into one trailing write.
 * `flush` writes whatever is waiting (graceful shutdown, and Workers' waitUntil after each
 * request, where no timer outlives the request). Write failures are reported, never thrown.
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
  /** Due now: written on the next timer turn. */
  const due = new Map<string, Date>();
  /** Touched again within the interval: written when it ends. */
  const trailing = new Map<string, Date>();
  const inFlight = new Set<Promise<void>>();
  let soon: ReturnType<typeof setTimeout> | undefined;
  let later: ReturnType<typeof setTimeout> | undefined;

  const run = (id: string, at: Date) => {
    lastWritten.set(id, at.getTime());
    const p = write(id, at.toISOString())
      .catch(onError)
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  const drain = (pending: Map<string, Date>) => {
    for (const [id, at] of pending) run(id, at);
    pending.clear();
  };

  /** Node: a waiting write must not keep the process alive on shutdown (flush does that). */
  const schedule = (fn: () => void, ms: number) => {
    const timer = setTimeout(fn, ms);
    (timer as { unref?: () => void }).unref?.();
    return timer;
  };

  return {
    touch(id, at) {
      const last = lastWritten.get(id);
      if (due.has(id) || last === undefined || at.getTime() - last >= intervalMs) {
        trailing.delete(id);
        due.set(id, at);
        soon ??= schedule(() => {
          soon = undefined;
          drain(due);
        }, 0);
        return;
      }
      trailing.set(id, at);
      later ??= schedule(() => {
        later = undefined;
        drain(trailing);
      }, intervalMs);
      if (lastWritten.size > 100_000) lastWritten.clear();
    },
    async flush() {
      clearTimeout(soon);
      clearTimeout(later);
      soon = undefined;
      later = undefined;
      drain(due);
      drain(trailing);
      await Promise.all([...inFlight]);
    },
  };
}
