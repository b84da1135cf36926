import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from '../../src/console/routes.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The key console's responses carry their own strict headers (CSP without inline script or style,
 * no framing, no referrer), and only they do: the API's headers are unchanged. The page and its
 * files name no other origin.
 */
describe('the key console’s headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp('sqlite');
  });
  afterAll(async () => t.close());

  const files = [
    ['/console', 'text/html; charset=utf-8'],
    ['/console/console.js', 'text/javascript; charset=utf-8'],
    ['/console/console.css', 'text/css; charset=utf-8'],
    ['/console/icon.svg', 'image/svg+xml'],
  ] as const;

  it('serves the page and its files with the CSP, X-Frame-Options, Referrer-Policy and nosniff', async () => {
    for (const [path, type] of files) {
      const res = await t.request(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe(type);
      expect(res.headers.get('content-security-policy'), path).toBe(CONSOLE_CSP);
      expect(res.headers.get('x-frame-options'), path).toBe('DENY');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });

  it('has a CSP that allows this origin only, no inline code, no framing', () => {
    const directives = new Map(CONSOLE_CSP.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('style-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(CONSOLE_CSP).not.toMatch(/unsafe-|https?:|data:|\*/);
  });

  it('has no inline script or style and names no other origin in the page or its files', async () => {
    const html = await (await t.request('/console')).text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    for (const [path] of files) {
      const text = await (await t.request(path)).text();
      // The SVG namespace is a name, not a request.
      const urls = (text.match(/https?:\/\/[^\s"'`)]+/g) ?? []).filter(
        (u) => !u.startsWith('http://www.w3.org/'),
      );
      expect(urls, path).toEqual([]);
    }
  });

  it('redirects / to /console, answers a matching ETag with 304, and refuses other methods', async () => {
    const root = await t.request('/');
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/console');
    const etag = (await t.request('/console')).headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{12}-[0-9a-f]{8}"$/);
    expect((await t.request('/console', { headers: { 'if-none-match': etag } })).status).toBe(304);
    for (const path of ['/', '/console', '/console/console.js']) {
      const res = await t.request(path, { method: 'POST' });
      expect(res.status, path).toBe(405);
    }
  });

  it('leaves the API’s headers as they were: no console CSP on /api or /v1', async () => {
    const jwt = await t.jwt('alice');
    for (const res of [
      await t.request('/api/user/api-keys', { token: jwt }),
      await t.request('/v1/models', { token: jwt }),
      await t.request('/healthz'),
    ]) {
      expect(res.headers.get('content-security-policy'), res.url).toBeNull();
      expect(res.headers.get('x-frame-options'), res.url).toBeNull();
    }
  });
});
