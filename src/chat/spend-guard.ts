import type { Deps } from '../deps.js';
import { modelNotPriced } from '../errors.js';
import type { ChatRequest } from '../providers/types.js';
import { budgetScope, maxCallCost, monthOf, reserveBudget } from '../usage/budgets.js';
import type { CallAccount } from '../usage/call-usage.js';
import { estimatePromptTokens } from '../usage/estimate.js';
import type { PriceTable } from '../usage/price-table.js';
import type { ChosenKey } from './key-attempts.js';
import type { ModelRoute } from './route-model.js';
import { applySystemKeyPolicy, createUserHasher, modelMatcher } from './system-key-policy.js';

/** What the chat route asks before calling upstream: the system key's limits, then the budget. */
export interface SpendGuard {
  /** Whether SYSTEM_KEY_MODELS lets the system key serve this (OpenRouter) model id. */
  systemKeyAllows(model: string): boolean;
  /** The request as sent on the chosen key: unchanged on a user's key; checked and marked on the system key. */
  systemKeyPolicy(
    chat: ChatRequest,
    picked: ChosenKey,
    route: ModelRoute,
    userId: string,
  ): Promise<ChatRequest>;
  /**
   * Checks (and reserves against) the key's monthly budget; 429 budget_exceeded or 403
   * model_not_priced refuse the call. Returns what the call's usage row will be built from.
   */
  admit(
    chat: ChatRequest,
    picked: ChosenKey,
    route: ModelRoute,
    userId: string,
    requestId: string,
  ): Promise<Omit<CallAccount, 'estimateCompletionTokens'>>;
}

/** Providers whose answers carry what the call cost (OpenRouter's `usage.cost`). */
const REPORTS_COST = new Set(['openrouter']);

export function createSpendGuard(
  deps: Pick<Deps, 'db' | 'config' | 'clock'>,
  prices: PriceTable,
): SpendGuard {
  const policy = deps.config.systemKey;
  const allowed = modelMatcher(policy.models);
  const hashUser = createUserHasher(deps.config.encryptionSecret);

  return {
    systemKeyAllows: allowed,
    async systemKeyPolicy(chat, picked, route, userId) {
      if (picked.keySource !== 'system') return chat;
      const checked = applySystemKeyPolicy(chat, route.openrouterModel, policy, allowed);
      // OpenRouter's `user`: who is spending the operator's key, without the user id itself.
      return { ...checked, user: await hashUser(userId) };
    },

    async admit(chat, picked, route, userId, requestId) {
      const now = deps.clock();
      const price = prices.find([
        chat.model,
        route.openrouterModel,
        `${picked.provider}/${picked.upstreamModel}`,
      ]);
      const scope = budgetScope(picked.keyId, userId);
      const month = monthOf(now);
      let reservation: CallAccount['reservation'];
      const budget = picked.monthlyBudgetUsd;
      if (budget !== null) {
        const reports = REPORTS_COST.has(picked.provider);
        if (!price && !reports) throw modelNotPriced(chat.model, picked.keyLabel);
        // A model OpenRouter will price but we cannot: reserved at the table's highest rates.
        const amountUsd = maxCallCost(chat, price ?? prices.ceiling);
        const keyLabel =
          picked.keySource === 'system'
            ? 'Your use of the system OpenRouter key'
            : picked.keySource === 'org'
              ? `Your organisation's key ${picked.keyLabel}`
              : `Key ${picked.keyLabel}`;
        await reserveBudget(deps.db, { scope, month, amountUsd, budgetUsd: budget, keyLabel, now });
        reservation = { scope, month, amountUsd };
      }
      return {
        requestId,
        userId,
        keyId: picked.keyId,
        keySource: picked.keySource,
        provider: picked.provider,
        model: chat.model,
        upstreamModel: picked.upstreamModel,
        price,
        scope,
        month,
        reservation,
        estimatePromptTokens: () => estimatePromptTokens(chat),
      };
    },
  };
}
