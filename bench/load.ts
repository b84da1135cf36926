/**
 * One measurement: autocannon against a target process, warm-up first, then a fixed duration;
 * throughput, latency percentiles (from every response's own time, µs precision — autocannon's
 * histogram keeps whole milliseconds only), the target's CPU time per request and its RSS.
 */
import autocannon from 'autocannon';
import { cpuMicros, rssKiB } from './proc-stats.js';

export interface Target {
  name: string;
  pid: number;
  url: string;
}

export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  /**
   * Called per request when each needs its own body or headers (e.g. unique key names); keeps
   * its own count, so warm-up and measured run never repeat a request.
   */
  vary?: () => { headers?: Record<string, string>; body?: string };
}

export interface LoadOptions {
  warmupSeconds: number;
  seconds: number;
  connections: number;
}

export const PERCENTILES = [50, 75, 90, 95, 99, 99.9] as const;

export interface LoadResult {
  requests: number;
  rps: number;
  /** Latency percentiles in ms, keyed `p50`, `p75`, … `p99.9`. */
  latencyMs: Record<string, number>;
  cpuMicrosPerRequest: number;
  rssMiB: number;
  non2xx: number;
  errors: number;
  seconds: number;
}

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

interface CannonRun {
  result: autocannon.Result;
  times: number[];
  responses: number;
  non2xx: number;
}

function cannon(target: Target, req: LoadRequest, seconds: number, connections: number) {
  const requests: autocannon.Request[] = [
    {
      method: req.method,
      path: req.path,
      headers: req.headers,
      body: req.body,
      ...(req.vary
        ? {
            setupRequest: (r: autocannon.Request) => {
              const v = req.vary!();
              return { ...r, headers: { ...r.headers, ...v.headers }, body: v.body ?? r.body };
            },
          }
        : {}),
    },
  ];
  return new Promise<CannonRun>((resolve, reject) => {
    const times: number[] = [];
    let responses = 0;
    let non2xx = 0;
    const instance = autocannon(
      {
        url: target.url,
        connections,
        duration: seconds,
        requests,
        timeout: 30,
      },
      (err, result) => (err ? reject(err) : resolve({ result, times, responses, non2xx })),
    );
    instance.on('response', (_client, status, _bytes, responseTime) => {
      responses++;
      if (status >= 200 && status < 300) times.push(responseTime);
      else non2xx++;
    });
  });
}

export async function measure(target: Target, req: LoadRequest, opts: LoadOptions): Promise<LoadResult> {
  if (opts.warmupSeconds > 0) await cannon(target, req, opts.warmupSeconds, opts.connections);
  const cpuBefore = cpuMicros(target.pid);
  const t0 = performance.now();
  const run = await cannon(target, req, opts.seconds, opts.connections);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = cpuMicros(target.pid) - cpuBefore;
  const sorted = Float64Array.from(run.times).sort();
  const latencyMs: Record<string, number> = {};
  for (const p of PERCENTILES) latencyMs[`p${p}`] = round(percentile(sorted, p), 3);
  return {
    requests: run.responses,
    rps: round(run.responses / seconds, 1),
    latencyMs,
    cpuMicrosPerRequest: round(run.responses > 0 ? cpu / run.responses : Number.NaN, 1),
    rssMiB: round(rssKiB(target.pid) / 1024, 1),
    non2xx: run.non2xx,
    errors: run.result.errors,
    seconds: round(seconds, 2),
  };
}

export function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/** Throws when a run's figures would be meaningless (nothing answered, or errors answered). */
export function assertHealthy(label: string, r: LoadResult): void {
  if (r.requests === 0) throw new Error(`${label}: no request completed`);
  const bad = r.non2xx + r.errors;
  if (bad > Math.max(5, r.requests * 0.01)) {
    throw new Error(`${label}: ${r.non2xx} non-2xx answers and ${r.errors} errors in ${r.requests} requests`);
  }
}
