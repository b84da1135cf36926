/**
 * The one timer of an upstream call. Its limits come one after another — the first byte, then the
 * rest of a whole answer or the silence between two stream chunks — so one timer serves them all
 * and only its deadline moves. Measured on Node 20, a second setTimeout/clearTimeout pair per call
 * cost as much as the first; the deadline's moves cost a clock read.
 *
 * Moving the deadline later touches no timer: when the timer fires before the deadline (it may,
 * never after it) it re-arms itself for the time left — with `refresh()` on Node when that time is
 * at least the timer's own duration (no new timer object; it fires early and looks again), else
 * with a new setTimeout, the only way in Workers, whose timers have no `refresh`. Only a deadline
 * moved earlier than the armed timer re-arms at once. Calls that end before their first limit,
 * nearly all of them, pay exactly one setTimeout and one clearTimeout.
 */
type Timer = ReturnType<typeof setTimeout>;

export class Deadline {
  private due: number;
  private limitMs: number;
  /** When the armed timer fires, and the duration it was armed with (what `refresh` repeats). */
  private firesAt: number;
  private armedMs: number;
  private timer: Timer | undefined;
  private readonly fire = () => this.check();

  constructor(
    ms: number,
    private onExpire: () => void,
  ) {
    const now = Date.now();
    this.limitMs = ms;
    this.due = now + ms;
    this.firesAt = this.due;
    this.armedMs = ms;
    this.timer = setTimeout(this.fire, ms);
  }

  /** A new limit from now: `ms`, then `onExpire` runs once (unless cleared or restarted first). */
  restart(ms: number, onExpire: () => void): void {
    this.onExpire = onExpire;
    this.limitMs = ms;
    this.due = Date.now() + ms;
    if (this.timer === undefined || this.due < this.firesAt) this.arm(ms);
  }

  /** The current limit starts again from now (a chunk came): a clock read, no timer work. */
  renew(): void {
    this.due = Date.now() + this.limitMs;
  }

  /** No limit any more. Idempotent. */
  clear(): void {
    if (this.timer === undefined) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private check(): void {
    const left = this.due - Date.now();
    if (left <= 0) {
      this.timer = undefined;
      this.onExpire();
      return;
    }
    // On Node the fired timer's object is reused while it cannot overshoot the deadline.
    const timer = this.timer as (Timer & { refresh?: () => unknown }) | undefined;
    if (left >= this.armedMs && typeof timer?.refresh === 'function') {
      timer.refresh();
      this.firesAt = Date.now() + this.armedMs;
    } else {
      this.arm(left);
    }
  }

  private arm(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(this.fire, ms);
    this.armedMs = ms;
    this.firesAt = Date.now() + ms;
  }
}
