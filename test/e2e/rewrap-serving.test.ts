import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeProvider, startFakeOpenAICompatible } from '../../fakes/openai-compatible-server.js';
import { createNodeAead } from '../../src/node/node-aead.js';
import { createVault, type Vault } from '../../src/vault/index.js';
import { TEST_ENCRYPTION_SECRET, TEST_JWT_SECRET } from '../helpers/config.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { fakeKey } from '../helpers/keys.js';
import { baseEnv, runScript } from '../helpers/spawn-gateway.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const NEW_SECRET = 'the-rotated-encryption-secret-for-rewrap-0123456789';
const KEYS = 10_000;
const USERS = 100; // 100 keys each, the per-user cap
const CHAT_USERS = 4;
/** Rows per INSERT: 17 columns stay far below both databases' bound-parameter limits. */
const INSERT_BATCH = 250;

/**
 * `npm run rewrap-keys` over 10,000 keys sealed with the previous secret, while a gateway that
 * knows both secrets serves chat on keys among them: no request fails, every row ends under the
 * new secret, the rows nobody can read are listed (with the variable that would open them).
 */
describe.each(DATABASE_KINDS)('rewrap-keys with a serving gateway on %s', (kind) => {
  let t: TestApp;
  let openai: FakeProvider;
  let oldVault: Vault;
  let dir: string;
  const unreadable: string[] = [];
  const secretOf = new Map<string, string>();

  beforeAll(async () => {
    openai = await startFakeOpenAICompatible({ flavour: 'openai' });
    t = await createTestApp(kind, {
      API_KEY_ENCRYPTION_SECRET: NEW_SECRET,
      API_KEY_ENCRYPTION_SECRET_PREVIOUS: TEST_ENCRYPTION_SECRET,
      OPENAI_BASE_URL: openai.baseUrl,
      RATE_LIMIT_RPM: '0',
    });
    dir = mkdtempSync(join(tmpdir(), 'byok-rewrap-'));
    oldVault = await createVault(TEST_ENCRYPTION_SECRET, [], createNodeAead());
    const stranger = await createVault('a-secret-nobody-configured-0123456789abcdef', [], createNodeAead());
    const now = new Date().toISOString();
    const rows = [];
    for (let i = 0; i < KEYS; i++) {
      const id = crypto.randomUUID();
      const userId = `rewrap-user-${i % USERS}`;
      const apiKey = fakeKey('openai');
      secretOf.set(id, apiKey);
      // Three rows sealed with a secret the gateway was never given.
      const vault = i < 3 ? stranger : oldVault;
      if (i < 3) unreadable.push(id);
      rows.push({
        id,
        user_id: userId,
        provider: 'openai' as const,
        encrypted_key: await vault.seal(apiKey, { userId, keyId: id, provider: 'openai' }),
        key_name: `k${i}`,
        key_preview: 'sk-p…abcd',
        is_active: 1,
        created_at: now,
        updated_at: now,
        // The chat users' keys that the stranger sealed sort last, so chat opens readable ones.
        priority: i < 3 ? 9 : 1,
        secret_updated_at: now,
      });
    }
    for (let i = 0; i < rows.length; i += INSERT_BATCH)
      await t.deps.db
        .insertInto('api_keys')
        .values(rows.slice(i, i + INSERT_BATCH))
        .execute();
  }, 120_000);
  afterAll(async () => {
    await t.close();
    await openai.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** `npm run rewrap-keys` as an operator runs it: its own process, the gateway's variables, no terminal. */
  const rewrapKeys = () =>
    runScript('scripts/rewrap-keys.ts', [], {
      cwd: dir,
      env: baseEnv({
        DATABASE_URL: t.database.url,
        API_KEY_ENCRYPTION_SECRET: NEW_SECRET,
        API_KEY_ENCRYPTION_SECRET_PREVIOUS: TEST_ENCRYPTION_SECRET,
        JWT_SECRET: TEST_JWT_SECRET,
      }),
    });

  it('moves every readable key to the new secret while chat keeps answering', async () => {
    const tokens = await Promise.all(Array.from({ length: CHAT_USERS }, (_, i) => t.jwt(`rewrap-user-${i}`)));
    const run = rewrapKeys();
    let finished = false;
    void run.then(() => {
      finished = true;
    });
    const statuses: number[] = [];
    while (!finished) {
      const answers = await Promise.all(
        tokens.map((token) =>
          t.request('/v1/chat/completions', {
            method: 'POST',
            token,
            json: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'during rewrap' }] },
          }),
        ),
      );
      for (const res of answers) {
        statuses.push(res.status);
        await res.arrayBuffer();
      }
    }
    const { code, stdout, stderr } = await run;
    expect(stderr).toBe('');
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);

    // Not a terminal: one line per batch, then the counts.
    const lines = stdout.trim().split('\n');
    expect(lines.filter((l) => /^\d+\/\d+ rows: rewrapped \d+/.test(l)).length).toBeGreaterThanOrEqual(
      KEYS / 200,
    );
    expect(stdout).toContain(`rewrapped ${KEYS - 3}, already current 0, unreadable 3, changed meanwhile 0`);
    expect(stdout).toContain(
      `Unreadable rows (left as they are, never deleted): ${[...unreadable].sort().join(', ')}`,
    );
    expect(stdout).toContain('API_KEY_ENCRYPTION_SECRET_PREVIOUS');
    expect(code).toBe(2);

    const newOnly = await createVault(NEW_SECRET, [], createNodeAead());
    const rows = await t.deps.db.selectFrom('api_keys').select(['id', 'user_id', 'encrypted_key']).execute();
    expect(rows).toHaveLength(KEYS);
    const stale = rows.filter((r) => newOnly.kidOf(r.encrypted_key) !== newOnly.currentKid).map((r) => r.id);
    expect(stale.sort()).toEqual([...unreadable].sort());
    for (const r of rows.slice(0, 50)) {
      if (unreadable.includes(r.id)) continue;
      const binding = { userId: r.user_id, keyId: r.id, provider: 'openai' };
      expect(await newOnly.open(r.encrypted_key, binding)).toBe(secretOf.get(r.id));
    }

    // A second run finds nothing to do but the unreadable rows.
    const again = await rewrapKeys();
    expect(again.stdout).toContain(`rewrapped 0, already current ${KEYS - 3}, unreadable 3`);
  }, 300_000);
});
