import type { Usage } from '../providers/types.js';
import { timeOrderedId } from '../util/time-ordered-id.js';
import type { Reservation } from './budgets.js';
import { cachedTokensOf, type ModelPrice, priceTokens, reasoningTokensOf } from './price-table.js';
import type { SpendSettlement, UsageEvent } from './usage-recorder.js';

/** What the chat route knows about a call before it starts, for its usage row and its budget. */
export interface CallAccount {
  requestId: string;
  userId: string;
  /** The caller's organisation (recorded on the usage row beside the user). */
  orgId?: string | null;
  keyId: string | undefined;
  keySource: 'user' | 'org' | 'system';
  provider: string;
  model: string;
  upstreamModel: string;
  /** From the price table; undefined when the model is unpriced. */
  price: ModelPrice | undefined;
  /** The budget counter this call counts toward (every call, budgeted or not: monthSpendUsd). */
  scope: string;
  month: string;
  /** What was reserved against the budget before the call, if it has one. */
  reservation: Reservation | undefined;
  /** Estimates, asked only when the upstream reported no usage. */
  estimatePromptTokens(): number;
  estimateCompletionTokens(): number;
}

/** How the call ended, as the observer saw it. */
export interface CallEnd {
  outcome: 'done' | 'error' | 'interrupted' | 'cancelled';
  /** The status the call ended with (an upstream error's mapped status; 499 for a client gone). */
  status: number;
  durationMs: number;
  ttfbMs: number | undefined;
  usage: Usage | undefined;
}

/**
 * The usage row (undefined when no upstream was reached: nothing could have been spent) and the
 * settlement of the call's spend counter. Cost: OpenRouter's reported `usage.cost`, else the
 * table's price of the tokens, else unpriced (null). An unpriced call that had a reservation is
 * charged the reservation, so a budget never counts an unknown cost as $0.
 */
export function accountCall(
  a: CallAccount,
  end: CallEnd,
  createdAt: string,
): { event: UsageEvent | undefined; settlement: SpendSettlement } {
  const { usage } = end;
  const estimated = !usage && end.outcome !== 'error';
  const promptTokens = usage ? usage.prompt_tokens : estimated ? a.estimatePromptTokens() : 0;
  const completionTokens = usage ? usage.completion_tokens : estimated ? a.estimateCompletionTokens() : 0;
  const cachedTokens = usage ? cachedTokensOf(usage) : 0;
  let costUsd: number | null = null;
  let costSource: UsageEvent['costSource'] = 'unpriced';
  if (usage?.cost !== undefined) {
    costUsd = usage.cost;
    costSource = 'reported';
  } else if (a.price) {
    costUsd = priceTokens(a.price, {
      prompt: promptTokens,
      cached: cachedTokens,
      completion: completionTokens,
    });
    costSource = 'priced';
  }
  const released = a.reservation?.amountUsd ?? 0;
  const settlement = { scope: a.scope, month: a.month, spentUsd: costUsd ?? released, releasedUsd: released };
  // A call refused before headers arrived never reached the upstream, except on a timeout
  // (the upstream may be working on it, and may bill it).
  const reached = end.ttfbMs !== undefined || end.status === 504;
  if (!reached) return { event: undefined, settlement: { ...settlement, spentUsd: 0 } };
  return {
    event: {
      id: timeOrderedId(),
      requestId: a.requestId,
      userId: a.userId,
      keyId: a.keyId ?? null,
      keySource: a.keySource,
      provider: a.provider,
      model: a.model,
      upstreamModel: a.upstreamModel,
      promptTokens,
      completionTokens,
      cachedTokens,
      reasoningTokens: usage ? reasoningTokensOf(usage) : 0,
      costUsd,
      costSource,
      estimated,
      status: end.status,
      latencyMs: end.durationMs,
      ttftMs: end.ttfbMs ?? null,
      createdAt,
      orgId: a.orgId ?? null,
    },
    settlement,
  };
}
