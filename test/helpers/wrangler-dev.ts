import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OFFLINE_WRANGLER_ENV } from '../../scripts/wrangler-offline.js';
import { REPO_ROOT } from './spawn-gateway.js';

/**
 * The Worker as `npm run dev:worker` runs it: the real `wrangler dev` (workerd, a local D1) on a
 * free port, with its own persistence folder that the D1 migrations are applied to first.
 * Nothing reaches the internet (see OFFLINE_WRANGLER_ENV).
 */
const WRANGLER = join(REPO_ROOT, 'node_modules/wrangler/bin/wrangler.js');

export interface WranglerDev {
  url: string;
  /** wrangler's pid, which is also the process group of the workerd it runs. */
  pid: number;
  output(): string;
  /** SQL on the Worker's local D1 (`wrangler d1 execute --local`): the rows of the last statement. */
  d1(sql: string): Promise<Record<string, unknown>[]>;
  /** Fires the cron trigger (`/__scheduled`, served because wrangler dev runs with --test-scheduled). */
  scheduled(cron: string): Promise<Response>;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function wrangler(args: string[], persistTo: string): ChildProcess {
  return spawn(process.execPath, [WRANGLER, ...args, '--persist-to', persistTo], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      CI: 'true',
      ...OFFLINE_WRANGLER_ENV,
    },
    // Its own process group, so stopping it also stops the workerd it started.
    detached: true,
  });
}

function collect(child: ChildProcess): () => string {
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  return () => out;
}

/** One `wrangler d1 …` command to its end; its stdout. */
async function d1Command(args: string[], persistTo: string): Promise<string> {
  const child = wrangler(['d1', ...args], persistTo);
  let stdout = '';
  child.stdout?.on('data', (d) => (stdout += d));
  const output = collect(child);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`wrangler d1 ${args[0]} failed (${code}):\n${output()}`);
  return stdout;
}

const applyMigrations = (persistTo: string) =>
  d1Command(['migrations', 'apply', 'byok-gateway', '--local'], persistTo);

async function executeSql(sql: string, persistTo: string): Promise<Record<string, unknown>[]> {
  const stdout = await d1Command(
    ['execute', 'byok-gateway', '--local', '--json', '--command', sql],
    persistTo,
  );
  const results = JSON.parse(stdout) as { results: Record<string, unknown>[] }[];
  return results.at(-1)?.results ?? [];
}

export async function startWranglerDev(vars: Record<string, string>): Promise<WranglerDev> {
  const persistTo = mkdtempSync(join(tmpdir(), 'byok-wrangler-'));
  await applyMigrations(persistTo);
  const port = await freePort();
  const varArgs = Object.entries(vars).flatMap(([k, v]) => ['--var', `${k}:${v}`]);
  const child = wrangler(
    [
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(await freePort()),
      '--show-interactive-dev-session=false',
      // 'log', not 'info': wrangler ranks the Worker's console.log below 'info' and would hide the
      // gateway's own log lines, which tests read (and check for secrets).
      '--log-level',
      'log',
      // Serves /__scheduled, so a test can fire the cron trigger of wrangler.toml.
      '--test-scheduled',
      ...varArgs,
    ],
    persistTo,
  );
  const output = collect(child);
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const stop = async () => {
    if (child.exitCode === null && child.pid) process.kill(-child.pid, 'SIGTERM');
    await exited;
    rmSync(persistTo, { recursive: true, force: true });
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`wrangler dev did not start:\n${output()}`)), 60_000);
    const onData = () => {
      if (!/Ready on http/.test(output())) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`wrangler dev exited with ${code}:\n${output()}`));
    });
  }).catch(async (err) => {
    await stop();
    throw err;
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    pid: child.pid ?? 0,
    output,
    d1: (sql) => executeSql(sql, persistTo),
    scheduled: (cron) => fetch(`${url}/__scheduled?cron=${encodeURIComponent(cron)}`),
    stop,
  };
}
