import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeProvider, startFakeOpenAICompatible } from '../../fakes/openai-compatible-server.js';
import { TEST_ENCRYPTION_SECRET, TEST_JWT_SECRET } from '../helpers/config.js';
import { fakeKey } from '../helpers/keys.js';
import { baseEnv, REPO_ROOT, startGatewayProcess } from '../helpers/spawn-gateway.js';
import { signTestJwt } from '../helpers/test-app.js';

/** The real gateway process stopped by a signal while a slow stream is open. */
describe('graceful shutdown', () => {
  let fake: FakeProvider;
  let jwt: string;
  const dirs: string[] = [];
  beforeAll(async () => {
    fake = await startFakeOpenAICompatible({ flavour: 'openai' });
    jwt = await signTestJwt('leaving-user');
  });
  afterAll(async () => {
    await fake.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  function gatewayEnv(extra: Record<string, string>) {
    const dir = mkdtempSync(join(tmpdir(), 'byok-shutdown-'));
    dirs.push(dir);
    const dbPath = join(dir, 'gateway.db');
    const env = baseEnv({
      API_KEY_ENCRYPTION_SECRET: TEST_ENCRYPTION_SECRET,
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: `file:${dbPath}`,
      OPENAI_BASE_URL: fake.baseUrl,
      ...extra,
    });
    return { dir, dbPath, env };
  }

  const headers = () => ({ authorization: `Bearer ${jwt}`, 'content-type': 'application/json' });
  async function storeKey(url: string): Promise<string> {
    const res = await fetch(`${url}/api/user/api-keys`, {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({ provider: 'openai', apiKey: fakeKey('openai') }),
    });
    expect(res.status).toBe(201);
    return (await res.json()).id;
  }
  const chat = (url: string, content: string, stream: boolean) =>
    fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: headers(),
      body: JSON.stringify({ model: 'openai/gpt-4o-mini', stream, messages: [{ role: 'user', content }] }),
    });

  /** Reads the stream to its end, calling `onFirst` once the first event has arrived. */
  async function readAll(res: Response, onFirst: () => void): Promise<string> {
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    let first = true;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      text += decoder.decode(value, { stream: true });
      if (first && text.includes('data: ')) {
        first = false;
        onFirst();
      }
    }
  }

  it('on SIGTERM lets an open stream finish, refuses new connections, flushes lastUsedAt and exits 0', async () => {
    const { dir, env, dbPath } = gatewayEnv({ SHUTDOWN_GRACE_MS: '20000' });
    const gw = await startGatewayProcess({ cwd: dir, env });
    const keyId = await storeKey(gw.url);
    expect((await chat(gw.url, 'Hello', false)).status).toBe(200);
    const firstUse = (
      await (await fetch(`${gw.url}/api/user/api-keys/${keyId}`, { headers: headers() })).json()
    ).lastUsedAt as string;
    expect(firstUse).toBeTruthy();

    // A second use within the coalescing interval is written later, off the hot path: shutdown must flush it.
    const res = await chat(gw.url, '!scenario slow 100', true);
    let exited: Promise<number | null> | undefined;
    const text = await readAll(res, () => {
      exited = gw.stop('SIGTERM');
    });
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
    expect(await exited).toBe(0);
    expect(gw.output()).toMatch(/SIGTERM received/);
    expect(gw.output()).toMatch(/stopped/);
    await expect(fetch(`${gw.url}/healthz`)).rejects.toThrow();

    const db = new SQLite(dbPath, { readonly: true });
    const row = db.prepare('SELECT last_used_at FROM api_keys WHERE id = ?').get(keyId) as {
      last_used_at: string;
    };
    db.close();
    expect(new Date(row.last_used_at).getTime()).toBeGreaterThan(new Date(firstUse).getTime());
  }, 60_000);

  it('ends a stream that outlives SHUTDOWN_GRACE_MS with a gateway_shutting_down event and no [DONE]', async () => {
    const { dir, env } = gatewayEnv({ SHUTDOWN_GRACE_MS: '300' });
    const gw = await startGatewayProcess({ cwd: dir, env });
    await storeKey(gw.url);
    const res = await chat(gw.url, '!scenario slow 1000', true);
    let exited: Promise<number | null> | undefined;
    const text = await readAll(res, () => {
      exited = gw.stop('SIGINT');
    });
    expect(text).not.toContain('[DONE]');
    const last = text.trimEnd().split('\n\n').at(-1) ?? '';
    expect(JSON.parse(last.slice('data: '.length)).error.code).toBe('gateway_shutting_down');
    expect(await exited).toBe(0);
  }, 60_000);
});

describe('npm start', () => {
  it('passes SIGTERM to the gateway, which stops and frees its port', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'byok-npm-start-'));
    const npm = process.env.npm_execpath;
    const env = baseEnv({
      API_KEY_ENCRYPTION_SECRET: TEST_ENCRYPTION_SECRET,
      JWT_SECRET: TEST_JWT_SECRET,
      DATABASE_URL: `file:${join(dir, 'gateway.db')}`,
    });
    const child: ChildProcess = npm
      ? spawn(process.execPath, [npm, 'start'], { cwd: REPO_ROOT, env })
      : spawn('npm', ['start'], { cwd: REPO_ROOT, env });
    let out = '';
    child.stdout?.on('data', (d) => (out += d));
    child.stderr?.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`npm start did not start:\n${out}`)), 30_000);
        const onData = () => {
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m?.[1]) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        };
        child.stdout?.on('data', onData);
        child.stderr?.on('data', onData);
      });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      child.kill('SIGTERM'); // npm's own process, as a supervisor would
      expect(await exited).toBe(0);
      expect(out).toMatch(/SIGTERM received/);
      await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
