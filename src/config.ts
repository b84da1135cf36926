import { z } from 'zod';
import { durationSeconds, lowEntropy, safeKeySetUrl } from './config-checks.js';
import type { Provider } from './providers/kit/providers.js';

/**
 * The whole configuration, parsed once from the environment. Nothing else reads
 * process.env: entries call loadConfig and pass the result down.
 */
export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const MIN_SECRET_LENGTH = 32;

const emptyAsUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const intInRange = (def: number, min: number, max: number) =>
  z.preprocess(emptyAsUndefined, z.coerce.number().int().min(min).max(max).default(def));
const httpUrl = (def: string) =>
  z.preprocess(
    emptyAsUndefined,
    z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .default(def)
      .transform((u) => u.replace(/\/+$/, '')),
  );
const csv = z.preprocess(
  emptyAsUndefined,
  z
    .string()
    .optional()
    .transform((v) =>
      (v ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
);

const envSchema = z.object({
  NODE_ENV: z.preprocess(emptyAsUndefined, z.string().default('development')),
  HOST: z.preprocess(emptyAsUndefined, z.string().default('127.0.0.1')),
  PORT: intInRange(8787, 0, 65535),
  API_KEY_ENCRYPTION_SECRET: optionalString,
  API_KEY_ENCRYPTION_SECRET_PREVIOUS: csv,
  DATABASE_URL: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default('file:./data/gateway.db')
      .refine((v) => /^(file:|postgres:\/\/|postgresql:\/\/)/.test(v), {
        message: 'must start with file: (SQLite) or postgres:// (PostgreSQL)',
      }),
  ),
  OPENROUTER_API_KEY: optionalString,
  JWT_SECRET: optionalString,
  JWT_JWKS_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
  JWT_ISSUER: optionalString,
  JWT_AUDIENCE: optionalString,
  OPENAI_BASE_URL: httpUrl('https://api.openai.com/v1'),
  ANTHROPIC_BASE_URL: httpUrl('https://api.anthropic.com/v1'),
  GOOGLE_BASE_URL: httpUrl('https://generativelanguage.googleapis.com/v1beta'),
  META_BASE_URL: httpUrl('https://api.llama.com/compat/v1'),
  OPENROUTER_BASE_URL: httpUrl('https://openrouter.ai/api/v1'),
  OPENROUTER_REFERER: z.preprocess(emptyAsUndefined, z.string().default('https://github.com/byok-gateway')),
  OPENROUTER_TITLE: z.preprocess(emptyAsUndefined, z.string().default('byok-gateway')),
  RATE_LIMIT_RPM: intInRange(600, 0, 10_000_000),
  MANAGEMENT_RATE_LIMIT_RPM: intInRange(60, 0, 10_000_000),
  REDIS_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^rediss?$/ }).optional()),
  MAX_BODY_BYTES: intInRange(10 * 1024 * 1024, 1024, 1024 * 1024 * 1024),
  UPSTREAM_TIMEOUT_MS: intInRange(60_000, 1, 3_600_000),
  STREAM_IDLE_TIMEOUT_MS: intInRange(120_000, 1, 3_600_000),
  REQUEST_TIMEOUT_MS: intInRange(30_000, 100, 3_600_000),
  CORS_ORIGINS: csv,
  KEY_CACHE_TTL_MS: intInRange(2_000, 0, 60_000),
  KEY_ROTATION_DAYS: intInRange(90, 0, 36_500),
  SHUTDOWN_GRACE_MS: intInRange(20_000, 0, 3_600_000),
  LOG_LEVEL: z.preprocess(emptyAsUndefined, z.enum(['debug', 'info', 'warn', 'error']).default('info')),
  JWT_MAX_AGE: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default('24h')
      .transform((v, ctx) => {
        const seconds = durationSeconds(v);
        if (seconds === undefined) {
          ctx.addIssue({ code: 'custom', message: 'must be a duration such as 3600, 30m, 24h or 7d' });
          return z.NEVER;
        }
        return seconds;
      }),
  ),
  METRICS_PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(65535).optional()),
  SYSTEM_KEY_ACCESS: z.preprocess(emptyAsUndefined, z.enum(['all', 'none', 'claim']).default('all')),
  SYSTEM_KEY_CLAIM: z.preprocess(emptyAsUndefined, z.string().default('byok_system')),
  SYSTEM_KEY_MODELS: csv,
  SYSTEM_KEY_MAX_OUTPUT_TOKENS: intInRange(4096, 1, 10_000_000),
  SYSTEM_KEY_MONTHLY_BUDGET_USD: z.preprocess(
    emptyAsUndefined,
    z.coerce.number({ error: 'must be a number' }).min(0, 'must be 0 or more').optional(),
  ),
  PRICES_FILE: optionalString,
  TRUST_PROXY: z.preprocess(
    (v) => {
      const t = typeof v === 'string' ? v.trim().toLowerCase() : v;
      if (t === undefined || t === '' || t === 'false' || t === 'off') return 0;
      if (t === 'true' || t === 'on') return 1;
      return t;
    },
    z.coerce.number({ error: 'must be true, false or a number of proxies' }).int().min(0).max(10),
  ),
  USAGE_RETENTION_DAYS: intInRange(400, 0, 100_000),
  AUDIT_RETENTION_DAYS: intInRange(400, 0, 100_000),
  ORG_CLAIM: z.preprocess(emptyAsUndefined, z.string().default('org_id')),
  ORG_ROLE_CLAIM: z.preprocess(emptyAsUndefined, z.string().default('org_role')),
});

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Who may spend the system OpenRouter key, on what, and how much (see README "Spend control"). */
export interface SystemKeyPolicy {
  access: 'all' | 'none' | 'claim';
  /** The JWT claim that must be `true` under `claim`. */
  claim: string;
  /** Model patterns (`*` wildcard) allowed on the system key. */
  models: string[];
  maxOutputTokens: number;
  /** USD per user per UTC month; undefined = no budget. */
  monthlyBudgetUsd: number | undefined;
}

