/**
 * The process's stopping state, which the entry drives and the core reads: once `stopping`,
 * `/readyz` answers 503 so a load balancer sends no more traffic; when `streamsCut` aborts (the
 * grace period is over), streams still open end with a final `gateway_shutting_down` error event.
 */
export interface Lifecycle {
  readonly stopping: boolean;
  readonly streamsCut: AbortSignal;
}

export interface LifecycleControl extends Lifecycle {
  beginStopping(): void;
  cutStreams(): void;
}

export function createLifecycle(): LifecycleControl {
  let stopping = false;
  const cut = new AbortController();
  return {
    get stopping() {
      return stopping;
    },
    streamsCut: cut.signal,
    beginStopping() {
      stopping = true;
    },
    cutStreams() {
      stopping = true;
      cut.abort();
    },
  };
}
