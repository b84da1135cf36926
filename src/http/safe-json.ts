import type { MiddlewareHandler } from 'hono';
import type { AppEnv } from './app-env.js';

const UNSAFE = /[<>&\u2028\u2029]/g;
const HAS_UNSAFE = /[<>&\u2028\u2029]/;
const escapeChar = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * JSON text with `<`, `>`, `&` and the two JavaScript line terminators written as `\uXXXX`: the
 * same JSON to any parser, but a name like `<script>` can never become markup if a page or a
 * mis-typed response ever embeds it. JSON strings are the only place these characters can occur.
 */
export function htmlSafeJson(text: string): string {
  return HAS_UNSAFE.test(text) ? text.replace(UNSAFE, escapeChar) : text;
}

/**
 * Applies htmlSafeJson to every JSON answer of the routes it is mounted on (the management API,
 * whose answers echo user-chosen names); answers without such characters pass untouched.
 */
export function htmlSafeJsonBodies(): MiddlewareHandler<AppEnv> {
  return async function htmlSafeJsonMiddleware(c, next) {
    await next();
    if (!c.res.body || !c.res.headers.get('content-type')?.includes('application/json')) return;
    const text = await c.res.clone().text();
    if (!HAS_UNSAFE.test(text)) return;
    const { status, headers } = c.res;
    const safe = new Headers(headers);
    safe.delete('content-length');
    // Cleared first: Hono's setter would otherwise copy the old headers (and length) back on.
    c.res = undefined;
    c.res = new Response(htmlSafeJson(text), { status, headers: safe });
  };
}
