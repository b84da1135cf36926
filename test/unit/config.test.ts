import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { configProblems, testEnv } from '../helpers/config.js';

const problemsOf = configProblems;

describe('configuration', () => {
  it('applies the contract’s defaults', () => {
    const c = loadConfig(testEnv({ PORT: undefined, LOG_LEVEL: undefined }));
    expect(c).toMatchObject({
      host: '127.0.0.1',
      port: 8787,
      databaseUrl: 'file:./data/gateway.db',
      rateLimitRpm: 600,
      maxBodyBytes: 10485760,
      upstreamTimeoutMs: 60000,
      logLevel: 'info',
      corsOrigins: [],
      previousEncryptionSecrets: [],
    });
    expect(c.baseUrls).toEqual({
      openai: 'https://api.openai.com/v1',
      anthropic: 'https://api.anthropic.com/v1',
      google: 'https://generativelanguage.googleapis.com/v1beta',
      meta: 'https://api.llama.com/compat/v1',
      openrouter: 'https://openrouter.ai/api/v1',
    });
  });

  it('strips a trailing slash from base URLs and splits comma lists', () => {
    const c = loadConfig(
      testEnv({
        OPENAI_BASE_URL: 'http://127.0.0.1:9000/v1/',
        API_KEY_ENCRYPTION_SECRET_PREVIOUS: ` ${'a'.repeat(32)} , ${'b'.repeat(40)}`,
      }),
    );
    expect(c.baseUrls.openai).toBe('http://127.0.0.1:9000/v1');
    expect(c.previousEncryptionSecrets).toEqual(['a'.repeat(32), 'b'.repeat(40)]);
  });

  it.each([
    ['PORT', { PORT: 'eighty' }],
    ['PORT', { PORT: '70000' }],
    ['DATABASE_URL', { DATABASE_URL: 'mysql://localhost/db' }],
    ['OPENAI_BASE_URL', { OPENAI_BASE_URL: 'not a url' }],
    ['RATE_LIMIT_RPM', { RATE_LIMIT_RPM: '-1' }],
    ['LOG_LEVEL', { LOG_LEVEL: 'loud' }],
    ['API_KEY_ENCRYPTION_SECRET', { API_KEY_ENCRYPTION_SECRET: undefined }],
    ['API_KEY_ENCRYPTION_SECRET', { API_KEY_ENCRYPTION_SECRET: 'short' }],
    ['API_KEY_ENCRYPTION_SECRET_PREVIOUS', { API_KEY_ENCRYPTION_SECRET_PREVIOUS: 'short' }],
    ['JWT_SECRET', { JWT_SECRET: 'short' }],
    ['JWT_SECRET or JWT_JWKS_URL', { JWT_SECRET: undefined }],
  ])('names %s when it is invalid', (variable, overrides) => {
    const problems = problemsOf(testEnv(overrides));
    expect(problems.length).toBeGreaterThan(0);
    expect(problems.join('\n')).toContain(variable);
  });

  it('never puts a secret value into its error message', () => {
    const weak = 'weak-secret-value';
    const problems = problemsOf(testEnv({ API_KEY_ENCRYPTION_SECRET: weak, JWT_SECRET: weak }));
    expect(problems.join('\n')).not.toContain(weak);
  });

  it('treats empty variables as unset', () => {
    const c = loadConfig(testEnv({ OPENROUTER_API_KEY: '', REDIS_URL: '', JWT_ISSUER: '' }));
    expect(c.openrouterApiKey).toBeUndefined();
    expect(c.redisUrl).toBeUndefined();
    expect(c.jwt.issuer).toBeUndefined();
  });
});
