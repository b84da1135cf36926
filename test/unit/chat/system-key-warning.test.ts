import { describe, expect, it } from 'vitest';
import { warnAboutOpenSystemKey } from '../../../src/chat/system-key-warning.js';
import { createLogger } from '../../../src/ops/logger.js';
import { testConfig } from '../../helpers/config.js';

const SYSTEM_KEY = `sk-or-v1-${'f'.repeat(64)}`;

function warningsFor(env: Record<string, string>): string[] {
  const lines: string[] = [];
  warnAboutOpenSystemKey(
    testConfig({ OPENROUTER_API_KEY: SYSTEM_KEY, ...env }),
    createLogger('debug', (l) => lines.push(l)),
  );
  return lines;
}

describe('the start-up warning about an open system key', () => {
  it('warns once in production when any user can spend the system key without a budget', () => {
    const lines = warningsFor({ NODE_ENV: 'production' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('any authenticated user can spend the system OpenRouter key');
    expect(lines[0]).not.toContain(SYSTEM_KEY);
  });

  it.each([
    [{ NODE_ENV: 'development' }],
    [{ NODE_ENV: 'production', SYSTEM_KEY_ACCESS: 'claim' }],
    [{ NODE_ENV: 'production', SYSTEM_KEY_ACCESS: 'none' }],
    [{ NODE_ENV: 'production', SYSTEM_KEY_MONTHLY_BUDGET_USD: '5' }],
  ])('stays quiet with %j', (env) => {
    expect(warningsFor(env)).toEqual([]);
  });
});
