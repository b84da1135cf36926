import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { secretsOnDisk } from '../helpers/databases.js';
import { fakeKey } from '../helpers/keys.js';
import { baseEnv, runScript, startGatewayProcess } from '../helpers/spawn-gateway.js';

// Each test starts the gateway through tsx (two starts and a script in the first): under a loaded
// 2-core machine a start alone can take 10 s, so these get more than the default 20 s.
describe('the gateway as a new user starts it', { timeout: 90_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'byok-e2e-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('generates its secrets on first start, stores a key, and keeps it across a restart', async () => {
    const env = baseEnv();
    const first = await startGatewayProcess({ cwd: dir, env });
    expect(first.output()).toMatch(/generated API_KEY_ENCRYPTION_SECRET and JWT_SECRET/);
    const dotenv = readFileSync(join(dir, '.env'), 'utf8');
    expect(dotenv).toMatch(/^API_KEY_ENCRYPTION_SECRET=\S{32,}$/m);
    expect(dotenv).toMatch(/^JWT_SECRET=\S{32,}$/m);
    expect(existsSync(join(dir, 'data', 'gateway.db'))).toBe(true);
    expect(await (await fetch(`${first.url}/healthz`)).json()).toEqual({ status: 'ok' });

    const minted = await runScript('scripts/token.ts', ['alice', '--ttl', '10m'], { cwd: dir, env });
    expect(minted.code).toBe(0);
    const jwt = minted.stdout.trim();
    expect(jwt.split('.')).toHaveLength(3);

    const apiKey = fakeKey('openrouter');
    const headers = { authorization: `Bearer ${jwt}`, 'content-type': 'application/json' };
    const created = await fetch(`${first.url}/api/user/api-keys`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ provider: 'openrouter', apiKey }),
    });
    expect(created.status).toBe(201);
    // A team's admin, as the README's team set-up mints one: the organisation's key routes take it.
    const admin = await runScript('scripts/token.ts', ['ann', '--org', 'acme', '--admin'], { cwd: dir, env });
    const claims = JSON.parse(Buffer.from(admin.stdout.trim().split('.')[1] ?? '', 'base64url').toString());
    expect(claims).toMatchObject({ sub: 'ann', org_id: 'acme', org_role: 'admin' });
    const shared = await fetch(`${first.url}/api/org/api-keys`, {
      method: 'POST',
      headers: { ...headers, authorization: `Bearer ${admin.stdout.trim()}` },
      body: JSON.stringify({ provider: 'openai', apiKey: fakeKey('openai') }),
    });
    expect(shared.status).toBe(201);
    expect(await first.stop()).toBe(0);

    const second = await startGatewayProcess({ cwd: dir, env });
    expect(second.output()).not.toMatch(/generated/);
    const list = await (await fetch(`${second.url}/api/user/api-keys`, { headers })).json();
    expect(list.data).toHaveLength(1);
    expect(list.data[0].keyPreview).toBe(`${apiKey.slice(0, 4)}…${apiKey.slice(-4)}`);
    expect(second.output()).not.toContain(apiKey);
    expect(second.output()).not.toContain(jwt);
    expect(await second.stop()).toBe(0);
    const db = join(dir, 'data', 'gateway.db');
    expect(secretsOnDisk([db, `${db}-wal`], [apiKey])).toEqual([]);
  }, 60_000); // two start-ups and a token script: slow when the machine is busy

  it('refuses to start in production with a weak secret, naming the variable', async () => {
    const prodDir = mkdtempSync(join(tmpdir(), 'byok-prod-'));
    try {
      writeFileSync(join(prodDir, '.env'), 'API_KEY_ENCRYPTION_SECRET=tooshort\n');
      const env = baseEnv({ NODE_ENV: 'production', JWT_SECRET: 'j'.repeat(40) });
      const run = await runScript('src/node.ts', [], { cwd: prodDir, env });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('API_KEY_ENCRYPTION_SECRET');
      expect(run.stderr).not.toContain('tooshort');
      expect(readFileSync(join(prodDir, '.env'), 'utf8')).toBe('API_KEY_ENCRYPTION_SECRET=tooshort\n');
    } finally {
      rmSync(prodDir, { recursive: true, force: true });
    }
  });

  it('stops with a message naming an invalid variable', async () => {
    const env = baseEnv({ PORT: 'eighty' });
    const run = await runScript('src/node.ts', [], { cwd: dir, env });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('PORT');
  });
});
