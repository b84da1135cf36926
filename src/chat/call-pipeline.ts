import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Deps } from '../deps.js';
import { GatewayError } from '../errors.js';
import type { AppEnv } from '../http/app-env.js';
import { adapterFor, NATIVE_PROVIDERS } from '../providers/registry.js';
import type { Provider } from '../providers/shared/providers.js';
import type { CallContext, ChatRequest, ProviderAdapter } from '../providers/types.js';
import type { KeyRowCache } from '../vault/key-row-cache.js';
import { type ChatTelemetry, callObserver } from './call-observer.js';
import { type ForwardResult, forwardChat } from './forward.js';
import { type KeyChoiceDeps, type Served, serveWithKeys } from './key-attempts.js';
import { type ModelRoute, routeModel } from './route-model.js';
import { includeUsageOf } from './schema.js';
import type { SpendGuard } from './spend-guard.js';

/**
 * The path every spending `/v1` route shares (chat completions, embeddings, responses, messages):
 * key choice with failover (serveWithKeys), system-key policy, budget, the upstream call with its
 * timeouts and usage row. A route only says what to send (an adapter) and how to answer.
 */
export interface CallPipeline {
  deps: Deps;
  telemetry: ChatTelemetry;
  spend: SpendGuard;
  choiceDeps: KeyChoiceDeps;
}

export function createCallPipeline(
  deps: Deps,
  telemetry: ChatTelemetry,
  spend: SpendGuard,
  keyRows?: KeyRowCache,
): CallPipeline {
  const { config } = deps;
  return {
    deps,
    telemetry,
    spend,
    choiceDeps: {
      db: deps.db,
      vault: deps.vault,
      logger: deps.logger,
      // SYSTEM_KEY_ACCESS=none: for key choice, there is no system key.
      systemOpenRouterKey: config.systemKey.access === 'none' ? undefined : config.openrouterApiKey,
      systemMonthlyBudgetUsd: config.systemKey.monthlyBudgetUsd,
      nativeProviders: NATIVE_PROVIDERS,
      keyRotationDays: config.keyRotationDays,
      onDecryptFailure: telemetry.onDecryptFailure,
      keyRows,
      now: () => deps.clock().getTime(),
    },
  };
}

export interface CallOptions {
  /** The model's route when the route already computed it. */
  route?: ModelRoute;
  /** Builds the call for the provider of the key being tried; default: that provider's chat adapter. */
  adapter?: (provider: Provider) => ProviderAdapter;
}

/**
 * Serves `request` with the caller's keys. `request` is what policy and budget judge (the request
 * itself on the chat path; its chat-shaped equivalent for other endpoints). Each key tried is
 * named in prepared headers (`x-gateway-provider`, `-key-source`, `-attempts`, `-key-id`), which
 * land on the response and, through onError, on an error.
 */
export async function serveCall(
  p: CallPipeline,
  c: Context<AppEnv>,
  request: ChatRequest,
  opts: CallOptions = {},
): Promise<Served<ForwardResult>> {
  const { deps, spend, telemetry } = p;
  const { config } = deps;
  const caller = c.get('caller');
  const route = opts.route ?? routeModel(request.model);
  return serveWithKeys(
    { deps: p.choiceDeps, caller, model: request.model, route },
    {
      // Policy and budget, on each key before it is opened; a refusal is an error (or the next key).
      async admit(key) {
        const chat = await spend.systemKeyPolicy(request, key, route, caller.userId);
        const account = await spend.admit(chat, key, route, caller.userId, c.get('requestId'));
        return { chat, account, provider: key.provider };
      },
      // The key could not be opened: no upstream call, no row, the reservation released.
      abandon: ({ chat, account, provider }) =>
        callObserver(telemetry, { provider, stream: chat.stream === true, account }).onEnd('error', 0, 500),
      call(picked, { chat, account }, attempt) {
        c.header('x-gateway-provider', picked.provider);
        c.header('x-gateway-key-source', picked.keySource);
        c.header('x-gateway-attempts', String(attempt));
        if (picked.keyId) c.header('x-gateway-key-id', picked.keyId);
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
        return forwardChat({
          upstream: deps.upstream,
          adapter: opts.adapter ? opts.adapter(picked.provider) : adapterFor(picked.provider),
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
      },
    },
  );
}

/** The call's answer as the route's response: JSON, or an SSE stream that proxies must not buffer. */
export function respond(c: Context<AppEnv>, served: Served<ForwardResult>, stream: boolean): Response {
  const { result, warning } = served;
  const headers: Record<string, string> = { 'content-type': result.contentType };
  if (warning) headers['x-gateway-key-warning'] = warning;
  if (stream) {
    headers['cache-control'] = 'no-cache';
    headers['x-accel-buffering'] = 'no';
  }
  return c.body(result.body, result.status as ContentfulStatusCode, headers);
}
