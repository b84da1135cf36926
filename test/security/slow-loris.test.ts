import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningGateway, startGateway } from '../../src/node/server.js';
import { createLogger } from '../../src/ops/logger.js';
import { testConfig } from '../helpers/config.js';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { signTestJwt } from '../helpers/test-app.js';

/**
 * Slow-loris against the real Node server: a client that sends its headers or body a byte at a
 * time (or not at all) is cut off after REQUEST_TIMEOUT_MS instead of holding a connection and a
 * request slot for ever.
 */
function rawRequest(
  url: string,
  head: string,
  drip: string,
  everyMs: number,
): Promise<{ text: string; closed: boolean }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    let i = 0;
    let timer: NodeJS.Timeout | undefined;
    socket.on('connect', () => {
      socket.write(head);
      timer = setInterval(() => {
        if (i < drip.length && !socket.destroyed) socket.write(drip[i++] as string);
      }, everyMs);
    });
    socket.on('data', (d) => (text += d));
    socket.on('error', () => {});
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ text, closed: true });
    });
  });
}

describe('slow clients against the Node server', () => {
  let database: TestDatabase;
  let gateway: RunningGateway;
  let jwt: string;
  beforeAll(async () => {
    database = await createTestDatabase('sqlite');
    gateway = await startGateway(testConfig({ DATABASE_URL: database.url, REQUEST_TIMEOUT_MS: '500' }), {
      logger: createLogger('error', () => {}),
    });
    jwt = await signTestJwt('alice');
  });
  afterAll(async () => {
    await gateway.close();
    await database.drop();
  });

  it('cuts off a body that trickles in a byte at a time', async () => {
    const body = JSON.stringify({ provider: 'openai', apiKey: 'sk-x', keyName: 'slow' });
    const head = `POST /api/user/api-keys HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${jwt}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const { text, closed } = await rawRequest(gateway.url, head, body, 200);
    expect(closed).toBe(true);
    expect(text).toMatch(/^HTTP\/1\.1 408/);
  });

  it('cuts off a body that never comes', async () => {
    const head = `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${jwt}\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"model":`;
    const { closed, text } = await rawRequest(gateway.url, head, '', 1000);
    expect(closed).toBe(true);
    expect(text).toMatch(/^HTTP\/1\.1 408/);
  });

  it('cuts off headers that trickle in', async () => {
    const { closed } = await rawRequest(
      gateway.url,
      'GET /healthz HTTP/1.1\r\n',
      'X-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n',
      200,
    );
    expect(closed).toBe(true);
  });

  it('still serves a client that sends at normal speed', async () => {
    const res = await fetch(`${gateway.url}/api/user/api-keys`, {
      headers: { authorization: `Bearer ${jwt}` },
    });
    expect(res.status).toBe(200);
  });
});
