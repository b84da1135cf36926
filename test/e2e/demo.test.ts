import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, TSX_IMPORT } from '../helpers/spawn-gateway.js';

const run = promisify(execFile);

/** `npm run demo` as a new user runs it: no network, no provider keys; the printed commands work as pasted. */
describe('npm run demo', () => {
  let child: ChildProcess;
  let out = '';
  beforeAll(async () => {
    child = spawn(process.execPath, [...TSX_IMPORT, `${REPO_ROOT}scripts/demo.ts`], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', PORT: '0' },
    });
    child.stdout?.on('data', (d) => (out += d));
    child.stderr?.on('data', (d) => (out += d));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`demo did not start:\n${out}`)), 30_000);
      const onData = () => {
        if (!out.includes('Ctrl-C stops')) return;
        clearTimeout(timer);
        resolve();
      };
      child.stdout?.on('data', onData);
      child.on('exit', (code) => reject(new Error(`demo exited with ${code}:\n${out}`)));
    });
  }, 40_000);
  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  const printed = (prefix: string) =>
    out
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith(prefix));

  it('prints a token, a sample key per provider and three commands that work when pasted', async () => {
    const token = /export TOKEN=(\S+)/.exec(out)?.[1];
    expect(token).toBeTruthy();
    for (const provider of ['openai', 'anthropic', 'google', 'meta', 'openrouter'])
      expect(out).toMatch(new RegExp(`^\\s+${provider}\\s+\\S{20,}$`, 'm'));
    const [store, stream] = printed('curl ');
    const [sdk] = printed('node --input-type=module');
    const shell = (command: string) =>
      run('sh', ['-c', command], { cwd: REPO_ROOT, env: { PATH: process.env.PATH ?? '', TOKEN: token } });

    const stored = JSON.parse((await shell(store!)).stdout);
    expect(stored).toMatchObject({ provider: 'anthropic', keyName: 'demo', isActive: true });
    const streamed = (await shell(stream!)).stdout;
    expect(streamed).toContain('"chat.completion.chunk"');
    expect(streamed.trimEnd().endsWith('data: [DONE]')).toBe(true);
    const answer = (await shell(sdk!)).stdout.trim();
    expect(answer.length).toBeGreaterThan(0);
  });

  it('stops on Ctrl-C with exit 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
