import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeKey } from '../fakes/keys.js';
import { startFakeOpenAICompatible } from '../fakes/openai-compatible-server.js';
import { TEST_ENCRYPTION_SECRET, TEST_JWT_SECRET } from '../test/helpers/config.js';
import { baseEnv, startGatewayProcess } from '../test/helpers/spawn-gateway.js';
import { signTestJwt } from '../test/helpers/test-app.js';
import { startWranglerDev } from '../test/helpers/wrangler-dev.js';

/**
 * CPU per request of the Worker under `wrangler dev` (workerd) beside the Node server, for the same
 * non-streaming and streaming chats through a local fake OpenAI: CPU time of the serving processes
 * (from /proc) over N requests, divided by N. Not a throughput bench; a rough comparison.
 *   node --import tsx bench/worker-cpu.ts
 */
const N = Number(process.env.N ?? 400);
const CONCURRENCY = 8;
const TICK = 100; // USER_HZ

function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / TICK;
}

function groupPids(pgid: number, name: string): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '-g', String(pgid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([, comm]) => comm?.includes(name))
    .map(([pid]) => Number(pid));
}

async function load(url: string, jwt: string, stream: boolean, n: number): Promise<void> {
  const body = JSON.stringify({
    model: 'openai/gpt-4o-mini',
    stream,
    messages: [{ role: 'user', content: stream ? '!scenario chunks 20' : 'Hello' }],
  });
  let next = 0;
  const worker = async () => {
    while (next++ < n) {
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
        body,
      });
      if (res.status !== 200) throw new Error(`status ${res.status}`);
      await res.arrayBuffer();
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

async function measure(name: string, url: string, pids: () => number[], jwt: string) {
  const key = await fetch(`${url}/api/user/api-keys`, {
    method: 'POST',
    headers: { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' },
    body: JSON.stringify({ provider: 'openai', apiKey: fakeKey('openai') }),
  });
  if (key.status !== 201) throw new Error(`store key: ${key.status}`);
  for (const stream of [false, true]) {
    await load(url, jwt, stream, 100); // warm-up
    const before = cpuMs(pids());
    await load(url, jwt, stream, N);
    const used = cpuMs(pids()) - before;
    console.log(
      `${name} ${stream ? 'streaming (20 chunks)' : 'non-streaming'}: ${((used * 1000) / N).toFixed(0)} µs CPU/request over ${N}`,
    );
  }
}

const fake = await startFakeOpenAICompatible({ flavour: 'openai' });
const vars = {
  API_KEY_ENCRYPTION_SECRET: TEST_ENCRYPTION_SECRET,
  JWT_SECRET: TEST_JWT_SECRET,
  OPENAI_BASE_URL: fake.baseUrl,
  RATE_LIMIT_RPM: '0',
  LOG_LEVEL: 'warn',
};
const jwt = await signTestJwt('cpu-user', { expiresIn: '1h' });

const worker = await startWranglerDev({ ...vars });
try {
  await measure('worker (workerd)', worker.url, () => groupPids(worker.pid, 'workerd'), jwt);
  await measure(
    'worker (workerd + wrangler node)',
    worker.url,
    () => [...groupPids(worker.pid, 'workerd'), ...groupPids(worker.pid, 'node')],
    await signTestJwt('cpu-user-2', { expiresIn: '1h' }),
  );
} finally {
  await worker.stop();
}
const dir = mkdtempSync(join(tmpdir(), 'byok-cpu-'));
const node = await startGatewayProcess({
  cwd: dir,
  env: baseEnv({ ...vars, DATABASE_URL: `file:${join(dir, 'g.db')}` }),
});
try {
  await measure('node (SQLite)', node.url, () => [node.child.pid!], jwt);
} finally {
  await node.stop();
  await fake.close();
}
