import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Deps } from '../deps.js';
import { GatewayError } from '../errors.js';
import type { AppEnv } from '../http/app-env.js';
import { clientGone } from '../http/client-gone.js';
import type { Provider } from '../providers/kit/providers.js';
import { adapterFor, NATIVE_PROVIDERS } from '../providers/registry.js';
import type { CallContext, ChatRequest, ClientBody, ProviderAdapter } from '../providers/types.js';
import type { KeyRowCache } from '../vault/key-row-cache.js';
import { type ChatTelemetry, callObserver } from './call-observer.js';
import { type CallObserver, type ForwardResult, forwardChat } from './forward.js';
import { firstProvider, type KeyChoiceDeps, type Served, serveWithKeys } from './key-attempts.js';
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

/**
 * What to send on a key of a given provider: the chat-shaped request that policy and budget judge
 * (the request itself on the chat path), the adapter that builds the call (default: the provider's
 * chat adapter), whether the call is free (Anthropic's count_tokens: on the caller's own key it
 * is neither budgeted nor recorded), and the client's text of the request when the request is its
 * parsed value (passed to the adapter only while policy leaves the request as it is).
 */
export interface CallPlan {
  request: ChatRequest;
  adapter?: ProviderAdapter;
  free?: boolean;
  clientBody?: ClientBody;
}

/** For a call that spends nothing: no budget, no usage row, no metrics. */
const UNACCOUNTED: CallObserver = { onFirstByte() {}, onUsage() {}, onRelayed() {}, onEnd() {} };

const choiceOf = (p: CallPipeline, c: Context<AppEnv>, model: string, route: ModelRoute) => ({
  deps: p.choiceDeps,
  caller: c.get('caller'),
  model,
  route,
});

/**
 * The provider the caller's keys would serve `model` with (no key opened, no budget touched): for
 * a route that answers differently by provider before calling anyone (count_tokens' estimate).
 */
export function servingProvider(p: CallPipeline, c: Context<AppEnv>, model: string): Promise<Provider> {
  return firstProvider(choiceOf(p, c, model, routeModel(model)));
}

/**
 * Serves `model` with the caller's keys: for each key tried, `plan(provider)` says what to send;
 * policy and budget judge its request before the key is opened. Each key tried is named in
 * prepared headers (`x-gateway-provider`, `-key-source`, `-attempts`, `-key-id`), which land on
 * the response and, through onError, on an error. `served.picked.provider` tells the route which
 * plan answered.
 */
export async function serveCall(
  p: CallPipeline,
  c: Context<AppEnv>,
  model: string,
  plan: (provider: Provider) => CallPlan,
  route: ModelRoute = routeModel(model),
): Promise<Served<ForwardResult>> {
  const { deps, spend, telemetry } = p;
  const { config } = deps;
  const caller = c.get('caller');
  return serveWithKeys(choiceOf(p, c, model, route), {
    // Policy and budget, on each key before it is opened; a refusal is an error (or the next key).
    async admit(key) {
      const planned = plan(key.provider);
      // The key this request is about to use, for its audit events (new IP, budget reached).
      c.set('keyUse', {
        keyId: key.keyId,
        provider: key.provider,
        preview: key.keyPreview ?? null,
        orgId: key.keySource === 'org' ? (caller.org?.orgId ?? null) : null,
      });
      // A free call (count_tokens) on a stored key, the caller's or their organisation's.
      if (planned.free && key.keySource !== 'system')
        return { planned, chat: planned.request, account: undefined };
      const chat = await spend.systemKeyPolicy(planned.request, key, route, caller.userId);
      const account = {
        ...(await spend.admit(chat, key, route, caller.userId, c.get('requestId'))),
        orgId: caller.org?.orgId ?? null,
      };
      return { planned, chat, account };
    },
    // For the audit log (src/audit/chat-events.ts), written after the response.
    rejected(key) {
      const orgId = key.owner.kind === 'org' ? key.owner.id : null;
      const found = {
        keyId: key.keyId,
        preview: key.keyPreview,
        provider: key.provider,
        status: key.status,
        orgId,
      };
      c.set('keysRejected', [...(c.get('keysRejected') ?? []), found]);
    },
    // The key could not be opened: no upstream call, no row, the reservation released.
    abandon: ({ chat, account }) => {
      if (account)
        callObserver(telemetry, {
          provider: account.provider as Provider,
          stream: chat.stream === true,
          account,
        }).onEnd('error', 0, 500);
    },
    call(picked, { planned, chat, account }, attempt) {
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
        // The system key's policy returns a changed copy: the client's text no longer says it.
        clientBody: chat === planned.request ? planned.clientBody : undefined,
      };
      const observer = account
        ? callObserver(telemetry, { provider: picked.provider, stream: call.stream, account })
        : UNACCOUNTED;
      return forwardChat({
        upstream: deps.upstream,
        adapter: planned.adapter ?? adapterFor(picked.provider),
        chat,
        call,
        clientGone: clientGone(c),
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
  });
}

/** The call's answer as the route's response: JSON, or an SSE stream that proxies must not buffer. */
export function respond(
  c: Context<AppEnv>,
  served: { result: ForwardResult; warning?: string },
  stream: boolean,
): Response {
  const { result, warning } = served;
  const headers: Record<string, string> = { 'content-type': result.contentType };
  if (warning) headers['x-gateway-key-warning'] = warning;
  if (stream) {
    headers['cache-control'] = 'no-cache';
    headers['x-accel-buffering'] = 'no';
  }
  return c.body(result.body, result.status as ContentfulStatusCode, headers);
}
