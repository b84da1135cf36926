import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeProvider, startFakeOpenAICompatible } from '../../fakes/openai-compatible-server.js';
import { TEST_ENCRYPTION_SECRET, TEST_JWT_SECRET } from '../helpers/config.js';
import { fakeKey } from '../helpers/keys.js';
import { signTestJwt } from '../helpers/test-app.js';
import { startWranglerDev, type WranglerDev } from '../helpers/wrangler-dev.js';

/** The Workers entry under the real `wrangler dev` (workerd, local D1), against a local fake OpenAI. */
describe('the gateway on Cloudflare Workers (wrangler dev, local D1)', () => {
  let worker: WranglerDev;
  let fake: FakeProvider;
  let jwt: string;
  const apiKey = fakeKey('openai');

  beforeAll(async () => {
    fake = await startFakeOpenAICompatible({ flavour: 'openai' });
    worker = await startWranglerDev({
      API_KEY_ENCRYPTION_SECRET: TEST_ENCRYPTION_SECRET,
      JWT_SECRET: TEST_JWT_SECRET,
      OPENAI_BASE_URL: fake.baseUrl,
      // No system key: a user without a key of their own must get 403, not a call to the internet.
      OPENROUTER_BASE_URL: 'http://127.0.0.1:9/api/v1',
      // Two different periods, so the cron test shows each variable is read on its own.
      USAGE_RETENTION_DAYS: '30',
      AUDIT_RETENTION_DAYS: '60',
    });
    jwt = await signTestJwt('worker-user');
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    await fake?.close();
  });

  const call = (path: string, init: { method?: string; json?: unknown; token?: string } = {}) =>
    fetch(`${worker.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${init.token ?? jwt}`,
        ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
  const chat = (body: Record<string, unknown>, token?: string) =>
    call('/v1/chat/completions', { method: 'POST', json: { model: 'openai/gpt-4o-mini', ...body }, token });

  it('answers health and readiness from D1', async () => {
    expect(await (await fetch(`${worker.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${worker.url}/readyz`)).json()).toEqual({ status: 'ready' });
  });

  it('serves the key console with its own strict headers', async () => {
    const res = await fetch(`${worker.url}/`);
    expect(res.status).toBe(200);
    expect(res.url).toBe(`${worker.url}/console`);
    expect(await res.text()).toContain('<title>Key console · byok-gateway</title>');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const script = await fetch(`${worker.url}/console/console.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  let keyId = '';
  it('stores, lists, renames and reads a key, returning previews only', async () => {
    const created = await call('/api/user/api-keys', {
      method: 'POST',
      json: { provider: 'openai', apiKey, keyName: 'laptop' },
    });
    expect(created.status).toBe(201);
    const view = await created.json();
    keyId = view.id;
    expect(view).toMatchObject({ provider: 'openai', keyName: 'laptop', isActive: true, lastUsedAt: null });
    expect(JSON.stringify(view)).not.toContain(apiKey);

    const duplicate = await call('/api/user/api-keys', {
      method: 'POST',
      json: { provider: 'openai', apiKey: fakeKey('openai'), keyName: 'laptop' },
    });
    expect(duplicate.status).toBe(409);

    const renamed = await call(`/api/user/api-keys/${keyId}`, { method: 'PATCH', json: { keyName: 'work' } });
    expect(await renamed.json()).toMatchObject({ id: keyId, keyName: 'work' });
    const list = await (await call('/api/user/api-keys')).json();
    expect(list.data.map((k: { id: string }) => k.id)).toEqual([keyId]);
    const other = await call(`/api/user/api-keys/${keyId}`, { token: await signTestJwt('someone-else') });
    expect(other.status).toBe(404);
  });

  it('chats without streaming through the stored key, and records lastUsedAt after the response', async () => {
    const res = await chat({ messages: [{ role: 'user', content: 'Hello' }] });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-key-source')).toBe('user');
    const body = await res.json();
    expect(body.object).toBe('chat.completion');
    expect(fake.requests.at(-1)?.key).toBe(apiKey);
    expect(fake.requests.at(-1)?.body?.model).toBe('gpt-4o-mini');

    let lastUsedAt: string | null = null;
    for (let i = 0; i < 50 && !lastUsedAt; i++) {
      lastUsedAt = (await (await call(`/api/user/api-keys/${keyId}`)).json()).lastUsedAt;
      if (!lastUsedAt) await new Promise((r) => setTimeout(r, 100));
    }
    expect(lastUsedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('streams a chat event by event, ending with [DONE]', async () => {
    const res = await chat({ stream: true, messages: [{ role: 'user', content: '!scenario chunks 5' }] });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const text = await res.text();
    const events = text.split('\n\n').filter((e) => e.startsWith('data: '));
    expect(events.length).toBeGreaterThanOrEqual(6);
    expect(events.at(-1)).toBe('data: [DONE]');
  });

  it('serves a gateway token made through the Worker, and stops using a deleted key', async () => {
    const minted = await call('/api/user/tokens', { method: 'POST', json: { name: 'sdk' } });
    expect(minted.status).toBe(201);
    const { token } = await minted.json();
    expect(token).toMatch(/^gwt_/);
    expect((await chat({ messages: [{ role: 'user', content: 'Hi' }] }, token)).status).toBe(200);

    expect((await call(`/api/user/api-keys/${keyId}`, { method: 'DELETE' })).status).toBe(204);
    const refused = await chat({ messages: [{ role: 'user', content: 'Hi' }] }, token);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe('no_key_available');
    expect(worker.output()).not.toContain(apiKey);
  });

  it('serves an organisation’s key on D1: an admin stores it, a member chats on it, another organisation gets 404', async () => {
    const inOrg = (user: string, org: string, role: string) =>
      signTestJwt(user, { claims: { org_id: org, org_role: role } });
    const admin = await inOrg('w-admin', 'w-acme', 'admin');
    const member = await inOrg('w-member', 'w-acme', 'member');
    const shared = fakeKey('openai');
    const created = await call('/api/org/api-keys', {
      method: 'POST',
      token: admin,
      json: { provider: 'openai', apiKey: shared, keyName: 'team' },
    });
    expect(created.status).toBe(201);
    const { id } = await created.json();
    const denied = await call(`/api/org/api-keys/${id}`, { method: 'DELETE', token: member });
    expect((await denied.json()).error.code).toBe('org_admin_required');
    const res = await chat({ messages: [{ role: 'user', content: 'Hi' }] }, member);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-key-source')).toBe('org');
    expect(fake.requests.at(-1)?.key).toBe(shared);
    const outsider = await call(`/api/org/api-keys/${id}`, {
      token: await inOrg('w-eve', 'w-globex', 'admin'),
    });
    expect(outsider.status).toBe(404);
    const log = await (await call('/api/org/audit-log', { token: admin })).json();
    expect(log.data.map((e: { action: string }) => e.action)).toContain('key.created');
    expect(worker.output()).not.toContain(shared);
  });

  it('prunes old usage and audit rows, and only those, when the cron trigger fires', async () => {
    const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();
    const usage = (id: string, at: string) =>
      `INSERT INTO usage_events (id, request_id, user_id, key_id, key_source, provider, model, upstream_model,
        prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, cost_usd, cost_source, estimated,
        status, latency_ms, ttft_ms, created_at)
       VALUES ('${id}', 'req-${id}', 'worker-user', NULL, 'user', 'openai', 'openai/gpt-4o-mini', 'gpt-4o-mini',
        1, 1, 0, 0, NULL, 'unknown', 0, 200, 5, NULL, '${at}')`;
    const audit = (id: string, at: string) =>
      `INSERT INTO audit_events (id, user_id, actor, action, target_type, target_id, created_at)
       VALUES ('${id}', 'worker-user', 'jwt', 'key.deleted', 'api_key', 'k-${id}', '${at}')`;
    // Every row id of the three pruned tables, in one statement (each wrangler d1 call starts a process).
    const ids = `SELECT 'usage' AS t, id FROM usage_events UNION ALL SELECT 'audit', id FROM audit_events
      UNION ALL SELECT 'mark', mark FROM audit_marks ORDER BY t, id`;
    const snapshot = (rows: Record<string, unknown>[]) => ({
      usage: rows.filter((r) => r.t === 'usage').map((r) => String(r.id)),
      audit: rows.filter((r) => r.t === 'audit').map((r) => String(r.id)),
      marks: rows.filter((r) => r.t === 'mark').map((r) => String(r.id)),
    });
    // USAGE_RETENTION_DAYS=30, AUDIT_RETENTION_DAYS=60: a 45-day-old usage row is past its
    // period, a 45-day-old audit row is not.
    const before = snapshot(
      await worker.d1(
        [
          usage('usage-old', daysAgo(45)),
          usage('usage-kept', daysAgo(20)),
          audit('audit-old', daysAgo(90)),
          audit('audit-kept', daysAgo(45)),
          `INSERT INTO audit_marks (mark, created_at) VALUES ('ip:old', '${daysAgo(90)}'), ('ip:kept', '${daysAgo(45)}')`,
          ids,
        ].join(';\n'),
      ),
    );
    // The earlier tests' chats and key changes left fresh rows through the Worker's own routes.
    expect(before.usage.length).toBeGreaterThanOrEqual(4);
    expect(before.audit.length).toBeGreaterThanOrEqual(6);
    expect(before.usage).toContain('usage-old');
    expect(before.audit).toContain('audit-old');

    const fired = await worker.scheduled('17 * * * *');
    expect(fired.status).toBe(200);
    // /__scheduled answers when the scheduled handler's promise settles (not its waitUntil work).
    expect(await fired.text()).toBe('Ran scheduled event');
    const after = snapshot(await worker.d1(ids));
    const without = (ids: string[], gone: string) => ids.filter((id) => id !== gone);
    expect(after.usage).toEqual(without(before.usage, 'usage-old'));
    expect(after.audit).toEqual(without(before.audit, 'audit-old'));
    expect(after.marks).toEqual(without(before.marks, 'ip:old'));
    expect(after.usage).toContain('usage-kept');
    expect(after.audit).toContain('audit-kept');
    expect(after.marks).toContain('ip:kept');
    expect(worker.output()).toMatch(
      /"msg":"retention: old rows deleted","usageRows":1,"auditRows":1,"marks":1/,
    );
  }, 60_000);
});
