/**
 * `npm run bench`: the gateway's overhead measured side by side with a raw node:http proxy and two
 * Hono floors (the minimum Hono forwarder; Hono with the gateway's own upstream client), against a
 * fake upstream, with the verdict against the goals of issues 6 and 17.
 *
 *   npm run bench                     full run (< 5 min), writes bench/results/latest.json + latency.svg
 *   BENCH_QUICK=1 npm run bench       ~30 s smoke run (short durations, 200 streams)
 *   BENCH_PROFILE=1 npm run bench     the gateway under --cpu-prof (non-streaming, streaming) and
 *                                     the top self-time functions; profiles in bench/results/profiles/
 *   BENCH_STRICT=1                    exit 2 when a goal is missed (default: report only)
 *   BENCH_SCENARIOS=a,b               only these scenario ids (e.g. nonStreaming,streaming)
 *   BENCH_PG_URL                      PostgreSQL admin URL (default postgres://postgres@127.0.0.1:5432/test)
 *   BENCH_RESULTS_DIR                 where results go (default bench/results; the smoke test uses a temp dir)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBenchUsers, createPgSchema, startGatewayTarget } from './gateway-setup.js';
import { latencySvg } from './latency-svg.js';
import { machineInfo } from './proc-stats.js';
import {
  baseChildEnv,
  cleanupAll,
  detectPinning,
  installCleanupHandlers,
  onCleanup,
  pinSelf,
  REPO_ROOT,
  startProcess,
  wasInterrupted,
} from './processes.js';
import { runProfiles } from './profile-run.js';
import { type BenchReport, evaluateGoals, formatTable } from './report.js';
import { type BenchContext, type Plan, runAll, type ScenarioResult } from './scenarios.js';
import { runApiScenarios } from './scenarios-api.js';

const QUICK = process.env.BENCH_QUICK === '1';
const PROFILE = process.env.BENCH_PROFILE === '1';
const RESULTS_DIR = process.env.BENCH_RESULTS_DIR ?? join(REPO_ROOT, 'bench/results');

const plan: Plan = QUICK
  ? {
      quick: true,
      warmupSeconds: 0.3,
      seconds: 1,
      connections: 16,
      streams: 200,
      openTimeoutMs: 5_000,
      settleMs: 300,
    }
  : {
      quick: false,
      warmupSeconds: 3,
      seconds: 8,
      connections: 32,
      streams: 2_000,
      openTimeoutMs: 30_000,
      settleMs: 1_500,
    };

async function main(): Promise<void> {
  installCleanupHandlers();
  const started = Date.now();
  const pinning = detectPinning();
  const loadCore = pinning.available ? pinning.loadCore : undefined;
  const targetCore = pinning.available ? pinning.targetCore : undefined;
  if (pinning.available && !pinSelf(pinning.loadCore)) pinning.note += ' (could not pin the bench process)';
  console.log(`bench: ${pinning.note}`);

  const upstream = await startProcess({
    name: 'fake upstream',
    script: join(REPO_ROOT, 'bench/fake-upstream.ts'),
    env: baseChildEnv({}),
    core: loadCore,
  });
  if (PROFILE) {
    await runProfiles(plan, upstream, targetCore, join(RESULTS_DIR, 'profiles'));
    return;
  }

  const baselineEnv = baseChildEnv({ UPSTREAM_ORIGIN: upstream.url });
  const startRaw = (name: string) =>
    startProcess({ name, script: join(REPO_ROOT, 'bench/raw-proxy.ts'), env: baselineEnv, core: targetCore });
  const [raw, honoMin, hono, gateway] = await Promise.all([
    startRaw('raw proxy'),
    startProcess({
      name: 'minimum hono floor',
      script: join(REPO_ROOT, 'bench/hono-min.ts'),
      env: baselineEnv,
      core: targetCore,
    }),
    startProcess({
      name: 'hono + client floor',
      script: join(REPO_ROOT, 'bench/hono-forward.ts'),
      env: baselineEnv,
      core: targetCore,
    }),
    startGatewayTarget({
      name: 'gateway',
      databaseUrl: 'file:./gateway.db', // in the gateway's own temp folder
      upstreamOrigin: upstream.url,
      core: targetCore,
    }),
  ]);
  const users = await createBenchUsers(gateway.url);
  console.log(`bench: targets ready in ${Math.round((Date.now() - started) / 100) / 10} s`);

  const ctx: BenchContext = {
    plan,
    upstream,
    raw,
    honoMin,
    hono,
    gateway,
    users,
    async startGateway(db) {
      let databaseUrl = 'file:./gateway.db'; // in the gateway's own temp folder
      let drop = async (): Promise<void> => undefined;
      if (db === 'postgres') {
        const schema = await createPgSchema();
        if (typeof schema === 'string') return schema;
        onCleanup(() => schema.drop());
        databaseUrl = schema.url;
        drop = () => schema.drop();
      }
      const fresh = await startGatewayTarget({
        name: db === 'postgres' ? 'gateway (PostgreSQL)' : 'gateway (fresh)',
        databaseUrl,
        upstreamOrigin: upstream.url,
        core: targetCore,
      });
      return {
        gateway: fresh,
        users: await createBenchUsers(fresh.url),
        async stop() {
          await fresh.stop();
          await drop();
        },
      };
    },
    startRaw: () => startRaw('raw proxy (fresh)'),
  };

  const results = [...(await runAll(ctx)), ...(await runApiScenarios(ctx))];
  const scenarios: Record<string, ScenarioResult> = {};
  for (const r of results) scenarios[r.id] = r;
  const report: BenchReport = {
    machine: machineInfo(),
    pinning,
    plan,
    scenarios,
    goals: evaluateGoals(scenarios),
  };

  mkdirSync(RESULTS_DIR, { recursive: true });
  // A run of some scenarios only (BENCH_SCENARIOS) is a comparison, never the latest full run.
  const partial = process.env.BENCH_SCENARIOS !== undefined;
  const stem = partial ? 'partial' : 'latest';
  writeFileSync(join(RESULTS_DIR, `${stem}.json`), `${JSON.stringify(report, null, 2)}\n`);
  const chart = ['nonStreaming', 'streaming', 'halfLoadLatency'].flatMap((id) => scenarios[id] ?? []);
  const m = report.machine;
  writeFileSync(
    join(RESULTS_DIR, partial ? 'partial-latency.svg' : 'latency.svg'),
    latencySvg(
      chart,
      `${m.cpuModel}, ${m.cores} cores, node ${m.node}, ${m.date.slice(0, 10)}${plan.quick ? ' (QUICK run)' : ''}`,
    ),
  );
  console.log(`\n${formatTable(report)}\n`);
  console.log(
    `bench: wrote ${join(RESULTS_DIR, `${stem}.json`)} and its latency chart in ${Math.round((Date.now() - started) / 1000)} s`,
  );
  if (process.env.BENCH_STRICT === '1' && report.goals.some((g) => g.pass === false)) process.exitCode = 2;
}

main()
  .catch((err: unknown) => {
    if (wasInterrupted()) return;
    console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanupAll();
    process.exit(wasInterrupted() ? 130 : undefined);
  });
