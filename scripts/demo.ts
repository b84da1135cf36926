import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { startFakeAnthropic } from '../fakes/anthropic-server.js';
import { startFakeGemini } from '../fakes/gemini-server.js';
import { fakeKey } from '../fakes/keys.js';
import { startFakeOpenAICompatible } from '../fakes/openai-compatible-server.js';
import { loadConfig } from '../src/config.js';
import { startGateway } from '../src/node/server.js';
import { createLogger } from '../src/ops/logger.js';

/**
 * `npm run demo`: try the gateway offline, with no provider keys. It starts the gateway on a
 * temporary SQLite database together with local fake providers that speak each provider's wire
 * format (OpenAI, OpenRouter, Meta, Anthropic, Gemini), and prints a token, a sample key per
 * provider (random, in the provider's real format, accepted only by the fakes) and commands to
 * paste. Ctrl-C stops everything and deletes the temporary database.
 */
const randomSecret = () => Buffer.from(crypto.getRandomValues(new Uint8Array(36))).toString('base64url');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'byok-demo-'));
  const [openai, openrouter, meta, anthropic, google] = await Promise.all([
    startFakeOpenAICompatible({ flavour: 'openai' }),
    startFakeOpenAICompatible({ flavour: 'openrouter' }),
    startFakeOpenAICompatible({ flavour: 'meta' }),
    startFakeAnthropic(),
    startFakeGemini(),
  ]);
  const jwtSecret = randomSecret();
  const config = loadConfig({
    API_KEY_ENCRYPTION_SECRET: randomSecret(),
    JWT_SECRET: jwtSecret,
    DATABASE_URL: `file:${join(dir, 'gateway.db')}`,
    HOST: '127.0.0.1',
    PORT: process.env.PORT ?? '8787',
    OPENAI_BASE_URL: openai.baseUrl,
    OPENROUTER_BASE_URL: openrouter.baseUrl,
    META_BASE_URL: meta.baseUrl,
    ANTHROPIC_BASE_URL: anthropic.baseUrl,
    GOOGLE_BASE_URL: google.baseUrl,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    SHUTDOWN_GRACE_MS: '1000',
  });
  const gateway = await startGateway(config, {
    logger: createLogger(config.logLevel, (line) => process.stderr.write(`${line}\n`)),
  });
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('demo-user')
    .setIssuedAt()
    .setExpirationTime('12h')
    .sign(new TextEncoder().encode(jwtSecret));

  const url = gateway.url;
  const keys = {
    openai: fakeKey('openai'),
    anthropic: fakeKey('anthropic'),
    google: fakeKey('google'),
    meta: fakeKey('meta'),
    openrouter: fakeKey('openrouter'),
  };
  const sdk = `import OpenAI from 'openai'; const client = new OpenAI({ baseURL: '${url}/v1', apiKey: process.env.TOKEN }); const r = await client.chat.completions.create({ model: 'anthropic/claude-sonnet-4-5', messages: [{ role: 'user', content: 'Hello' }] }); console.log(r.choices[0].message.content);`;
  const lines = [
    '',
    `byok-gateway demo on ${url} — a temporary database and local fake providers; nothing leaves this machine.`,
    '',
    'Token (a JWT for user "demo-user", valid 12 h):',
    `  export TOKEN=${token}`,
    '',
    "Sample keys (random, in each provider's real format; only the local fakes accept them):",
    ...Object.entries(keys).map(([p, k]) => `  ${p.padEnd(10)} ${k}`),
    '',
    '1. Store a key (only a preview comes back):',
    `  curl -s ${url}/api/user/api-keys -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"provider":"anthropic","apiKey":"${keys.anthropic}","keyName":"demo"}'`,
    '',
    '2. Chat, streamed, through that key (Anthropic translated to OpenAI chunks):',
    `  curl -sN ${url}/v1/chat/completions -H "Authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"model":"anthropic/claude-sonnet-4-5","stream":true,"messages":[{"role":"user","content":"Hello"}]}'`,
    '',
    '3. Chat with the official openai SDK (from this folder):',
    `  node --input-type=module -e "${sdk}"`,
    '',
    'Ctrl-C stops the demo and deletes its database.',
    '',
  ];
  process.stdout.write(lines.join('\n'));

  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(1);
    stopping = true;
    await gateway.close();
    await Promise.all([openai, openrouter, meta, anthropic, google].map((f) => f.close()));
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
