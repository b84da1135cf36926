import { Kysely } from 'kysely';
import { createApp, type GatewayApp } from './app.js';
import { ConfigError, type Env, loadConfig } from './config.js';
import { createLogger } from './ops/logger.js';
import { createFetchUpstream } from './providers/fetch-upstream.js';
import { type D1Database, D1Dialect } from './store/d1-dialect.js';
import { guardDialect } from './store/database-guard.js';
import type { Database } from './store/schema.js';
import { createVault } from './vault/index.js';

/**
 * The Cloudflare Workers entry: builds Deps from the bindings (D1 through Kysely, fetch for
 * upstream calls, the WebCrypto vault) and hands requests to the same core app as Node.
 * Variables have the same names as on Node: `[vars]` in wrangler.toml, secrets set with
 * `wrangler secret put`, `.dev.vars` locally. Migrations are applied by
 * `wrangler d1 migrations apply`, not at start-up (a Worker has no start-up).
 */

/** The part of the Workers execution context the entry uses. */
export interface WorkerContext {
  waitUntil(promise: Promise<unknown>): void;
  passThroughOnException(): void;
  readonly props: unknown;
}

export interface WorkerBindings {
  DB: D1Database;
  [name: string]: unknown;
}

interface Built {
  signature: string;
  gateway: Promise<GatewayApp>;
}

let built: Built | undefined;

/** The string variables of the bindings: the same names and meanings as Node's environment. */
function stringVars(bindings: WorkerBindings): Env {
  const env: Env = {};
  for (const [name, value] of Object.entries(bindings)) if (typeof value === 'string') env[name] = value;
  return env;
}

async function buildGateway(bindings: WorkerBindings, env: Env): Promise<GatewayApp> {
  const config = loadConfig({ DATABASE_URL: 'file:d1', ...env });
  const logger = createLogger(config.logLevel, (line) => console.log(line));
  const db = new Kysely<Database>({
    dialect: guardDialect(new D1Dialect(bindings.DB), { target: 'D1 binding DB', logger }),
  });
  // PBKDF2 runs here, once per isolate, never per request.
  const vault = await createVault(config.encryptionSecret, config.previousEncryptionSecrets);
  const upstream = createFetchUpstream();
  return createApp({
    config,
    db,
    dialect: 'sqlite',
    vault,
    logger,
    clock: () => new Date(),
    upstream,
    // Set by Cloudflare's edge on every request; a client cannot choose it.
    remoteAddress: (_env, request) => request.headers.get('cf-connecting-ip') ?? undefined,
  });
}

/** One gateway per isolate (and per set of variables, which only changes with a new deployment). */
function gatewayFor(bindings: WorkerBindings): Promise<GatewayApp> {
  const env = stringVars(bindings);
  const signature = JSON.stringify(env);
  if (built?.signature !== signature) {
    const gateway = buildGateway(bindings, env);
    built = { signature, gateway };
    // A failed build (bad variables) is retried on the next request rather than cached.
    gateway.catch(() => {
      if (built?.gateway === gateway) built = undefined;
    });
  }
  return built.gateway;
}

/** The request's background writes (lastUsedAt, usage) run to completion after a streamed body ends. */
function drainAfterBody(res: Response, gateway: GatewayApp, ctx: WorkerContext): Response {
  if (!res.body || !res.headers.get('content-type')?.startsWith('text/event-stream')) {
    ctx.waitUntil(gateway.drain());
    return res;
  }
  const body = res.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      flush: () => ctx.waitUntil(gateway.drain()),
    }),
  );
  return new Response(body, res);
}

function misconfigured(err: unknown): Response {
  const detail = err instanceof ConfigError ? err.problems : ['the gateway could not start'];
  console.error(JSON.stringify({ level: 'error', msg: 'byok-gateway cannot start', problems: detail }));
  const message = 'The gateway is misconfigured; see its log.';
  return Response.json(
    { error: { message, type: 'api_error', code: 'internal_error', param: null } },
    { status: 500 },
  );
}

export default {
  async fetch(request: Request, bindings: WorkerBindings, ctx: WorkerContext): Promise<Response> {
    let gateway: GatewayApp;
    try {
      gateway = await gatewayFor(bindings);
    } catch (err) {
      return misconfigured(err);
    }
    const res = await gateway.app.fetch(request, bindings, ctx);
    return drainAfterBody(res, gateway, ctx);
  },

  /**
   * The cron trigger in wrangler.toml: one retention run (usage and audit rows past their days).
   * The run is awaited, not handed to waitUntil: the invocation lives as long either way, but
   * only an awaited failure marks the cron run as failed, and `wrangler dev --test-scheduled`'s
   * `/__scheduled` answers only when the rows are gone.
   */
  async scheduled(_event: unknown, bindings: WorkerBindings, _ctx: WorkerContext): Promise<void> {
    const gateway = await gatewayFor(bindings);
    const report = await gateway.prune();
    if (report.usageRows + report.auditRows + report.marks === 0) return;
    const line = {
      level: 'info',
      time: new Date().toISOString(),
      msg: 'retention: old rows deleted',
      ...report,
    };
    console.log(JSON.stringify(line));
  },
};
