/**
 * Memory per open idle stream: RSS of the target idle, then with `count` streams held open at once
 * (each got its first event and then stays silent, the fake upstream's slow-stream mode), divided
 * by the number that opened. Streams are opened with plain http.request, in batches so the listen backlog is not
 * flooded, and closed (which must abort the upstream calls) at the end.
 */
import { Agent, type ClientRequest, request } from 'node:http';
import type { Target } from './load.js';
import { round } from './load.js';
import { openFileLimit, rssKiB } from './proc-stats.js';

export interface OpenStreamsResult {
  requested: number;
  opened: number;
  failed: number;
  idleRssKiB: number;
  withStreamsRssKiB: number;
  perStreamKiB: number;
  /** The same growth over every stream asked for (open or left waiting by the target). */
  perRequestedKiB: number;
  /** Slow streams the fake upstream held open while measured: what really reached the upstream. */
  upstreamOpen: number;
}

const BATCH = 100;
/** File descriptors per stream in the target: the client socket and the upstream socket. */
const FDS_PER_STREAM = 2;
const FD_RESERVE = 256;

/** How many streams this machine's open-file limit allows (with a printed warning when capped). */
export function streamCountFor(wanted: number): number {
  const limit = openFileLimit();
  const allowed = Math.floor((limit - FD_RESERVE) / FDS_PER_STREAM);
  if (allowed >= wanted) return wanted;
  const count = Math.max(10, allowed);
  console.warn(
    `bench: ulimit -n is ${limit}; opening ${count} streams instead of ${wanted} (raise it with ulimit -n ${wanted * FDS_PER_STREAM + FD_RESERVE})`,
  );
  return count;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function upstreamOpenCount(upstreamOrigin: string): Promise<number> {
  const res = await fetch(`${upstreamOrigin}/__stats`);
  return ((await res.json()) as { slowOpen: number }).slowOpen;
}

export async function measureOpenStreams(
  target: Target,
  req: { path: string; headers: Record<string, string>; body: string },
  upstreamOrigin: string,
  opts: { count: number; openTimeoutMs: number; settleMs: number },
): Promise<OpenStreamsResult> {
  const { count, openTimeoutMs, settleMs } = opts;
  const url = new URL(req.path, target.url);
  const agent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY });
  const requests: ClientRequest[] = [];
  let opened = 0;
  let failed = 0;
  await sleep(settleMs);
  const idleRssKiB = rssKiB(target.pid);

  const openOne = () =>
    new Promise<void>((resolve) => {
      const r = request(url, { method: 'POST', headers: req.headers, agent }, (res) => {
        if (res.statusCode !== 200) {
          failed++;
          res.resume();
          return resolve();
        }
        res.once('data', () => {
          opened++;
          resolve();
        });
        res.on('error', () => undefined);
      });
      r.on('error', () => {
        failed++;
        resolve();
      });
      r.end(req.body);
      requests.push(r);
    });

  const deadline = Date.now() + openTimeoutMs;
  try {
    for (let i = 0; i < count; i += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, count - i) }, openOne);
      // Wait for the batch, but never past the deadline: a target that queues streams still
      // gets them all, and the result says how many really opened.
      await Promise.race([Promise.all(batch), sleep(Math.max(0, Math.min(3_000, deadline - Date.now())))]);
    }
    while (opened + failed < count && Date.now() < deadline) await sleep(100);
    await sleep(settleMs);
    const withStreamsRssKiB = rssKiB(target.pid);
    const upstreamOpen = await upstreamOpenCount(upstreamOrigin);
    return {
      requested: count,
      opened,
      failed,
      idleRssKiB,
      withStreamsRssKiB,
      // Per stream that really opened: requests a target left waiting are not open streams
      // (the verdict fails when any did not open).
      perStreamKiB: round((withStreamsRssKiB - idleRssKiB) / Math.max(1, opened), 1),
      perRequestedKiB: round((withStreamsRssKiB - idleRssKiB) / count, 1),
      upstreamOpen,
    };
  } finally {
    for (const r of requests) r.destroy();
    agent.destroy();
    // Let the target abort its upstream calls before the next measurement.
    const until = Date.now() + 10_000;
    while (Date.now() < until && (await upstreamOpenCount(upstreamOrigin)) > 0) await sleep(100);
  }
}
