import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Deps } from '../deps.js';
import { GatewayError } from '../errors.js';
import type { AppEnv } from '../http/app-env.js';
import { adapterFor, NATIVE_PROVIDERS } from '../providers/registry.js';
import type { CallContext, ChatRequest, ProviderAdapter } from '../providers/types.js';
import type { KeyRowCache } from '../vault/key-row-cache.js';
import { type ChatTelemetry, callObserver } from './call-observer.js';
import { type CallObserver, type ForwardResult, forwardChat } from './forward.js';
import { type PickedKey, type PickKeyDeps, pickKey } from './pick-key.js';
import { type ModelRoute, routeModel } from './route-model.js';
import { includeUsageOf } from './schema.js';
import type { SpendGuard } from './spend-guard.js';

/**
 * The path every spending `/v1` route shares (chat completions, embeddings, responses, messages):
 * key choice, system-key policy, budget, the upstream call with its timeouts and usage row. A
 * route only says what to send (an adapter) and how to answer (its own protocol).
 */
export interface CallPipeline {
  deps: Deps;
  telemetry: ChatTelemetry;
  spend: SpendGuard;
  pickDeps: PickKeyDeps;
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
    pickDeps: {
      db: deps.db,
      vault: deps.vault,
      logger: deps.logger,
      // SYSTEM_KEY_ACCESS=none: for key choice, there is no system key.
      systemOpenRouterKey: config.systemKey.access === 'none' ? undefined : config.openrouterApiKey,
      systemMonthlyBudgetUsd: config.systemKey.monthlyBudgetUsd,
      nativeProviders: NATIVE_PROVIDERS,
      onDecryptFailure: telemetry.onDecryptFailure,
      keyRows,
    },
  };
}

export interface ChosenKey {
  route: ModelRoute;
  picked: PickedKey;
}

/** Routes the model and picks the caller's key for it; the choice is named in response headers. */
export async function chooseKey(
  p: CallPipeline,
  c: Context<AppEnv>,
  model: string,
  route: ModelRoute = routeModel(model),
): Promise<ChosenKey> {
  const picked = await pickKey(p.pickDeps, c.get('caller'), model, route);
  c.set('keyUse', { keyId: picked.keyId, provider: picked.provider });
  // Prepared headers: they land on the route's response; onError adds them to errors.
  c.header('x-gateway-provider', picked.provider);
  c.header('x-gateway-key-source', picked.keySource);
  return { route, picked };
}

/** For a call that spends nothing (Anthropic's count_tokens): no budget, no usage row, no metrics. */
const UNACCOUNTED: CallObserver = { onFirstByte() {}, onUsage() {}, onRelayed() {}, onEnd() {} };

/**
 * One upstream call on the chosen key. `chat` is what policy and budget judge (the request itself
 * on the chat path; its chat-shaped equivalent for other endpoints); `adapter` builds the call
 * (the provider's chat adapter unless the route brings its own, e.g. a pass-through). `free`: the
 * call costs nothing, so it is neither budgeted nor recorded (the caller's own key only).
 */
export async function serveCall(
  p: CallPipeline,
  c: Context<AppEnv>,
  chosen: ChosenKey,
  request: ChatRequest,
  adapter: ProviderAdapter = adapterFor(chosen.picked.provider),
  opts: { free?: boolean } = {},
): Promise<ForwardResult> {
  const { deps, spend } = p;
  const { config } = deps;
  const { picked, route } = chosen;
  const caller = c.get('caller');
  const free = opts.free === true && picked.keySource === 'user';
  // Policy and budget, on the chosen key, before any upstream work; each refusal is an error.
  const chat = free ? request : await spend.systemKeyPolicy(request, picked, route, caller.userId);
  const account = free
    ? undefined
    : {
        ...(await spend.admit(chat, picked, route, caller.userId, c.get('requestId'))),
        orgId: caller.org?.orgId ?? null,
      };
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
  const observer = account
    ? callObserver(p.telemetry, { provider: picked.provider, stream: call.stream, account })
    : UNACCOUNTED;
  return forwardChat({
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
}

/** The call's answer as the route's response: JSON, or an SSE stream that proxies must not buffer. */
export function respond(
  c: Context<AppEnv>,
  result: { status: number; contentType: string; body: ReadableStream<Uint8Array> | string },
  stream: boolean,
): Response {
  const headers: Record<string, string> = { 'content-type': result.contentType };
  if (stream) {
    headers['cache-control'] = 'no-cache';
    headers['x-accel-buffering'] = 'no';
  }
  return c.body(result.body, result.status as ContentfulStatusCode, headers);
}
