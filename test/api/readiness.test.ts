import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLifecycle } from '../../src/ops/lifecycle.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

describe('readiness while stopping', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
  });
  afterAll(() => t.close());

  it('answers /readyz 503 gateway_shutting_down once stopping begins, while /healthz stays 200', async () => {
    const lifecycle = createLifecycle();
    t.deps.lifecycle = lifecycle;
    expect((await t.request('/readyz')).status).toBe(200);
    lifecycle.beginStopping();
    const res = await t.request('/readyz');
    expect(res.status).toBe(503);
    expect((await res.json()).error.code).toBe('gateway_shutting_down');
    expect((await t.request('/healthz')).status).toBe(200);
  });
});
