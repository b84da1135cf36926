import type { Config } from '../config.js';
import type { Logger } from '../ops/logger.js';

/**
 * One start-up warning in production when any authenticated user can spend the system key
 * without a limit: SYSTEM_KEY_ACCESS=all and no SYSTEM_KEY_MONTHLY_BUDGET_USD.
 */
export function warnAboutOpenSystemKey(config: Config, logger: Logger): boolean {
  const open =
    config.production &&
    config.openrouterApiKey !== undefined &&
    config.systemKey.access === 'all' &&
    config.systemKey.monthlyBudgetUsd === undefined;
  if (open) {
    logger.warn(
      'any authenticated user can spend the system OpenRouter key without a limit: set SYSTEM_KEY_ACCESS=claim or none, or SYSTEM_KEY_MONTHLY_BUDGET_USD',
    );
  }
  return open;
}
