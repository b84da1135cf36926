import { describe, expect, it } from 'vitest';
import { clientIp } from '../../../src/audit/audit-context.js';
import { createAuditIds } from '../../../src/audit/audit-log.js';
import { createCursorCodec } from '../../../src/audit/cursor.js';
import { GatewayError } from '../../../src/errors.js';

describe('clientIp', () => {
  it('uses the connection address and ignores X-Forwarded-For unless TRUST_PROXY is set', () => {
    expect(clientIp('203.0.113.9', '10.0.0.2', 0)).toBe('10.0.0.2');
    expect(clientIp(undefined, undefined, 0)).toBeNull();
  });
  it('believes only the entries the trusted proxies added, counted from the right', () => {
    const header = 'spoofed-by-client, 198.51.100.1, 203.0.113.9';
    expect(clientIp(header, '10.0.0.2', 1)).toBe('203.0.113.9');
    expect(clientIp(header, '10.0.0.2', 2)).toBe('198.51.100.1');
    expect(clientIp('203.0.113.9', '10.0.0.2', 3)).toBe('203.0.113.9');
    expect(clientIp('2001:db8::1', undefined, 1)).toBe('2001:db8::1');
  });
  it('keeps anything that is not an address out of the log', () => {
    expect(clientIp('<script>', '10.0.0.2', 1)).toBeNull();
    expect(clientIp('1.2.3.4\r\nx: y', undefined, 1)).toBeNull();
    expect(clientIp(undefined, `1.2.3.4${'0'.repeat(100)}`, 0)).toBeNull();
  });
});

describe('audit ids', () => {
  it('sort in the order they were made, also within one millisecond and when the clock steps back', () => {
    const next = createAuditIds();
    const t = new Date('2026-12-04T12:00:00.000Z');
    const ids = [t, t, t, new Date(t.getTime() - 5), new Date(t.getTime() + 1)].map(next);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{26}$/);
  });
});

describe('audit cursor', () => {
  const codec = createCursorCodec('a-test-secret-that-is-long-enough-0123456789');
  const id = createAuditIds()(new Date());
  const code = async (p: Promise<unknown>) =>
    p.then(
      () => 'accepted',
      (e: unknown) => (e instanceof GatewayError ? `${e.status} ${e.code}` : 'threw'),
    );

  it('round-trips for the log it was made for, and nothing else', async () => {
    const cursor = await codec.encode('user:alice', id);
    expect(await codec.decode('user:alice', cursor)).toBe(id);
    expect(await code(codec.decode('user:bob', cursor))).toBe('400 invalid_cursor');
    expect(await code(codec.decode('org:alice', cursor))).toBe('400 invalid_cursor');
  });
  it('refuses a cursor made under another secret', async () => {
    const other = createCursorCodec('another-secret-that-is-long-enough-987654321');
    expect(await code(codec.decode('user:alice', await other.encode('user:alice', id)))).toBe(
      '400 invalid_cursor',
    );
  });
});
