import { Hono } from 'hono';
import { createAuditLog } from './audit/audit-log.js';
import { auditRoutes, orgAuditRoutes } from './audit/audit-routes.js';
import { createAuditTrail } from './audit/audit-trail.js';
import { chatAuditEvents } from './audit/chat-events.js';
import { pruneExpired, type RetentionReport } from './audit/retention.js';
import { authenticate } from './auth/caller.js';
import { createJwtVerifier } from './auth/jwt.js';
import { requireOrg, requireOrgAdmin } from './auth/org.js';
import { createOrgTokenSync } from './auth/org-tokens.js';
import { requireScope } from './auth/scopes.js';
import { touchToken } from './auth/tokens-repo.js';
import { tokensRoutes } from './auth/tokens-routes.js';
import { createCallPipeline } from './chat/call-pipeline.js';
import { chatRoutes } from './chat/routes.js';
import { createSpendGuard } from './chat/spend-guard.js';
import { warnAboutOpenSystemKey } from './chat/system-key-warning.js';
import { createChatTelemetry } from './chat/telemetry.js';
import { consoleRoutes } from './console/routes.js';
import type { Deps } from './deps.js';
import { embeddingsRoutes } from './embeddings/routes.js';
import { methodNotAllowed, notFound } from './errors.js';
import { accessLog } from './http/access-log.js';
import { speaksAnthropic } from './http/anthropic-error.js';
import type { AppEnv } from './http/app-env.js';
import { corsFor } from './http/cors.js';
import { onError } from './http/error-response.js';
import { requestId } from './http/request-id.js';
import { htmlSafeJsonBodies } from './http/safe-json.js';
import { noSniff, noStore } from './http/security-headers.js';
import { rateLimit } from './limits/rate-limit-middleware.js';
import { createMemoryRateLimiter, type RateLimiter } from './limits/rate-limiter.js';
import { messagesRoutes } from './messages/routes.js';
import { healthRoutes } from './ops/health-routes.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { httpMetrics } from './ops/metrics-middleware.js';
import { metricsOnlyApp, metricsRoutes } from './ops/metrics-routes.js';
import { responsesRoutes } from './responses/routes.js';
import { createPriceTable } from './usage/price-table.js';
import { createTouchCoalescer } from './usage/touch-coalescer.js';
import { createUsageRecorder } from './usage/usage-recorder.js';
import { orgUsageRoutes, usageRoutes } from './usage/usage-routes.js';
import { createKeyRowCache } from './vault/key-row-cache.js';
import { keysRoutes, orgKeys, userKeys } from './vault/keys-routes.js';

export interface GatewayApp {
  app: Hono<AppEnv>;
  metrics: Metrics;
  /** Set with METRICS_PORT: the app serving `/metrics` on its own listener (then absent from `app`). */
  metricsApp?: Hono<AppEnv>;
  /** Finishes writes that were deferred off the hot path; call before closing the database. */
  drain(): Promise<void>;
  /** One retention run (USAGE_RETENTION_DAYS, AUDIT_RETENTION_DAYS): a timer on Node, cron on Workers. */
  prune(): Promise<RetentionReport>;
}

export interface AppOptions {
  /** A shared limiter (Redis) when several instances run; in-process otherwise. */
  limiter?: RateLimiter;
  /** The same for MANAGEMENT_RATE_LIMIT_RPM (key API writes), with its own budget. */
  managementLimiter?: RateLimiter;
  /** The database takes interactive transactions (Node's SQLite and PostgreSQL, not D1). */
  transactions?: boolean;
}

const TOUCH_INTERVAL_MS = 5_000;

const refuseMethod = () => {
  throw methodNotAllowed();
};