export interface Config {
  production: boolean;
  host: string;
  port: number;
  encryptionSecret: string;
  previousEncryptionSecrets: string[];
  databaseUrl: string;
  openrouterApiKey: string | undefined;
  jwt: { secret?: string; jwksUrl?: string; issuer?: string; audience?: string; maxAgeSeconds: number };
  baseUrls: Record<Provider, string>;
  openrouterReferer: string;
  openrouterTitle: string;
  rateLimitRpm: number;
  /** Writes per minute per user on /api/* (POST, PUT, PATCH, DELETE); 0 = off. */
  managementRateLimitRpm: number;
  redisUrl: string | undefined;
  maxBodyBytes: number;
  upstreamTimeoutMs: number;
  streamIdleTimeoutMs: number;
  /** Time a client has to send its whole request, headers and body (slow-loris bound; Node entry). */
  requestTimeoutMs: number;
  corsOrigins: string[];
  /** How long a user's sealed key rows may be served from memory; 0 = always read the database. */
  keyCacheTtlMs: number;
  /** Days after which a key's secret is due for rotation unless the key sets its own; 0 = no reminders. */
  keyRotationDays: number;
  /** On SIGTERM/SIGINT, how long open streams may run on before they are ended (Node). */
  shutdownGraceMs: number;
  logLevel: LogLevel;
  /** When set, /metrics is served on this port only, not on the public one. */
  metricsPort: number | undefined;
  systemKey: SystemKeyPolicy;
  /** An operator's price file (read by the Node entry, merged over the bundled table). */
  pricesFile: string | undefined;
  /**
   * Proxies in front of the gateway whose X-Forwarded-For entries are believed (TRUST_PROXY);
   * 0 = none: the client IP is the connection's own address.
   */
  trustProxy: number;
  /** Days usage rows and audit rows are kept; 0 = forever. */
  retention: { usageDays: number; auditDays: number };
  /** The JWT claims naming the caller's organisation and their role in it. */
  orgClaims: { org: string; role: string };
}

