import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sendJson } from '../../../fakes/openai-chat.js';
import { errorAnswer } from '../../../fakes/openai-flavours.js';
import { type ChatHarness, createChatHarness, userMessage } from '../../helpers/chat-harness.js';
import { DATABASE_KINDS } from '../../helpers/databases.js';
import { orgKeyRow, storeOrgKey } from '../../helpers/org-keys.js';

const MODEL = 'openai/gpt-4o-mini';

/**
 * Routing with organisation keys, on both databases: the five-step order (the user's key for the
 * provider → the organisation's → the user's OpenRouter key → the organisation's → the system key),
 * `exclusive` organisation keys, failover inside an organisation's group, and what a refusal
 * leaves behind (the key marked rejected on the organisation's row, a `key.rejected` audit row).
 */
describe.each(DATABASE_KINDS)('organisation keys in routing on %s', (kind) => {
  let h: ChatHarness;
  let n = 0;
  /** A fresh member of a fresh organisation (ids unique per test, so cached rows never carry over). */
  const member = async (role = 'member') => {
    const i = ++n;
    const orgId = `org-${kind}-${i}`;
    const userId = `member-${kind}-${i}`;
    return { orgId, userId, jwt: await h.t.jwt(userId, { claims: { org_id: orgId, org_role: role } }) };
  };
  const orgKey = (orgId: string, provider: 'openai' | 'openrouter', settings = {}) =>
    storeOrgKey(h.t.deps, orgId, provider, settings);
  const chat = async (jwt: string, model = MODEL) => {
    const res = await h.chat(jwt, { model, messages: userMessage('hi') });
    return { res, body: await res.json() };
  };
  const source = (res: Response) => [
    res.headers.get('x-gateway-provider'),
    res.headers.get('x-gateway-key-source'),
    res.headers.get('x-gateway-key-id'),
  ];

  beforeAll(async () => {
    h = await createChatHarness(kind);
  });
  afterAll(async () => h.close());
  beforeEach(() => h.clearFakes());

  describe('the order of sources', () => {
    it('1. the user’s own key for the provider comes before the organisation’s', async () => {
      const m = await member();
      const own = await h.storeKey(m.jwt, 'openai', 'own');
      await orgKey(m.orgId, 'openai');
      const { res } = await chat(m.jwt);
      expect(source(res)).toEqual(['openai', 'user', own.id]);
      expect(h.fakes.openai.requests.map((r) => r.key)).toEqual([own.apiKey]);
    });

    it('2. then the organisation’s key for the provider, before the user’s OpenRouter key', async () => {
      const m = await member();
      await h.storeKey(m.jwt, 'openrouter', 'own-or');
      const shared = await orgKey(m.orgId, 'openai');
      const { res, body } = await chat(m.jwt);
      expect(res.status).toBe(200);
      expect(body.choices[0].message.content).toBe('echo: hi');
      expect(source(res)).toEqual(['openai', 'org', shared.id]);
      expect(h.fakes.openai.requests.map((r) => r.key)).toEqual([shared.apiKey]);
      expect(h.fakes.openrouter.requests).toHaveLength(0);
    });

    it('3. then the user’s OpenRouter key, before the organisation’s', async () => {
      const m = await member();
      const own = await h.storeKey(m.jwt, 'openrouter', 'own-or');
      await orgKey(m.orgId, 'openrouter');
      const { res } = await chat(m.jwt);
      expect(source(res)).toEqual(['openrouter', 'user', own.id]);
      expect(h.fakes.openrouter.requests.map((r) => r.key)).toEqual([own.apiKey]);
    });

    it('4. then the organisation’s OpenRouter key, before the system key', async () => {
      const m = await member();
      const shared = await orgKey(m.orgId, 'openrouter');
      const { res } = await chat(m.jwt);
      expect(source(res)).toEqual(['openrouter', 'org', shared.id]);
      expect(h.fakes.openrouter.requests.map((r) => [r.key, r.body?.model])).toEqual([
        [shared.apiKey, 'openai/gpt-4o-mini'],
      ]);
    });

    it('5. then the system key', async () => {
      const m = await member();
      const { res } = await chat(m.jwt);
      expect(source(res)).toEqual(['openrouter', 'system', null]);
      expect(h.fakes.openrouter.requests.map((r) => r.key)).toEqual([h.systemKey]);
    });

    it('skips the organisation’s unusable keys (rejected, expired, inactive) like the user’s', async () => {
      const m = await member();
      await orgKey(m.orgId, 'openai', { status: 'rejected' });
      await orgKey(m.orgId, 'openai', { expiresAt: new Date(Date.now() - 1000).toISOString() });
      await orgKey(m.orgId, 'openai', { isActive: false });
      const or = await orgKey(m.orgId, 'openrouter');
      const { res } = await chat(m.jwt);
      expect(source(res)).toEqual(['openrouter', 'org', or.id]);
    });
  });

  it('never leaves an exclusive organisation group: 403 exclusive_keys_unusable naming the organisation’s keys', async () => {
    const m = await member();
    await orgKey(m.orgId, 'openai', { exclusive: true, status: 'rejected', keyName: 'team-main' });
    await h.storeKey(m.jwt, 'openrouter', 'own-or');
    const { res, body } = await chat(m.jwt);
    expect(res.status).toBe(403);
    expect(body.error.code).toBe('exclusive_keys_unusable');
    expect(body.error.message).toContain("Your organisation's OpenAI keys are exclusive");
    expect(body.error.message).toContain('"team-main"');
    expect(body.error.message).toContain('/api/org/api-keys');
    expect(h.fakes.openrouter.requests).toHaveLength(0);
  });

  it('fails over inside the organisation’s group in priority order, marks the refused key rejected and audits it', async () => {
    const m = await member();
    const first = await orgKey(m.orgId, 'openai', { priority: 1 });
    const second = await orgKey(m.orgId, 'openai', { priority: 2 });
    await h.storeKey(m.jwt, 'openrouter', 'own-or'); // never reached half-way
    h.fakes.openai.rejectedKeys.add(first.apiKey);

    const { res } = await chat(m.jwt);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-gateway-attempts')).toBe('2');
    expect(source(res)).toEqual(['openai', 'org', second.id]);
    expect(h.fakes.openai.requests.map((r) => r.key)).toEqual([first.apiKey, second.apiKey]);
    const marked = await orgKeyRow(h.t.deps.db, m.orgId, first.id);
    expect(marked.status).toBe('rejected');
    expect(marked.last_error).toContain('OpenAI');
    expect(marked.last_error).not.toContain(first.apiKey.slice(8, 30));

    // The organisation's cached rows were dropped: the next request skips the rejected key.
    h.clearFakes();
    const again = await chat(m.jwt);
    expect(again.res.headers.get('x-gateway-attempts')).toBe('1');
    expect(h.fakes.openai.requests.map((r) => r.key)).toEqual([second.apiKey]);

    const log = (await (await h.t.request('/api/user/audit-log', { token: m.jwt })).json()).data;
    const rejected = log.filter((e: { action: string }) => e.action === 'key.rejected');
    expect(rejected).toEqual([
      expect.objectContaining({
        action: 'key.rejected',
        orgId: m.orgId,
        actor: { userId: m.userId, via: 'jwt', tokenId: null },
        target: { type: 'api_key', id: first.id, preview: first.preview },
        details: { provider: 'openai', status: 401, during: 'chat' },
      }),
    ]);
    const rows = JSON.stringify(await h.t.deps.db.selectFrom('audit_events').selectAll().execute());
    for (const k of [first.apiKey, second.apiKey]) expect(rows).not.toContain(k.slice(8, 30));
  });

  it('names a refused organisation key as the organisation’s (label and preview only) when every key fails', async () => {
    const m = await member();
    const only = await orgKey(m.orgId, 'openai', { keyName: 'team' });
    h.fakes.openai.rejectedKeys.add(only.apiKey);
    const { res, body } = await chat(m.jwt);
    expect(res.status).toBe(401);
    expect(body.error.code).toBe('provider_key_rejected');
    expect(body.error.message).toContain(`your organisation's key "team" (${only.preview})`);
    expect(JSON.stringify(body)).not.toContain(only.apiKey.slice(8, 30));
  });

  it('rests an organisation key after a 429 (tried after its other keys), without marking it rejected', async () => {
    const m = await member();
    const first = await orgKey(m.orgId, 'openai', { priority: 1 });
    const second = await orgKey(m.orgId, 'openai', { priority: 2 });
    h.fakes.openai.next((rec, r) => {
      const a = errorAnswer('openai', 429, { key: rec.key, model: 'gpt-4o-mini' });
      sendJson(r, a.status, a.body, a.headers);
    });
    const { res } = await chat(m.jwt);
    expect(source(res)).toEqual(['openai', 'org', second.id]);
    const rested = await orgKeyRow(h.t.deps.db, m.orgId, first.id);
    expect(rested.status).toBe('unverified');
    expect(rested.rest_until).not.toBeNull();
    h.clearFakes();
    const next = await chat(m.jwt);
    expect(source(next.res)).toEqual(['openai', 'org', second.id]);
  });
});
