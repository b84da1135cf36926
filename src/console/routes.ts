import { Hono } from 'hono';
import type { AppEnv } from '../http/app-env.js';
import { CONSOLE_CSS, CONSOLE_HTML, CONSOLE_ICON, CONSOLE_JS, CONSOLE_VERSION } from './assets.generated.js';
import { attributeJson, pageConfig } from './page-config.js';

/**
 * The console's own headers, on its responses only (the API's stay as they are). The page loads
 * nothing but these four same-origin files and talks to this gateway's /api: the CSP says so, with
 * no inline script or style, no framing (clickjacking), no plugins, no <base> and no form posts
 * elsewhere; Trusted Types forbid HTML-string sinks, so stored names can only ever be text.
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "connect-src 'self'",
  "font-src 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types 'none'",
].join('; ');

const CONSOLE_HEADERS: Record<string, string> = {
  'content-security-policy': CONSOLE_CSP,
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
};

/** The page with the server's providers and scopes in it (the bundle itself holds no such list). */
const PAGE = CONSOLE_HTML.replace('%CONSOLE_CONFIG%', attributeJson(pageConfig()));

/** FNV-1a: a short fingerprint of the page for its ETag, the same on Node and Workers (no crypto needed). */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0).toString(16).padStart(8, '0');
}

const ASSETS: Record<string, { body: string; type: string }> = {
  '/console': { body: PAGE, type: 'text/html; charset=utf-8' },
  '/console/console.js': { body: CONSOLE_JS, type: 'text/javascript; charset=utf-8' },
  '/console/console.css': { body: CONSOLE_CSS, type: 'text/css; charset=utf-8' },
  '/console/icon.svg': { body: CONSOLE_ICON, type: 'image/svg+xml' },
};

/** One strong ETag for the four files (the bundle's version and the page's data): a reload after an upgrade never mixes old and new. */
const ETAG = `"${CONSOLE_VERSION}-${fingerprint(PAGE)}"`;

/** `/console` (the page, its script, stylesheet and icon, served from memory) and `/` → `/console`. */
export function consoleRoutes(): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', (c) => c.redirect('/console', 302));
  for (const [path, asset] of Object.entries(ASSETS)) {
    app.get(path, (c) => {
      for (const [name, value] of Object.entries(CONSOLE_HEADERS)) c.header(name, value);
      c.header('cache-control', 'no-cache');
      c.header('etag', ETAG);
      if (c.req.header('if-none-match') === ETAG) return c.body(null, 304);
      c.header('content-type', asset.type);
      return c.body(asset.body);
    });
  }
  return app;
}
