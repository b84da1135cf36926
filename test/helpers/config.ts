import { type Config, ConfigError, type Env, loadConfig } from '../../src/config.js';

export const TEST_JWT_SECRET = 'test-jwt-secret-that-is-long-enough-0123456789';
export const TEST_ENCRYPTION_SECRET = 'test-encryption-secret-long-enough-0123456789';

export function testEnv(overrides: Env = {}): Env {
  return {
    API_KEY_ENCRYPTION_SECRET: TEST_ENCRYPTION_SECRET,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'debug',
    PORT: '0',
    // Tests that make many keys or tokens are not about this limit; its own tests turn it on.
    MANAGEMENT_RATE_LIMIT_RPM: '0',
    ...overrides,
  };
}

export function testConfig(overrides: Env = {}): Config {
  return loadConfig(testEnv(overrides));
}

/** The problems loadConfig reports for `env` (empty when it is valid). */
export function configProblems(env: Env): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}
