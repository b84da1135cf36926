/**
 * Instructions per request of the gateway, counted by valgrind (callgrind): unlike CPU time, the
 * count does not move with what else the machine runs, so two versions can be compared on a
 * shared, loaded machine. The gateway runs under callgrind with collection off; after a warm-up
 * (so V8 has compiled the hot path) collection is switched on for exactly `BENCH_IR_REQUESTS`
 * requests, then off. Counts include everything the process executes (V8, GC, libuv, OpenSSL,
 * SQLite): the per-request work of the whole gateway.
 *
 *   npx tsx bench/instructions.ts [tree ...]   each tree: a checkout of the repo (default: this one)
 *   BENCH_IR_STREAM=1                          the 50-chunk stream instead of the JSON answer
 *   BENCH_IR_ORG=1                             the caller's JWT names an organisation (ORG_CLAIM), so
 *                                              key choice reads its organisation's keys too
 *   BENCH_IR_REQUESTS=1000 BENCH_IR_WARMUP=2000
 *   BENCH_IR_NODE_ARGS='--single-threaded'   flags for the gateway's node: V8 then compiles and
 *                                              collects on the main thread, in the same order each
 *                                              run, not on background threads whose share of the
 *                                              count changes between runs (two runs of one tree
 *                                              came 19 % apart without it)
 *
 * Needs `valgrind` (Debian: apt-get install valgrind). Slow: V8 under valgrind runs ~50x slower,
 * about 3 minutes per tree.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createBenchUsers, gatewayEnv, signJwt } from './gateway-setup.js';
import {
  baseChildEnv,
  cleanupAll,
  installCleanupHandlers,
  makeTempDir,
  REPO_ROOT,
  startProcess,
} from './processes.js';
import { chatRequest, expectChat, MODELS } from './requests.js';

const STREAM = process.env.BENCH_IR_STREAM === '1';
const ORG = process.env.BENCH_IR_ORG === '1';
const REQUESTS = Number(process.env.BENCH_IR_REQUESTS ?? 1000);
const WARMUP = Number(process.env.BENCH_IR_WARMUP ?? 2000);
const NODE_ARGS = (process.env.BENCH_IR_NODE_ARGS ?? '').split(' ').filter((a) => a !== '');
/**
 * vgdb (behind callgrind_control) names its pipes after user and host: both sides must agree.
 * HOST is also the gateway's listen address, so it is one both can use.
 */
const VGDB_ENV = { USER: 'bench', LOGNAME: 'bench', HOST: '127.0.0.1' };

function fire(url: string, req: ReturnType<typeof chatRequest>, amount: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let non2xx = 0;
    const instance = autocannon(
      { url, connections: 8, amount, timeout: 120, requests: [{ ...req }] },
      (err) => (err ? reject(err) : resolve(non2xx)),
    );
    instance.on('response', (_c, status) => {
      if (status < 200 || status >= 300) non2xx++;
    });
  });
}

async function countTree(tree: string, upstreamUrl: string): Promise<number> {
  const dir = makeTempDir('byok-bench-ir-');
  const out = join(dir, 'callgrind.out');
  const loader = join(tree, 'node_modules/tsx/dist/loader.mjs');
  const gateway = await startProcess({
    name: `gateway (${tree}) under callgrind`,
    script: join(tree, 'src/node.ts'),
    env: {
      ...baseChildEnv(gatewayEnv('file:./gateway.db', upstreamUrl)),
      ...VGDB_ENV,
      TSX_TSCONFIG_PATH: join(tree, 'tsconfig.json'),
    },
    cwd: dir,
    startTimeoutMs: 600_000,
    // Instrumentation off until the warm-up is over (valgrind runs far faster without it).
    wrap: ['valgrind', '--tool=callgrind', '--instr-atstart=no', `--callgrind-out-file=${out}`],
    nodeArgs: NODE_ARGS,
    loader,
  });
  try {
    const users = await createBenchUsers(gateway.url);
    const jwt = ORG ? await signJwt(users.withKeys.userId, { org_id: 'bench-org' }) : users.withKeys.jwt;
    const req = chatRequest(jwt, MODELS.openai, STREAM);
    await expectChat('probe', gateway.url, req, { 'x-gateway-provider': 'openai' });
    if ((await fire(gateway.url, req, WARMUP)) > 0) throw new Error('warm-up answered non-2xx');
    execFileSync('callgrind_control', ['-i', 'on', String(gateway.pid)], {
      env: { ...process.env, ...VGDB_ENV },
    });
    const bad = await fire(gateway.url, req, REQUESTS);
    execFileSync('callgrind_control', ['-i', 'off', String(gateway.pid)], {
      env: { ...process.env, ...VGDB_ENV },
    });
    if (bad > 0) throw new Error(`${bad} non-2xx answers while counting`);
    await gateway.stop(120_000);
    const text = readFileSync(out, 'utf8');
    // `totals:` is the count; the header's `summary:` line is written as 0 when the file is opened.
    const total = /^totals:\s+(\d+)/m.exec(text);
    if (!total?.[1]) throw new Error('no totals in the callgrind output');
    return Number(total[1]) / REQUESTS;
  } finally {
    await gateway.stop(120_000);
    rmSync(out, { force: true });
  }
}

async function main(): Promise<void> {
  installCleanupHandlers();
  const trees = process.argv.slice(2);
  if (trees.length === 0) trees.push(REPO_ROOT);
  const upstream = await startProcess({
    name: 'fake upstream',
    script: join(REPO_ROOT, 'bench/fake-upstream.ts'),
    env: baseChildEnv({}),
  });
  for (const tree of trees) {
    const ir = await countTree(tree, upstream.url);
    console.log(
      `${tree}: ${Math.round(ir).toLocaleString('en-US')} instructions per ${STREAM ? 'streamed' : 'non-streaming'} request${ORG ? ' (caller in an organisation)' : ''} (${REQUESTS} counted after ${WARMUP} warm-up${NODE_ARGS.length > 0 ? `, node ${NODE_ARGS.join(' ')}` : ''})`,
    );
  }
}

main()
  .catch((err: unknown) => {
    console.error(`bench/instructions failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  })
  .finally(async () => {
    await cleanupAll();
    process.exit();
  });