export function loadConfig(env: Env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  const problems: string[] = [];
  const secret = e.API_KEY_ENCRYPTION_SECRET;
  if (!secret) problems.push('API_KEY_ENCRYPTION_SECRET: required (32+ random characters)');
  else if (secret.length < MIN_SECRET_LENGTH)
    problems.push(`API_KEY_ENCRYPTION_SECRET: too weak, must be at least ${MIN_SECRET_LENGTH} characters`);
  for (const old of e.API_KEY_ENCRYPTION_SECRET_PREVIOUS) {
    if (old.length < MIN_SECRET_LENGTH)
      problems.push('API_KEY_ENCRYPTION_SECRET_PREVIOUS: every secret must be at least 32 characters');
  }
  if (!e.JWT_SECRET && !e.JWT_JWKS_URL) problems.push('JWT_SECRET or JWT_JWKS_URL: one is required');
  if (e.JWT_SECRET && e.JWT_JWKS_URL) problems.push('JWT_SECRET and JWT_JWKS_URL: set only one of them');
  if (e.JWT_SECRET && e.JWT_SECRET.length < MIN_SECRET_LENGTH)
    problems.push(`JWT_SECRET: too weak, must be at least ${MIN_SECRET_LENGTH} characters`);
  if (e.NODE_ENV === 'production') problems.push(...productionProblems(e));
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    production: e.NODE_ENV === 'production',
    host: e.HOST,
    port: e.PORT,
    encryptionSecret: secret as string,
    previousEncryptionSecrets: e.API_KEY_ENCRYPTION_SECRET_PREVIOUS,
    databaseUrl: e.DATABASE_URL,
    openrouterApiKey: e.OPENROUTER_API_KEY,
    jwt: {
      secret: e.JWT_SECRET,
      jwksUrl: e.JWT_JWKS_URL,
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      maxAgeSeconds: e.JWT_MAX_AGE,
    },
    baseUrls: {
      openai: e.OPENAI_BASE_URL,
      anthropic: e.ANTHROPIC_BASE_URL,
      google: e.GOOGLE_BASE_URL,
      meta: e.META_BASE_URL,
      openrouter: e.OPENROUTER_BASE_URL,
    },
    openrouterReferer: e.OPENROUTER_REFERER,
    openrouterTitle: e.OPENROUTER_TITLE,
    rateLimitRpm: e.RATE_LIMIT_RPM,
    managementRateLimitRpm: e.MANAGEMENT_RATE_LIMIT_RPM,
    redisUrl: e.REDIS_URL,
    maxBodyBytes: e.MAX_BODY_BYTES,
    upstreamTimeoutMs: e.UPSTREAM_TIMEOUT_MS,
    streamIdleTimeoutMs: e.STREAM_IDLE_TIMEOUT_MS,
    requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
    corsOrigins: e.CORS_ORIGINS,
    keyCacheTtlMs: e.KEY_CACHE_TTL_MS,
    keyRotationDays: e.KEY_ROTATION_DAYS,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    logLevel: e.LOG_LEVEL,
    metricsPort: e.METRICS_PORT,
    systemKey: {
      access: e.SYSTEM_KEY_ACCESS,
      claim: e.SYSTEM_KEY_CLAIM,
      models: e.SYSTEM_KEY_MODELS.length > 0 ? e.SYSTEM_KEY_MODELS : ['*'],
      maxOutputTokens: e.SYSTEM_KEY_MAX_OUTPUT_TOKENS,
      monthlyBudgetUsd: e.SYSTEM_KEY_MONTHLY_BUDGET_USD,
    },
    pricesFile: e.PRICES_FILE,
    trustProxy: e.TRUST_PROXY,
    retention: { usageDays: e.USAGE_RETENTION_DAYS, auditDays: e.AUDIT_RETENTION_DAYS },
    orgClaims: { org: e.ORG_CLAIM, role: e.ORG_ROLE_CLAIM },
  };
}

/** What production refuses beyond length (development keeps working with hand-typed secrets). */
function productionProblems(e: z.output<typeof envSchema>): string[] {
  const problems: string[] = [];
  const secret = e.API_KEY_ENCRYPTION_SECRET;
  if (secret && secret.length >= MIN_SECRET_LENGTH && lowEntropy(secret))
    problems.push(
      'API_KEY_ENCRYPTION_SECRET: too predictable (repeated characters or words); use openssl rand -base64 48',
    );
  if (e.API_KEY_ENCRYPTION_SECRET_PREVIOUS.some((old) => old.length >= MIN_SECRET_LENGTH && lowEntropy(old)))
    problems.push('API_KEY_ENCRYPTION_SECRET_PREVIOUS: a previous secret is too predictable');
  if (e.JWT_SECRET && e.JWT_SECRET.length >= MIN_SECRET_LENGTH && lowEntropy(e.JWT_SECRET))
    problems.push('JWT_SECRET: too predictable (repeated characters or words); use openssl rand -base64 48');
  // One secret for both jobs: whoever can sign JWTs (the host application) could also read the vault.
  if (secret && secret === e.JWT_SECRET)
    problems.push('API_KEY_ENCRYPTION_SECRET: must differ from JWT_SECRET');
  if (e.JWT_JWKS_URL && !safeKeySetUrl(e.JWT_JWKS_URL))
    problems.push(
      'JWT_JWKS_URL: must be https (http only to localhost), or anyone on the path can forge tokens',
    );
  return problems;
}
