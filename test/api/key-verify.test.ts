import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAnthropic } from '../../fakes/anthropic-server.js';
import { startFakeGemini } from '../../fakes/gemini-server.js';
import { startFakeOpenAICompatible } from '../../fakes/openai-compatible-server.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { fakeKey, type KeyProvider } from '../helpers/keys.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

type Fakes = Record<KeyProvider, Awaited<ReturnType<typeof startFakeAnthropic>>>;

/** The provider's no-token key check, as each fake records it: path and where the key travels. */
const CHECKS: Record<KeyProvider, { path: string; query?: string; header: string }> = {
  openai: { path: '/v1/models', header: 'authorization' },
  openrouter: { path: '/api/v1/key', header: 'authorization' },
  meta: { path: '/compat/v1/models', header: 'authorization' },
  anthropic: { path: '/v1/models', query: '?limit=1', header: 'x-api-key' },
  google: { path: '/v1beta/models', query: '?pageSize=1', header: 'x-goog-api-key' },
};
const PROVIDERS = Object.keys(CHECKS) as KeyProvider[];

describe.each(DATABASE_KINDS)('verifying keys with each provider on %s', (kind) => {
  let t: TestApp;
  let fakes: Fakes;
  let n = 0;
  const freshUser = () => t.jwt(`verify-${kind}-${++n}`);

  beforeAll(async () => {
    const [openai, openrouter, meta, anthropic, google] = await Promise.all([
      startFakeOpenAICompatible({ flavour: 'openai' }),
      startFakeOpenAICompatible({ flavour: 'openrouter' }),
      startFakeOpenAICompatible({ flavour: 'meta' }),
      startFakeAnthropic(),
      startFakeGemini(),
    ]);
    fakes = { openai, openrouter, meta, anthropic, google } as Fakes;
    t = await createTestApp(kind, {
      OPENAI_BASE_URL: openai.baseUrl,
      OPENROUTER_BASE_URL: openrouter.baseUrl,
      META_BASE_URL: meta.baseUrl,
      ANTHROPIC_BASE_URL: anthropic.baseUrl,
      GOOGLE_BASE_URL: google.baseUrl,
      MANAGEMENT_RATE_LIMIT_RPM: '0',
    });
  });
  afterAll(async () => {
    await t.close();
    await Promise.all(Object.values(fakes).map((f) => f.close()));
  });

  const create = (token: string, json: Record<string, unknown>) =>
    t.request('/api/user/api-keys', { method: 'POST', token, json });
  const verify = (token: string, id: string) =>
    t.request(`/api/user/api-keys/${id}/verify`, { method: 'POST', token });
  const view = async (token: string, id: string) =>
    (await t.request(`/api/user/api-keys/${id}`, { token })).json();

  describe.each(PROVIDERS)('%s', (provider) => {
    it('stores a key the provider accepts as valid, with its cheapest key check (no tokens spent)', async () => {
      const token = await freshUser();
      const apiKey = fakeKey(provider);
      fakes[provider].clear();
      const res = await create(token, { provider, apiKey, verify: true });
      expect(res.status).toBe(201);
      const body = await res.json();
      expect(body).toMatchObject({ status: 'valid', lastError: null });
      expect(Date.parse(body.verifiedAt)).not.toBeNaN();
      const [check] = fakes[provider].requests;
      expect(fakes[provider].requests).toHaveLength(1);
      expect(check).toMatchObject({ method: 'GET', path: CHECKS[provider].path, key: apiKey });
      expect(check?.query).toBe(CHECKS[provider].query ?? '');
      expect(check?.headers[CHECKS[provider].header]).toContain(apiKey);

      const again = await verify(token, body.id);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ valid: true, checkedAt: expect.any(String) });
    });

    it('refuses a key the provider rejects with 422 provider_key_rejected and stores nothing', async () => {
      const token = await freshUser();
      const apiKey = fakeKey(provider);
      fakes[provider].rejectedKeys.add(apiKey);
      const res = await create(token, { provider, apiKey, verify: true });
      expect(res.status).toBe(422);
      const text = await res.text();
      const { error } = JSON.parse(text);
      expect(error).toMatchObject({ code: 'provider_key_rejected', param: 'apiKey' });
      expect(text).not.toContain(apiKey);
      expect(text).not.toContain(apiKey.slice(-16));
      expect((await (await t.request('/api/user/api-keys', { token })).json()).data).toEqual([]);
    });

    it('marks a stored key rejected when the provider refuses it, valid again once it accepts it', async () => {
      const token = await freshUser();
      const apiKey = fakeKey(provider);
      const { id } = await (await create(token, { provider, apiKey })).json();
      expect((await view(token, id)).status).toBe('unverified');
      fakes[provider].rejectedKeys.add(apiKey);
      const res = await verify(token, id);
      expect(res.status).toBe(200);
      const text = await res.text();
      const check = JSON.parse(text);
      expect(check).toMatchObject({ valid: false, message: expect.any(String) });
      expect(text).not.toContain(apiKey);
      const rejected = await view(token, id);
      expect(rejected).toMatchObject({ status: 'rejected', lastError: check.message });
      expect(JSON.stringify(rejected)).not.toContain(apiKey);

      fakes[provider].rejectedKeys.delete(apiKey);
      expect((await (await verify(token, id)).json()).valid).toBe(true);
      expect((await view(token, id)).status).toBe('valid');
    });
  });

  it('answers 502 when the provider cannot be reached, and leaves the status as it was', async () => {
    const token = await freshUser();
    const { id } = await (await create(token, { provider: 'openai', apiKey: fakeKey('openai') })).json();
    fakes.openai.next((_req, res) => {
      res.socket?.destroy();
    });
    const res = await verify(token, id);
    expect(res.status).toBe(502);
    expect((await res.json()).error.code).toBe('upstream_unreachable');
    expect((await view(token, id)).status).toBe('unverified');

    // On create: nothing stored.
    fakes.openai.next((_req, res) => {
      res.socket?.destroy();
    });
    const refused = await create(token, {
      provider: 'openai',
      apiKey: fakeKey('openai'),
      keyName: 'b',
      verify: true,
    });
    expect(refused.status).toBe(502);
    expect((await (await t.request('/api/user/api-keys', { token })).json()).data).toHaveLength(1);
  });

  it('passes another failure of the check on (a 5xx is 502) without changing the status', async () => {
    const token = await freshUser();
    const { id } = await (
      await create(token, { provider: 'anthropic', apiKey: fakeKey('anthropic') })
    ).json();
    fakes.anthropic.next((_req, res) => {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"type":"error","error":{"type":"api_error","message":"Internal server error"}}');
    });
    const res = await verify(token, id);
    expect(res.status).toBe(502);
    expect((await view(token, id)).status).toBe('unverified');
  });
});
