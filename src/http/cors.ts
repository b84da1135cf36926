import type { MiddlewareHandler } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from './app-env.js';

/** CORS for browser clients, off unless CORS_ORIGINS lists origins; preflights answer before authentication. */
export function corsFor(origins: string[]): MiddlewareHandler<AppEnv> | undefined {
  if (origins.length === 0) return undefined;
  return cors({
    origin: origins,
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    // No allowHeaders: the requested ones are echoed, which the OpenAI SDK's x-stainless-* headers need.
    exposeHeaders: [
      'x-request-id',
      'x-gateway-provider',
      'x-gateway-key-source',
      'retry-after',
      'x-should-retry',
      'x-ratelimit-limit-requests',
      'x-ratelimit-remaining-requests',
      'x-ratelimit-reset-requests',
    ],
    maxAge: 600,
  });
}
