/**
 * Child processes and temp folders of one bench run, pinned to a core when `taskset` exists, and
 * all cleaned up on exit, on failure and on Ctrl-C.
 *
 * Targets run as `node --import <tsx loader> script.ts` rather than through tsx's CLI: the CLI
 * keeps a parent process and runs the script in a child, and the bench must read the CPU time
 * of the process that serves.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const TSX_LOADER = pathToFileURL(join(REPO_ROOT, 'node_modules/tsx/dist/loader.mjs')).href;

export interface Pinning {
  available: boolean;
  /** Core of the fake upstream and of the bench process (the load generator). */
  loadCore: number;
  /** Core of every measured target. */
  targetCore: number;
  note: string;
}

export function detectPinning(): Pinning {
  const cores = cpus().length;
  const taskset = spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
  if (!taskset)
    return { available: false, loadCore: 0, targetCore: 0, note: 'taskset not found: not pinned' };
  if (cores < 2) return { available: false, loadCore: 0, targetCore: 0, note: 'one core: not pinned' };
  return {
    available: true,
    loadCore: 0,
    targetCore: 1,
    note: 'fake upstream + load generator on core 0, each target on core 1',
  };
}

/** Moves this (bench) process to a core, so the load generator does not steal the target's. */
export function pinSelf(core: number): boolean {
  return spawnSync('taskset', ['-cp', String(core), String(process.pid)], { stdio: 'ignore' }).status === 0;
}

export interface RunningProcess {
  name: string;
  pid: number;
  url: string;
  output(): string;
  /** SIGTERM, wait for the exit (so --cpu-prof can write), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
const tempDirs = new Set<string>();
const asyncCleanups: (() => Promise<void>)[] = [];

export function makeTempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

export function onCleanup(fn: () => Promise<void>): void {
  asyncCleanups.push(fn);
}

/** A clean environment; tsx compiles with the repo's tsconfig whatever the child's folder. */
export function baseChildEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    TSX_TSCONFIG_PATH: join(REPO_ROOT, 'tsconfig.json'),
    ...extra,
  };
}

export function startProcess(opts: {
  name: string;
  script: string;
  env: Record<string, string>;
  core?: number;
  nodeArgs?: string[];
  cwd?: string;
  startTimeoutMs?: number;
  /** A command the node command runs under (e.g. valgrind and its options). */
  wrap?: string[];
  /** tsx's loader file of another checkout (default this repo's). */
  loader?: string;
}): Promise<RunningProcess> {
  const loader = opts.loader ? pathToFileURL(opts.loader).href : TSX_LOADER;
  const nodeCmd = [
    ...(opts.wrap ?? []),
    process.execPath,
    ...(opts.nodeArgs ?? []),
    '--import',
    loader,
    opts.script,
  ];
  const [cmd, ...args] = opts.core === undefined ? nodeCmd : ['taskset', '-c', String(opts.core), ...nodeCmd];
  const child = spawn(cmd!, args, {
    cwd: opts.cwd ?? REPO_ROOT,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let out = '';
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      live.delete(child);
      resolve();
    }),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(new Error(`${opts.name} did not start within ${opts.startTimeoutMs ?? 30_000} ms:\n${out}`)),
      opts.startTimeoutMs ?? 30_000,
    );
    const onData = (d: Buffer) => {
      out += d;
      if (out.length > 200_000) out = out.slice(-100_000);
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m?.[1] || child.pid === undefined) return;
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      const keep = (d2: Buffer) => {
        out = (out + d2).slice(-100_000);
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      resolve({
        name: opts.name,
        pid: child.pid,
        url: m[1],
        output: () => out,
        async stop(graceMs = 15_000) {
          if (child.exitCode !== null || child.signalCode !== null) return;
          child.kill('SIGTERM');
          const kill = setTimeout(() => child.kill('SIGKILL'), graceMs);
          await exited;
          clearTimeout(kill);
        },
      });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`${opts.name} exited (code ${child.exitCode}) before listening:\n${out}`));
    });
  });
}

/** Orderly cleanup: async hooks (e.g. drop a PostgreSQL schema), then children, then temp dirs. */
export async function cleanupAll(): Promise<void> {
  for (const fn of asyncCleanups.splice(0).reverse()) await fn().catch(() => undefined);
  const waits = [...live].map(
    (child) =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => {
          child.kill('SIGKILL');
          resolve();
        }, 5_000).unref();
      }),
  );
  await Promise.all(waits);
  cleanupSync();
}

/** Last resort on process exit: kill what is left, remove temp folders. */
export function cleanupSync(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

let interrupted = false;

/** True once Ctrl-C (or SIGTERM) arrived: failures after that are the shutdown, not the bench. */
export function wasInterrupted(): boolean {
  return interrupted;
}

/** Installs exit / Ctrl-C / SIGTERM handlers that clean up before leaving. */
export function installCleanupHandlers(): void {
  process.once('exit', cleanupSync);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      interrupted = true;
      console.error(`\nbench: ${signal} received, cleaning up`);
      cleanupAll().finally(() => process.exit(130));
    });
  }
}
