import { exclusiveKeysUnusable, GatewayError, noKeyAvailable } from '../errors.js';
import type { Provider } from '../providers/kit/providers.js';
import { markKeyRejected, restKey } from '../vault/key-health.js';
import { userOwner } from '../vault/key-owner.js';
import { sealedKeysFor } from '../vault/sealed-keys.js';
import {
  type ChosenKey,
  KEY_SOURCES,
  type KeyCaller,
  type KeyCandidate,
  type KeyChoiceDeps,
  type KeyGroup,
  type KeySource,
  type PickedKey,
  type SourceContext,
  wantedKeys,
} from './key-sources.js';
import type { ModelRoute } from './route-model.js';

export type { ChosenKey, KeyCaller, KeyChoiceDeps } from './key-sources.js';

/** At most this many keys are tried (upstream calls made) for one request. */
const MAX_KEY_ATTEMPTS = 3;

/** What a spending route does with each key it is given. */
export interface KeySteps<P, R> {
  /**
   * Before the key is opened: the system key's policy, the key's budget. A GatewayError refuses
   * this key (the group's next key is tried; the last refusal is the answer).
   */
  admit(key: ChosenKey): Promise<P>;
  /**
   * The upstream call, up to the point where the client gets its first byte. An error thrown here
   * that says the key was rejected, out of quota or rate-limited moves on to the group's next key.
   * `attempt` counts from 1 (for `x-gateway-attempts`).
   */
  call(picked: PickedKey, admitted: P, attempt: number): Promise<R>;
  /** The admitted key could not be opened: undo what `admit` reserved. */
  abandon(admitted: P): void;
}

export interface Served<R> {
  result: R;
  picked: PickedKey;
  /** Upstream calls made (keys tried), for `x-gateway-attempts`. */
  attempts: number;
  /** For `x-gateway-key-warning`. */
  warning?: string;
}

export interface KeyChoice {
  deps: KeyChoiceDeps;
  caller: KeyCaller;
  model: string;
  route: ModelRoute;
  /** The sources, in order; default KEY_SOURCES. */
  sources?: readonly KeySource[];
}

/** Upstream answers that say "this key, not this request": the next key may succeed. */
const FAILOVER_CODES = new Set(['provider_key_rejected', 'insufficient_quota', 'rate_limit_exceeded']);

/** Retry-After in ms from an upstream-mapped error (seconds), at least 1 s, at most a day. */
function restMs(err: GatewayError): number {
  const seconds = Number(err.headers['retry-after']);
  return Math.min(Math.max(Number.isFinite(seconds) ? seconds : 1, 1), 86_400) * 1000;
}

/** Records what the provider said about a user key (rejected, or resting), off the answer's way. */
async function noteFailure(ctx: SourceContext, key: KeyCandidate, err: GatewayError): Promise<void> {
  if (key.keySource !== 'user' || !key.keyId) return;
  const { deps, caller } = ctx;
  const ref = { owner: userOwner(caller.userId), keyId: key.keyId };
  const at = new Date(ctx.now).toISOString();
  try {
    if (err.code === 'provider_key_rejected') await markKeyRejected(deps.db, ref, err.message, at);
    else await restKey(deps.db, ref, new Date(Date.now() + restMs(err)).toISOString(), err.message, at);
  } catch {
    deps.logger.warn('could not record a key failure', { keyId: key.keyId });
  }
  deps.keyRows?.invalidate(caller.userId);
}

/**
 * Serves one request with the caller's keys: sources in order, the first group that has a
 * candidate serves, its keys in priority order. A key is opened only after `admit` accepted it.
 * A key failing with a failover error before any byte reached the client (`call` threw) makes
 * the next key of the same group be tried, at most MAX_KEY_ATTEMPTS upstream calls; when they all
 * fail, the last failure is the answer. An exclusive group with no candidate is an error, never
 * a move to the next source.
 */
export async function serveWithKeys<P, R>(choice: KeyChoice, steps: KeySteps<P, R>): Promise<Served<R>> {
  const { ctx, group } = await firstGroup(choice);
  return serveFromGroup(ctx, group, steps);
}

/** The provider whose keys would serve the request (nothing opened, no budget touched). */
export async function firstProvider(choice: KeyChoice): Promise<Provider> {
  return (await firstGroup(choice)).group.candidates[0]!.provider;
}

/** The first source's group that has a candidate; the errors of key choice when there is none. */
async function firstGroup(choice: KeyChoice): Promise<{ ctx: SourceContext; group: KeyGroup }> {
  const { deps, caller, route } = choice;
  const native = route.provider !== 'openrouter' && deps.nativeProviders.has(route.provider);
  const wanted = native ? [route.provider, 'openrouter' as const] : ['openrouter' as const];
  const ctx: SourceContext = {
    deps,
    caller,
    model: choice.model,
    route,
    native,
    now: deps.now ? deps.now() : Date.now(),
    // Every source list starts with the user's keys: read (or taken from the cache) once, up front.
    userKeys:
      deps.keyRows?.get(caller.userId, wanted) ??
      (await (deps.keyRows
        ? deps.keyRows.load(caller.userId, wanted, () =>
            sealedKeysFor(deps.db, userOwner(caller.userId), wanted),
          )
        : sealedKeysFor(deps.db, userOwner(caller.userId), wanted))),
  };
  for (const source of choice.sources ?? KEY_SOURCES) {
    const group = await source(ctx);
    if (!group) continue;
    if (group.candidates.length > 0) return { ctx, group };
    if (group.exclusive) throw exclusiveKeysUnusable(group.name, group.unusable);
  }
  throw noKeyAvailable(choice.model, wantedKeys(ctx));
}

async function serveFromGroup<P, R>(
  ctx: SourceContext,
  group: KeyGroup,
  steps: KeySteps<P, R>,
): Promise<Served<R>> {
  let attempts = 0;
  let last: unknown;
  for (const key of group.candidates) {
    if (attempts >= MAX_KEY_ATTEMPTS) break;
    let admitted: P;
    try {
      admitted = await steps.admit(key);
    } catch (err) {
      if (!(err instanceof GatewayError)) throw err;
      last = err;
      continue;
    }
    let apiKey: string;
    try {
      apiKey = await group.open(key, ctx);
    } catch (err) {
      steps.abandon(admitted);
      if (!(err instanceof GatewayError)) throw err;
      last = err;
      continue;
    }
    const picked: PickedKey = {
      provider: key.provider,
      upstreamModel: key.upstreamModel,
      apiKey,
      keyLabel: key.keyLabel,
      keySource: key.keySource,
      keyId: key.keyId,
      monthlyBudgetUsd: key.monthlyBudgetUsd,
    };
    attempts++;
    try {
      const result = await steps.call(picked, admitted, attempts);
      return { result, picked, attempts, warning: group.warning?.(key, ctx) };
    } catch (err) {
      if (!(err instanceof GatewayError) || !FAILOVER_CODES.has(err.code)) throw err;
      await noteFailure(ctx, key, err);
      last = err;
    }
  }
  throw last;
}
