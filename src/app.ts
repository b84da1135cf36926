import { Hono } from 'hono';
import { authenticate } from './auth/caller.js';
import { createJwtVerifier } from './auth/jwt.js';
import { touchToken } from './auth/tokens-repo.js';
import { tokensRoutes } from './auth/tokens-routes.js';
import type { Deps } from './deps.js';
import { GatewayError, notFound } from './errors.js';
import { accessLog } from './http/access-log.js';
import type { AppEnv } from './http/app-env.js';
import { onError } from './http/error-response.js';
import { requestId } from './http/request-id.js';
import { healthRoutes } from './ops/health-routes.js';
import { createTouchCoalescer, type TouchCoalescer } from './usage/touch-coalescer.js';
import { keysRoutes } from './vault/keys-routes.js';

export interface GatewayApp {
  app: Hono<AppEnv>;
  /** Finishes writes that were deferred off the hot path; call before closing the database. */
  drain(): Promise<void>;
}

const TOUCH_INTERVAL_MS = 5_000;

const methodNotAllowed = () => {
  throw new GatewayError(
    405,
    'invalid_request_error',
    'method_not_allowed',
    'Method not allowed on this route.',
  );
};

export function createApp(deps: Deps): GatewayApp {
  const { logger } = deps;
  const tokenTouches: TouchCoalescer = createTouchCoalescer(
    TOUCH_INTERVAL_MS,
    (id, at) => touchToken(deps.db, id, at),
    () => logger.warn('could not record token use'),
  );
  const auth = {
    verifyJwt: createJwtVerifier(deps.config.jwt),
    db: deps.db,
    tokenTouches,
    clock: deps.clock,
  };

  const app = new Hono<AppEnv>();
  app.use('*', requestId());
  app.use('*', accessLog(logger));
  app.onError(onError(logger));
  app.notFound(() => {
    throw notFound('route_not_found', 'No such route.');
  });

  app.route('/', healthRoutes(deps));

  app.use('/api/user/tokens', authenticate(auth, { jwtOnly: true }));
  app.use('/api/user/tokens/*', authenticate(auth, { jwtOnly: true }));
  app.route('/api/user/tokens', tokensRoutes(deps));
  const anyCaller = authenticate(auth);
  app.use('/api/*', (c, next) => (c.req.path.startsWith('/api/user/tokens') ? next() : anyCaller(c, next)));
  app.route('/api/user/api-keys', keysRoutes(deps));

  for (const path of [
    '/healthz',
    '/readyz',
    '/api/user/tokens',
    '/api/user/tokens/:id',
    '/api/user/api-keys',
    '/api/user/api-keys/:id',
  ]) {
    app.all(path, methodNotAllowed);
  }

  return {
    app,
    drain: () => tokenTouches.flush(),
  };
}
