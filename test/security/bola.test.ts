import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeProvider, startFakeOpenAICompatible } from '../../fakes/openai-compatible-server.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { fakeKey } from '../helpers/keys.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Object-level authorization on every route that takes an id. The routes come from the app itself,
 * so a new route with an id and no case below fails the first test: each id parameter needs a way
 * to create the object it names (SEEDS), and each route a body to send (CASES).
 */
type Seed = (t: TestApp, jwt: string) => Promise<{ id: string; table: 'api_keys' | 'access_tokens' }>;

const SEEDS: Record<string, Seed> = {
  keyId: async (t, jwt) => {
    const res = await t.request('/api/user/api-keys', {
      method: 'POST',
      token: jwt,
      json: { provider: 'openrouter', apiKey: fakeKey('openrouter'), keyName: crypto.randomUUID() },
    });
    return { id: (await res.json()).id, table: 'api_keys' };
  },
  tokenId: async (t, jwt) => {
    const res = await t.request('/api/user/tokens', { method: 'POST', token: jwt, json: { name: 'n' } });
    return { id: (await res.json()).id, table: 'access_tokens' };
  },
};

/** `METHOD path` → the body a legitimate caller would send (undefined: none). */
const CASES: Record<string, { body?: unknown }> = {
  'GET /api/user/api-keys/:keyId': {},
  'PATCH /api/user/api-keys/:keyId': { body: { keyName: 'taken-over', isActive: false } },
  'PUT /api/user/api-keys/:keyId': { body: { apiKey: fakeKey('openrouter') } },
  'POST /api/user/api-keys/:keyId/verify': {},
  'DELETE /api/user/api-keys/:keyId': {},
  'GET /api/user/api-keys/:keyId/usage': {},
  'DELETE /api/user/tokens/:tokenId': {},
};

const paramOf = (path: string) => /:(\w+)/.exec(path)?.[1] ?? '';

describe.each(DATABASE_KINDS)('object-level authorization on %s', (kind) => {
  let t: TestApp;
  let alice: string;
  let bob: string;
  let idRoutes: { method: string; path: string }[];
  // The owner's verify reaches the (fake) provider; another user's never does.
  let openrouter: FakeProvider;
  beforeAll(async () => {
    openrouter = await startFakeOpenAICompatible({ flavour: 'openrouter' });
    t = await createTestApp(kind, { OPENROUTER_BASE_URL: openrouter.baseUrl });
    alice = await t.jwt('alice');
    bob = await t.jwt('bob');
    idRoutes = t.routes.filter((r) => r.path.includes('/:'));
  });
  afterAll(async () => {
    await t.close();
    await openrouter.close();
  });

  it('has a case for every route that takes an id, and a seed for every id', () => {
    expect(idRoutes.length).toBeGreaterThanOrEqual(Object.keys(CASES).length);
    expect(idRoutes.map((r) => `${r.method} ${r.path}`).filter((r) => !(r in CASES))).toEqual([]);
    expect(idRoutes.map((r) => paramOf(r.path)).filter((p) => !(p in SEEDS))).toEqual([]);
  });

  const call = (route: { method: string; path: string }, jwt: string, id: string) => {
    const body = CASES[`${route.method} ${route.path}`]?.body;
    return t.request(route.path.replace(/:\w+/, encodeURIComponent(id)), {
      method: route.method,
      token: jwt,
      ...(body === undefined ? {} : { json: body }),
    });
  };

  it('answers another user’s id with 404 on every such route, and the object stays as it was', async () => {
    for (const route of idRoutes) {
      const { id, table } = await (SEEDS[paramOf(route.path)] as Seed)(t, alice);
      const row = () => t.deps.db.selectFrom(table).selectAll().where('id', '=', id).executeTakeFirst();
      const before = await row();
      expect(before, `${route.method} ${route.path} seed`).toBeDefined();
      const res = await call(route, bob, id);
      expect(res.status, `${route.method} ${route.path}`).toBe(404);
      expect((await res.json()).error.type).toBe('not_found_error');
      expect(await row(), `${route.method} ${route.path}`).toEqual(before);
      // The same call by the owner does reach the object, so the 404 above was the check at work.
      const own = await call(route, alice, id);
      expect(own.status, `${route.method} ${route.path} by its owner`).toBeLessThan(300);
    }
  });

  it('answers unknown, malformed and path-trick ids with 404 on every such route', async () => {
    for (const route of idRoutes) {
      for (const id of [crypto.randomUUID(), 'x', "' OR '1'='1", '../api-keys', '%00', 'a'.repeat(5000)]) {
        const res = await call(route, alice, id);
        expect(res.status, `${route.method} ${route.path} ${id.slice(0, 20)}`).toBe(404);
      }
    }
  });

  it('never lists another user’s keys or tokens', async () => {
    const key = await (SEEDS.keyId as Seed)(t, alice);
    const token = await (SEEDS.tokenId as Seed)(t, alice);
    const keys = await (await t.request('/api/user/api-keys', { token: bob })).json();
    const tokens = await (await t.request('/api/user/tokens', { token: bob })).json();
    expect(JSON.stringify(keys)).not.toContain(key.id);
    expect(JSON.stringify(tokens)).not.toContain(token.id);
  });
});
