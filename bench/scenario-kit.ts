/**
 * What every scenario shares: the ids, the result shape, the run plan, the context (targets and
 * users), and the helpers that measure one target and compare two.
 */
import type { BenchUsers } from './gateway-setup.js';
import {
  assertHealthy,
  type LoadOptions,
  type LoadRequest,
  type LoadResult,
  measure,
  round,
} from './load.js';
import type { OpenStreamsResult } from './open-streams.js';
import type { RunningProcess } from './processes.js';

export const SCENARIO_IDS = [
  'nonStreaming',
  'streaming',
  'anthropicStreaming',
  'openrouterSystemKey',
  'gatewayToken',
  'postgres',
  'halfLoadLatency',
  'openStreams',
  'keysCreate',
  'keysList',
  // issue 16's routes (bench/scenarios-api.ts)
  'embeddings',
  'messagesStreaming',
] as const;
export type ScenarioId = (typeof SCENARIO_IDS)[number];
/**
 * `honoMin`: the minimum Hono forwarder (bench/hono-min.ts); `hono`: Hono with the gateway's own
 * upstream client and client-abort signal (bench/hono-forward.ts).
 */
export type TargetId = 'raw' | 'honoMin' | 'hono' | 'gateway';
export const TARGETS: readonly TargetId[] = ['raw', 'honoMin', 'hono', 'gateway'];

export interface ScenarioResult {
  id: ScenarioId;
  title: string;
  /** Why the scenario did not run; its figures are then absent. */
  skipped?: string;
  runs: Partial<Record<TargetId, LoadResult>>;
  /** Derived numbers: ratios, added latency, memory per stream, … */
  figures: Record<string, number>;
  /** What the ratios compare with, e.g. `streaming.raw`. */
  baseline?: string;
  openStreams?: Partial<Record<TargetId, OpenStreamsResult>>;
}

export interface Plan {
  quick: boolean;
  warmupSeconds: number;
  seconds: number;
  connections: number;
  streams: number;
  openTimeoutMs: number;
  /** Pause before reading RSS (idle, and with the streams open). */
  settleMs: number;
}

export interface FreshGateway {
  gateway: RunningProcess;
  users: BenchUsers;
  stop(): Promise<void>;
}

export interface BenchContext {
  plan: Plan;
  upstream: RunningProcess;
  raw: RunningProcess;
  honoMin: RunningProcess;
  hono: RunningProcess;
  gateway: RunningProcess;
  users: BenchUsers;
  /** A fresh gateway process with its users (PostgreSQL: or the reason it cannot start). */
  startGateway(db: 'sqlite' | 'postgres'): Promise<FreshGateway | string>;
  /** A fresh raw proxy process. */
  startRaw(): Promise<RunningProcess>;
}

export const log = (line: string) => console.log(`  · ${line}`);

/** BENCH_SCENARIOS=nonStreaming,streaming runs only those (for quick comparisons); default all. */
const ONLY = process.env.BENCH_SCENARIOS?.split(',').filter(Boolean);
export const wanted = (id: ScenarioId) => !ONLY || ONLY.includes(id);

export function loadOpts(plan: Plan, extra: Partial<LoadOptions> = {}): LoadOptions {
  return {
    warmupSeconds: plan.warmupSeconds,
    seconds: plan.seconds,
    connections: plan.connections,
    ...extra,
  };
}

export async function run(label: string, target: RunningProcess, req: LoadRequest, opts: LoadOptions) {
  const r = await measure(target, req, opts);
  assertHealthy(label, r);
  log(`${label}: ${r.rps} req/s, p99 ${r.latencyMs.p99} ms, ${r.cpuMicrosPerRequest} µs CPU/req`);
  return r;
}

export const ratio = (a: LoadResult | undefined, b: LoadResult | undefined) =>
  a && b ? round(a.cpuMicrosPerRequest / b.cpuMicrosPerRequest, 2) : Number.NaN;
