import { exclusiveKeysUnusable, GatewayError, noKeyAvailable } from '../errors.js';
import type { Provider } from '../providers/kit/providers.js';
import { markKeyRejected, restKey } from '../vault/key-health.js';
import { type KeyOwner, orgOwner, userOwner } from '../vault/key-owner.js';
import { keyRowsOf } from '../vault/owner-key-rows.js';
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
  /**
   * The provider refused a stored key during this request (it is now marked rejected): for the
   * audit log. `status` is the gateway's answer for it (401); nothing of the key but its preview.
   */
  rejected?(key: RejectedKey): void;
}

/** A stored key the provider refused during a request, as the audit log names it. */
interface RejectedKey {
  keyId: string;
  keyPreview: string;
  provider: Provider;
  owner: KeyOwner;
  status: number;
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

/**
 * Records what the provider said about a stored key — the caller's or their organisation's —
 * (rejected, or resting) on its owner's row, and forgets that owner's cached rows.
 */
async function noteFailure<P, R>(
  ctx: SourceContext,
  key: KeyCandidate,
  err: GatewayError,
  steps: KeySteps<P, R>,
): Promise<void> {
  const { keyId, owner, sealed } = key;
  if (!keyId || !owner || !sealed) return;
  const { deps } = ctx;
  const ref = { owner, keyId };
  const at = new Date(ctx.now).toISOString();
  const rejected = err.code === 'provider_key_rejected';
  try {
    if (rejected) await markKeyRejected(deps.db, ref, err.message, at);
    else await restKey(deps.db, ref, new Date(Date.now() + restMs(err)).toISOString(), err.message, at);
  } catch {
    deps.logger.warn('could not record a key failure', { keyId });
  }
  deps.keyRows?.invalidate(owner);
  if (rejected)
    steps.rejected?.({
      keyId,
      keyPreview: sealed.keyPreview,
      provider: key.provider,
      owner,
      status: err.status,
    });
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
  const user = userOwner(caller.userId);
  // Only a caller whose credential names an organisation now (a token detached from it has none).
  const org = caller.org ? orgOwner(caller.org.orgId) : undefined;
  // Every source list starts with the stored keys: read (or taken from the cache) once, up front.
  const rows = await keyRowsOf(deps.db, deps.keyRows, user, org, wanted);
  const ctx: SourceContext = {
    deps,
    caller,
    model: choice.model,
    route,
    native,
    now: deps.now ? deps.now() : Date.now(),
    user,
    userKeys: rows.user,
    org,
    orgKeys: rows.org,
  };
  for (const source of choice.sources ?? KEY_SOURCES) {
    const group = await source(ctx);
    if (!group) continue;
    if (group.candidates.length > 0) return { ctx, group };
    if (group.exclusive)
      throw exclusiveKeysUnusable(group.name, group.unusable, group.source === 'org' ? 'org' : 'user');
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
      await noteFailure(ctx, key, err, steps);
      last = err;
    }
  }
  throw last;
}
