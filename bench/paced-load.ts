/**
 * An open-loop load at a fixed, evenly paced rate, for latency at a given throughput. autocannon's
 * own rate limit sends each second's quota as a burst at the start of the second, which measures
 * queueing behind the burst rather than the latency a target adds; here request i leaves at
 * start + i / rate (checked every millisecond) whatever the answers before it did.
 */
import { Agent, request } from 'node:http';
import { type LoadRequest, type LoadResult, PERCENTILES, percentile, round, type Target } from './load.js';
import { cpuMicros, rssKiB } from './proc-stats.js';

interface PacedRun {
  times: number[];
  non2xx: number;
  errors: number;
  seconds: number;
}

function paced(target: Target, req: LoadRequest, rate: number, seconds: number): Promise<PacedRun> {
  const url = new URL(req.path, target.url);
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const times: number[] = [];
  let non2xx = 0;
  let errors = 0;
  let sent = 0;
  let inFlight = 0;
  const total = Math.round(rate * seconds);
  const start = performance.now();

  const fire = () => {
    inFlight++;
    const t0 = performance.now();
    const r = request(url, { method: req.method, headers: req.headers, agent }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => {
        inFlight--;
        const status = res.statusCode ?? 0;
        if (status >= 200 && status < 300) times.push(performance.now() - t0);
        else non2xx++;
      });
    });
    r.on('error', () => {
      inFlight--;
      errors++;
    });
    r.end(req.body);
  };

  return new Promise((resolve) => {
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      while (sent < due) {
        sent++;
        fire();
      }
      if (sent < total) return;
      clearInterval(timer);
      const sentAll = performance.now();
      const waitEnd = setInterval(() => {
        if (inFlight > 0 && performance.now() - sentAll < 10_000) return;
        clearInterval(waitEnd);
        agent.destroy();
        resolve({ times, non2xx, errors, seconds: (sentAll - start) / 1000 });
      }, 5);
    }, 1);
  });
}

export async function measurePaced(
  target: Target,
  req: LoadRequest,
  rate: number,
  seconds: number,
  warmupSeconds: number,
): Promise<LoadResult> {
  if (warmupSeconds > 0) await paced(target, req, rate, warmupSeconds);
  const cpuBefore = cpuMicros(target.pid);
  const run = await paced(target, req, rate, seconds);
  const cpu = cpuMicros(target.pid) - cpuBefore;
  const sorted = Float64Array.from(run.times).sort();
  const latencyMs: Record<string, number> = {};
  for (const p of PERCENTILES) latencyMs[`p${p}`] = round(percentile(sorted, p), 3);
  const requests = run.times.length + run.non2xx;
  return {
    requests,
    rps: round(requests / run.seconds, 1),
    latencyMs,
    cpuMicrosPerRequest: round(requests > 0 ? cpu / requests : Number.NaN, 1),
    rssMiB: round(rssKiB(target.pid) / 1024, 1),
    non2xx: run.non2xx,
    errors: run.errors,
    seconds: round(run.seconds, 2),
  };
}
