/**
 * `BENCH_PROFILE=1 npm run bench`: the gateway under `node --cpu-prof`, one fresh process per
 * scenario (non-streaming, streaming) so each profile holds one kind of load; then the top
 * self-time functions of each, counted over the measured seconds only (no start-up, no warm-up). Profiled figures are slower than real ones: latest.json is not
 * written in this mode.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBenchUsers, startGatewayTarget } from './gateway-setup.js';
import { assertHealthy, measure } from './load.js';
import type { RunningProcess } from './processes.js';
import { formatSummary, summarizeProfile } from './profile-summary.js';
import { chatRequest, expectChat, MODELS } from './requests.js';
import type { Plan } from './scenarios.js';

/** The monotonic clock V8 stamps CPU profiles with, in µs. */
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

/** Node names profiles CPU.<date>.<time>.<pid>.<thread id>.<seq>.cpuprofile; the main thread is 0. */
function mainThreadProfile(dir: string, pid: number): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  const main = files.find((f) => f.split('.')[4] === '0' && f.split('.')[3] === String(pid));
  if (!main) throw new Error(`no main-thread profile among ${files.join(', ') || 'no files'} in ${dir}`);
  return main;
}

export async function runProfiles(
  plan: Plan,
  upstream: RunningProcess,
  core: number | undefined,
  profileDir: string,
): Promise<void> {
  mkdirSync(profileDir, { recursive: true });
  for (const [id, stream] of [
    ['nonStreaming', false],
    ['streaming', true],
  ] as const) {
    const name = `gateway-${id}.cpuprofile`;
    const rawDir = join(profileDir, `.${id}-threads`);
    rmSync(rawDir, { recursive: true, force: true });
    console.log(`▸ profiling the gateway: ${id}`);
    const gateway = await startGatewayTarget({
      name: `gateway (${id}, profiled)`,
      databaseUrl: 'file:./gateway.db', // in the gateway's own temp folder
      upstreamOrigin: upstream.url,
      core,
      // One profile per thread (tsx's loader hooks run in a worker): Node's own file names, in a
      // folder of their own, so the main thread's can be picked afterwards.
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${rawDir}`, '--cpu-prof-interval=250'],
    });
    const users = await createBenchUsers(gateway.url);
    const req = chatRequest(users.withKeys.jwt, MODELS.openai, stream);
    await expectChat(`${id} (profiled gateway)`, gateway.url, req, { 'x-gateway-provider': 'openai' });
    const opts = { warmupSeconds: 0, connections: plan.connections };
    await measure(gateway, req, { ...opts, seconds: plan.warmupSeconds });
    const fromUs = nowUs();
    const r = await measure(gateway, req, { ...opts, seconds: plan.seconds });
    const toUs = nowUs();
    assertHealthy(`${id} (profiled)`, r);
    console.log(`  · ${r.rps} req/s, ${r.cpuMicrosPerRequest} µs CPU/req (with the profiler on)`);
    await gateway.stop(); // the profiles are written as the process exits
    renameSync(join(rawDir, mainThreadProfile(rawDir, gateway.pid)), join(profileDir, name));
    rmSync(rawDir, { recursive: true, force: true });
    const summary = formatSummary(
      await summarizeProfile(join(profileDir, name), 25, { fromUs, toUs }),
      r.requests,
    );
    writeFileSync(join(profileDir, `gateway-${id}.summary.txt`), `${summary}\n`);
    console.log(`\n${summary}\n`);
  }
}
