import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeKey } from '../helpers/keys.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describe('HTTP edges', () => {
  let t: TestApp;
  let alice: string;

  beforeAll(async () => {
    t = await createTestApp('sqlite', { MAX_BODY_BYTES: '2048' });
    alice = await t.jwt('alice');
  });
  afterAll(async () => t.close());

  it('answers an unknown route with an OpenAI-shaped 404', async () => {
    const res = await t.request('/nope');
    expect(res.status).toBe(404);
    expect((await res.json()).error).toMatchObject({
      code: 'route_not_found',
      type: 'not_found_error',
      param: null,
    });
  });

  it('answers a wrong method on a known route with 405', async () => {
    const res = await t.request('/api/user/api-keys', { method: 'PUT', token: alice, json: {} });
    expect(res.status).toBe(405);
    expect((await res.json()).error.code).toBe('method_not_allowed');
    expect((await t.request('/healthz', { method: 'POST' })).status).toBe(405);
  });

  it('refuses a declared body over MAX_BODY_BYTES with 413 before reading it', async () => {
    const res = await t.request('/api/user/api-keys', {
      method: 'POST',
      token: alice,
      headers: { 'content-type': 'application/json', 'content-length': '999999' },
      body: '{}',
    });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('request_too_large');
  });

  it('cuts off a streamed body that passes MAX_BODY_BYTES with 413', async () => {
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++;
        if (pulled > 1000) controller.close();
        else controller.enqueue(new TextEncoder().encode(' '.repeat(512)));
      },
    });
    const res = await t.request('/api/user/api-keys', {
      method: 'POST',
      token: alice,
      headers: { 'content-type': 'application/json' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(20);
  });

  it('keeps stored keys intact when a request is refused', async () => {
    const created = await (
      await t.request('/api/user/api-keys', {
        method: 'POST',
        token: alice,
        json: { provider: 'openai', apiKey: fakeKey('openai') },
      })
    ).json();
    await t.request(`/api/user/api-keys/${created.id}`, {
      method: 'PATCH',
      token: alice,
      body: '{"keyName": ',
      headers: { 'content-type': 'application/json' },
    });
    const after = await (await t.request(`/api/user/api-keys/${created.id}`, { token: alice })).json();
    expect(after).toEqual(created);
  });

  it('echoes a sane x-request-id and replaces an unsafe one', async () => {
    const sane = await t.request('/healthz', { headers: { 'x-request-id': 'trace-1234-abcd' } });
    expect(sane.headers.get('x-request-id')).toBe('trace-1234-abcd');
    const unsafe = await t.request('/healthz', { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(unsafe.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it('serves /healthz and /readyz without a credential', async () => {
    expect(await (await t.request('/healthz')).json()).toEqual({ status: 'ok' });
    expect(await (await t.request('/readyz')).json()).toEqual({ status: 'ready' });
  });
});

describe('readiness without a database', () => {
  it('answers /readyz with 503 when the database is gone', async () => {
    const t = await createTestApp('sqlite');
    await t.deps.db.destroy();
    const res = await t.request('/readyz');
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe('database_unavailable');
    await t.database.drop();
  });
});
