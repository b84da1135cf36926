import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { configProblems, testEnv } from '../helpers/config.js';

/** Production refuses settings an attacker (or a hurried operator) could exploit; each names its variable. */
const problemsOf = configProblems;

const prod = (overrides: Record<string, string | undefined>) =>
  testEnv({ NODE_ENV: 'production', ...overrides });
const strong = 'q7Vx2Lp9Rk4Tz8Nw1Hc6Jm3Bd5Fg0Ys-Ue';

describe('production refuses unsafe secrets and URLs', () => {
  it.each([
    ['API_KEY_ENCRYPTION_SECRET', { API_KEY_ENCRYPTION_SECRET: strong, JWT_SECRET: strong }],
    ['API_KEY_ENCRYPTION_SECRET', { API_KEY_ENCRYPTION_SECRET: 'a'.repeat(48) }],
    ['API_KEY_ENCRYPTION_SECRET', { API_KEY_ENCRYPTION_SECRET: 'ab'.repeat(24) }],
    ['API_KEY_ENCRYPTION_SECRET', { API_KEY_ENCRYPTION_SECRET: 'password'.repeat(5) }],
    ['JWT_SECRET', { JWT_SECRET: 'x'.repeat(40) }],
    ['JWT_SECRET', { JWT_SECRET: '0123456789'.repeat(4) }],
    ['API_KEY_ENCRYPTION_SECRET_PREVIOUS', { API_KEY_ENCRYPTION_SECRET_PREVIOUS: 'z'.repeat(40) }],
    ['JWT_JWKS_URL', { JWT_SECRET: undefined, JWT_JWKS_URL: 'http://idp.example.com/.well-known/jwks.json' }],
  ])('names %s', (variable, overrides) => {
    const problems = problemsOf(prod(overrides));
    expect(problems.join('\n')).toContain(variable);
    expect(problems.join('\n')).not.toContain(String(Object.values(overrides)[0]));
  });

  it.each([
    'https://idp.example.com/.well-known/jwks.json',
    'http://127.0.0.1:9000/jwks.json',
    'http://localhost:9000/jwks.json',
    'http://[::1]:9000/jwks.json',
  ])('accepts the JWKS URL %s', (url) => {
    expect(problemsOf(prod({ JWT_SECRET: undefined, JWT_JWKS_URL: url }))).toEqual([]);
  });

  it('accepts generated-looking secrets, hex ones included', () => {
    const hex = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join('');
    expect(problemsOf(prod({ JWT_SECRET: hex }))).toEqual([]);
    expect(problemsOf(prod({}))).toEqual([]);
  });

  it('lets development keep a low-entropy secret (only production refuses it)', () => {
    expect(problemsOf(testEnv({ API_KEY_ENCRYPTION_SECRET: 'a'.repeat(48) }))).toEqual([]);
  });
});

describe('JWT_MAX_AGE and METRICS_PORT', () => {
  it('defaults JWT_MAX_AGE to 24 hours and reads durations', () => {
    expect(loadConfig(testEnv()).jwt.maxAgeSeconds).toBe(86_400);
    expect(loadConfig(testEnv({ JWT_MAX_AGE: '30m' })).jwt.maxAgeSeconds).toBe(1800);
    expect(loadConfig(testEnv({ JWT_MAX_AGE: '7d' })).jwt.maxAgeSeconds).toBe(604_800);
    expect(loadConfig(testEnv({ JWT_MAX_AGE: '3600' })).jwt.maxAgeSeconds).toBe(3600);
  });

  it.each(['forever', '0', '-5m', '1y'])('names JWT_MAX_AGE when it is %s', (value) => {
    expect(problemsOf(testEnv({ JWT_MAX_AGE: value })).join('\n')).toContain('JWT_MAX_AGE');
  });

  it('bounds how long a client may take to send its request (REQUEST_TIMEOUT_MS, 30 s)', () => {
    expect(loadConfig(testEnv()).requestTimeoutMs).toBe(30_000);
    expect(loadConfig(testEnv({ REQUEST_TIMEOUT_MS: '5000' })).requestTimeoutMs).toBe(5000);
    expect(problemsOf(testEnv({ REQUEST_TIMEOUT_MS: '0' })).join('\n')).toContain('REQUEST_TIMEOUT_MS');
  });

  it('reads METRICS_PORT, unset by default', () => {
    expect(loadConfig(testEnv()).metricsPort).toBeUndefined();
    expect(loadConfig(testEnv({ METRICS_PORT: '9464' })).metricsPort).toBe(9464);
    expect(problemsOf(testEnv({ METRICS_PORT: 'nine' })).join('\n')).toContain('METRICS_PORT');
  });
});