export function createApp(deps: Deps, opts: AppOptions = {}): GatewayApp {
  const { logger, config } = deps;
  const metrics = createMetrics();
  const tokenTouches = createTouchCoalescer(
    TOUCH_INTERVAL_MS,
    (id, at) => touchToken(deps.db, id, at),
    () => logger.warn('could not record token use'),
  );
  const usage = createUsageRecorder({
    db: deps.db,
    dialect: deps.dialect,
    logger,
    transactions: opts.transactions,
  });
  const telemetry = createChatTelemetry({
    db: deps.db,
    metrics,
    logger,
    touchIntervalMs: TOUCH_INTERVAL_MS,
    usage,
    clock: deps.clock,
  });
  const keyRows = createKeyRowCache({ ttlMs: config.keyCacheTtlMs });
  const auditLog = createAuditLog({ db: deps.db, logger, clock: deps.clock });
  const audit = createAuditTrail(auditLog, config.trustProxy, deps.remoteAddress);
  const spend = createSpendGuard(deps, createPriceTable(deps.priceOverrides));
  warnAboutOpenSystemKey(config, logger);
  const auth = {
    verifyJwt: createJwtVerifier(config.jwt),
    db: deps.db,
    tokenTouches,
    clock: deps.clock,
    systemKey: config.systemKey,
    orgClaims: config.orgClaims,
    // A JWT naming another organisation (or none) takes the old one from its user's tokens.
    orgSync: createOrgTokenSync(deps.db, (userId, tokens) => {
      for (const t of tokens)
        auditLog.record({
          userId,
          orgId: t.orgId,
          actor: 'jwt',
          tokenId: null,
          requestId: null,
          ip: null,
          userAgent: null,
          action: 'token.org_detached',
          target: { type: 'access_token', id: t.id, preview: t.preview },
        });
    }),
  };

  const app = new Hono<AppEnv>();
  app.use('*', requestId());
  app.use('*', noSniff());
  // Below LOG_LEVEL=info the access line is never written: no middleware at all then.
  if (logger.enabled('info')) app.use('*', accessLog(logger));
  app.use('*', httpMetrics(metrics));
  app.onError(onError(logger));
  app.notFound(() => {
    throw notFound('route_not_found', 'No such route.');
  });
  const cors = corsFor(config.corsOrigins);
  if (cors) {
    app.use('/v1/*', cors);
    app.use('/api/*', cors);
  }

  app.route('/', healthRoutes(deps));
  // The key console (a page on this origin calling /api); its strict headers are its own.
  app.route('/', consoleRoutes());
  const separateMetrics = config.metricsPort !== undefined;
  if (!separateMetrics) app.route('/', metricsRoutes(metrics));

  app.use('/api/*', noStore());
  app.use('/api/*', htmlSafeJsonBodies());
  app.use('/api/user/tokens', authenticate(auth, { jwtOnly: true }));
  app.use('/api/user/tokens/*', authenticate(auth, { jwtOnly: true }));
  const anyCaller = authenticate(auth);
  app.use('/api/*', (c, next) => (c.req.path.startsWith('/api/user/tokens') ? next() : anyCaller(c, next)));
  // A tighter per-user budget for writes to the management API (reads are not counted).
  const managementLimiter =
    opts.managementLimiter ??
    (config.managementRateLimitRpm > 0 ? createMemoryRateLimiter(config.managementRateLimitRpm) : undefined);
  if (managementLimiter)
    app.on(
      ['POST', 'PUT', 'PATCH', 'DELETE'],
      '/api/*',
      rateLimit(managementLimiter, config.managementRateLimitRpm, {
        onLimited: () => metrics.rateLimited.inc(),
      }),
    );
  app.route('/api/user/tokens', tokensRoutes(deps, audit));
  // Which scope each route needs (a JWT has them all; a gateway token only those it was minted with).
  const keyRoutes = ['/api/user/api-keys', '/api/user/api-keys/:keyId'];
  app.use('/api/user/usage', requireScope('usage:read'));
  app.use('/api/user/audit-log', requireScope('audit:read'));
  app.use('/api/user/api-keys/:keyId/usage', requireScope('usage:read'));
  app.on(['GET', 'HEAD'], keyRoutes, requireScope('keys:read'));
  app.on(
    ['POST', 'PUT', 'PATCH', 'DELETE'],
    [...keyRoutes, '/api/user/api-keys/*'],
    requireScope('keys:write'),
  );
  app.route('/api/user', usageRoutes(deps));
  app.route('/api/user/api-keys', keysRoutes(deps, audit, keyRows, userKeys));
  app.route('/api/user/audit-log', auditRoutes(deps, audit.log));
  // Organisations: the caller must name one (ORG_CLAIM, or the token's). Every member reads the
  // organisation's keys (previews only); writes, usage and the audit log are for its admins.
  const orgKeyRoutes = ['/api/org/api-keys', '/api/org/api-keys/:keyId'];
  app.use('/api/org/*', requireOrg());
  app.use('/api/org/usage', requireScope('usage:read'), requireOrgAdmin());
  app.use('/api/org/api-keys/:keyId/usage', requireScope('usage:read'), requireOrgAdmin());
  app.use('/api/org/audit-log', requireScope('audit:read'), requireOrgAdmin());
  app.on(['GET', 'HEAD'], orgKeyRoutes, requireScope('keys:read'));
  app.on(
    ['POST', 'PUT', 'PATCH', 'DELETE'],
    [...orgKeyRoutes, '/api/org/api-keys/*'],
    requireScope('keys:write'),
    requireOrgAdmin(),
  );
  app.route('/api/org', orgUsageRoutes(deps));
  app.route('/api/org/api-keys', keysRoutes(deps, audit, keyRows, orgKeys));
  app.route('/api/org/audit-log', orgAuditRoutes(deps, audit.log));

  const limiter =
    opts.limiter ?? (config.rateLimitRpm > 0 ? createMemoryRateLimiter(config.rateLimitRpm) : undefined);
  // Anthropic's clients put the credential in x-api-key: accepted on /v1/messages only.
  const anthropicCaller = authenticate(auth, { apiKeyHeader: true });
  app.use('/v1/*', (c, next) =>
    speaksAnthropic(c.req.path) ? anthropicCaller(c, next) : anyCaller(c, next),
  );
  app.use('/v1/*', requireScope('chat'));
  if (limiter)
    app.use('/v1/*', rateLimit(limiter, config.rateLimitRpm, { onLimited: () => metrics.rateLimited.inc() }));
  // After every spending route: the key it used, for the audit log (new IP, budget reached).
  app.use('/v1/*', chatAuditEvents(audit, deps.clock));
  const pipeline = createCallPipeline(deps, telemetry, spend, keyRows);
  app.route('/v1', chatRoutes(pipeline));
  app.route('/v1', embeddingsRoutes(pipeline));
  app.route('/v1', messagesRoutes(pipeline));
  app.route('/v1', responsesRoutes(pipeline));

  const routes = [
    '/',
    '/console',
    '/console/console.js',
    '/console/console.css',
    '/console/icon.svg',
    '/healthz',
    '/readyz',
    ...(separateMetrics ? [] : ['/metrics']),
    '/api/user/tokens',
    '/api/user/tokens/:id',
    '/api/user/api-keys',
    '/api/user/api-keys/:id',
    '/api/user/api-keys/:id/usage',
    '/api/user/usage',
    '/api/user/audit-log',
    '/api/org/usage',
    '/api/org/api-keys',
    '/api/org/api-keys/:id',
    '/api/org/api-keys/:id/usage',
    '/api/org/audit-log',
    '/v1/chat/completions',
    '/v1/embeddings',
    '/v1/messages',
    '/v1/messages/count_tokens',
    '/v1/responses',
    '/v1/models',
  ];
  for (const path of routes) app.all(path, refuseMethod);

  return {
    app,
    metrics,
    metricsApp: separateMetrics ? metricsOnlyApp(metrics, logger) : undefined,
    drain: async () => {
      await Promise.all([tokenTouches.flush(), telemetry.drain(), auditLog.flush()]);
    },
    prune: () => pruneExpired(deps.db, deps.clock(), config.retention),
  };
}
