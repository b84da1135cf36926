import { Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Deps } from '../deps.js';
import { GatewayError } from '../errors.js';
import type { AppEnv } from '../http/app-env.js';
import { readJson } from '../http/read-json.js';
import { parseBody } from '../http/validate.js';
import { adapterFor, NATIVE_PROVIDERS } from '../providers/registry.js';
import type { CallContext, ChatRequest } from '../providers/types.js';
import type { KeyRowCache } from '../vault/key-row-cache.js';
import { type ChatTelemetry, callObserver } from './call-observer.js';
import { forwardChat } from './forward.js';
import { listModels } from './models.js';
import { pickKey } from './pick-key.js';
import { routeModel } from './route-model.js';
import { chatRequestSchema, includeUsageOf } from './schema.js';
import type { SpendGuard } from './spend-guard.js';

/** `/v1`: chat completions and the model list, behind authentication, scope and the rate limit. */
export function chatRoutes(
  deps: Deps,
  telemetry: ChatTelemetry,
  spend: SpendGuard,
  keyRows?: KeyRowCache,
): Hono<AppEnv> {
  const { config } = deps;
  const app = new Hono<AppEnv>();
  const pickDeps = {
    db: deps.db,
    vault: deps.vault,
    logger: deps.logger,
    // SYSTEM_KEY_ACCESS=none: for key choice, there is no system key.
    systemOpenRouterKey: config.systemKey.access === 'none' ? undefined : config.openrouterApiKey,
    systemMonthlyBudgetUsd: config.systemKey.monthlyBudgetUsd,
    nativeProviders: NATIVE_PROVIDERS,
    onDecryptFailure: telemetry.onDecryptFailure,
    keyRows,
  };

  app.post('/chat/completions', async (c) => {
    const caller = c.get('caller');
    const parsed = parseBody(
      chatRequestSchema,
      await readJson(c.req.raw, config.maxBodyBytes),
    ) as ChatRequest;
    const route = routeModel(parsed.model);
    const picked = await pickKey(pickDeps, caller, parsed.model, route);
    c.set('keyUse', { keyId: picked.keyId, provider: picked.provider });
    // Prepared headers: they land on the c.body response below; onError adds them to errors.
    c.header('x-gateway-provider', picked.provider);
    c.header('x-gateway-key-source', picked.keySource);
    // Policy and budget, on the chosen key, before any upstream work; each refusal is an error.
    const chat = await spend.systemKeyPolicy(parsed, picked, route, caller.userId);
    const account = await spend.admit(chat, picked, route, caller.userId, c.get('requestId'));
    const adapter = adapterFor(picked.provider);
    const call: CallContext = {
      provider: picked.provider,
      upstreamModel: picked.upstreamModel,
      apiKey: picked.apiKey,
      keyLabel: picked.keyLabel,
      keySource: picked.keySource,
      baseUrl: config.baseUrls[picked.provider],
      stream: chat.stream === true,
      includeUsage: includeUsageOf(chat),
      attribution: { referer: config.openrouterReferer, title: config.openrouterTitle },
    };
    const observer = callObserver(telemetry, { provider: picked.provider, stream: call.stream, account });
    const result = await forwardChat({
      upstream: deps.upstream,
      adapter,
      chat,
      call,
      clientSignal: c.req.raw.signal,
      stopSignal: deps.lifecycle?.streamsCut,
      firstByteTimeoutMs: config.upstreamTimeoutMs,
      idleTimeoutMs: config.streamIdleTimeoutMs,
      observer,
    }).catch((err: unknown) => {
      // Failed before the upstream was called (a request the adapter cannot translate): no row,
      // and the budget reservation is released.
      observer.onEnd('error', 0, err instanceof GatewayError ? err.status : 500);
      throw err;
    });
    const headers: Record<string, string> = { 'content-type': result.contentType };
    if (call.stream) {
      headers['cache-control'] = 'no-cache';
      headers['x-accel-buffering'] = 'no';
    }
    return c.body(result.body, result.status as ContentfulStatusCode, headers);
  });

  app.get('/models', async (c) => c.json(await listModels(deps, c.get('caller'), spend.systemKeyAllows)));

  return app;
}
