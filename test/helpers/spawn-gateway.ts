import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Runs the gateway the way `npm start` does (`node --import tsx src/node.ts`: one process, so a
 * signal reaches the gateway itself) as a child process, in any folder.
 */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** tsx's loader by absolute URL: a bare `tsx` would be resolved from the child's folder. */
export const TSX_IMPORT = [
  '--import',
  new URL('../../node_modules/tsx/dist/loader.mjs', import.meta.url).href,
];

export interface GatewayProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function baseEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0', ...extra };
}

export function runScript(
  script: string,
  args: string[],
  opts: { cwd: string; env: Record<string, string> },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...TSX_IMPORT, `${REPO_ROOT}${script}`, ...args], {
      cwd: opts.cwd,
      env: opts.env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export function startGatewayProcess(opts: {
  cwd: string;
  env: Record<string, string>;
}): Promise<GatewayProcess> {
  const child = spawn(process.execPath, [...TSX_IMPORT, `${REPO_ROOT}src/node.ts`], {
    cwd: opts.cwd,
    env: opts.env,
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${out}`)), 60_000);
    const onData = () => {
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (!m?.[1]) return;
      clearTimeout(timer);
      resolve({
        url: m[1],
        child,
        output: () => out,
        stop: (signal = 'SIGTERM') => {
          child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}:\n${out}`));
    });
  });
}
