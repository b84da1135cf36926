import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeProvider, startFakeOpenAICompatible } from '../../fakes/openai-compatible-server.js';
import { DATABASE_KINDS } from '../helpers/databases.js';
import { fakeKey } from '../helpers/keys.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Object-level authorization on every route that takes an id. The routes come from the app itself,
 * so a new route with an id and no case below fails the first test: each id parameter needs a way
 * to create the object it names (SEEDS), and each route a body to send (CASES). A route under
 * /api/org/ names an object of the caller's organisation: alice and bob are each the admin of their
 * own, so "another's id" there is another organisation's.
 */
type Seed = (
  t: TestApp,
  jwt: string,
  realm: 'user' | 'org',
) => Promise<{ id: string; table: 'api_keys' | 'access_tokens' }>;

const SEEDS: Record<string, Seed> = {
  keyId: async (t, jwt, realm) => {
    const res = await t.request(`/api/${realm}/api-keys`, {
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
  'GET /api/org/api-keys/:keyId': {},
  'PATCH /api/org/api-keys/:keyId': { body: { keyName: 'taken-over', isActive: false } },
  'PUT /api/org/api-keys/:keyId': { body: { apiKey: fakeKey('openrouter') } },
  'POST /api/org/api-keys/:keyId/verify': {},
  'DELETE /api/org/api-keys/:keyId': {},
  'GET /api/org/api-keys/:keyId/usage': {},
};

const paramOf = (path: string) => /:(\w+)/.exec(path)?.[1] ?? '';
const realmOf = (path: string) => (path.startsWith('/api/org/') ? 'org' : 'user');

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
    alice = await t.jwt('alice', { claims: { org_id: 'org-alice', org_role: 'admin' } });
    bob = await t.jwt('bob', { claims: { org_id: 'org-bob', org_role: 'admin' } });
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

  const seed = (route: { path: string }, jwt: string) =>
    (SEEDS[paramOf(route.path)] as Seed)(t, jwt, realmOf(route.path));

  it('answers another user’s (or organisation’s) id with 404 on every such route, a body identical to an unknown id’s, and the object stays as it was', async () => {
    for (const route of idRoutes) {
      const { id, table } = await seed(route, alice);
      const row = () => t.deps.db.selectFrom(table).selectAll().where('id', '=', id).executeTakeFirst();
      const before = await row();
      expect(before, `${route.method} ${route.path} seed`).toBeDefined();
      const res = await call(route, bob, id);
      expect(res.status, `${route.method} ${route.path}`).toBe(404);
      const body = await res.json();
      expect(body.error.type).toBe('not_found_error');
      const unknown = await call(route, bob, crypto.randomUUID());
      expect(unknown.status).toBe(404);
      expect(body, `${route.method} ${route.path}: same body as an unknown id`).toEqual(await unknown.json());
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

  it('never lists another user’s keys or tokens, nor another organisation’s keys', async () => {
    const key = await (SEEDS.keyId as Seed)(t, alice, 'user');
    const orgKey = await (SEEDS.keyId as Seed)(t, alice, 'org');
    const token = await (SEEDS.tokenId as Seed)(t, alice, 'user');
    const keys = await (await t.request('/api/user/api-keys', { token: bob })).json();
    const orgKeys = await (await t.request('/api/org/api-keys', { token: bob })).json();
    const tokens = await (await t.request('/api/user/tokens', { token: bob })).json();
    expect(JSON.stringify(keys)).not.toContain(key.id);
    expect(JSON.stringify(orgKeys)).not.toContain(orgKey.id);
    expect(JSON.stringify(tokens)).not.toContain(token.id);
  });

  it('keeps the caller’s own key and their organisation’s apart: each id is 404 under the other’s routes', async () => {
    const own = await (SEEDS.keyId as Seed)(t, alice, 'user');
    const shared = await (SEEDS.keyId as Seed)(t, alice, 'org');
    for (const method of ['GET', 'PATCH', 'DELETE']) {
      const body = method === 'PATCH' ? { json: { keyName: 'moved' } } : {};
      const a = await t.request(`/api/org/api-keys/${own.id}`, { method, token: alice, ...body });
      const b = await t.request(`/api/user/api-keys/${shared.id}`, { method, token: alice, ...body });
      expect([a.status, b.status], method).toEqual([404, 404]);
    }
    const mine = await (await t.request('/api/user/api-keys', { token: alice })).json();
    const ours = await (await t.request('/api/org/api-keys', { token: alice })).json();
    expect(JSON.stringify(mine)).not.toContain(shared.id);
    expect(JSON.stringify(ours)).not.toContain(own.id);
  });
});
