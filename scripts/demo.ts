import { fakeKey } from '../fakes/keys.js';
import { startOfflineGateway } from './offline-gateway.js';

/**
 * `npm run demo`: try the gateway offline, with no provider keys. It starts the gateway on a
 * temporary SQLite database together with local fake providers that speak each provider's wire
 * format (OpenAI, OpenRouter, Meta, Anthropic, Gemini), and prints a token, a sample key per
 * provider (random, in the provider's real format, accepted only by the fakes) and commands to
 * paste. Ctrl-C stops everything and deletes the temporary database.
 */
async function main(): Promise<void> {
  const offline = await startOfflineGateway({
    PORT: process.env.PORT ?? '8787',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const { gateway } = offline;
  const token = await offline.jwt('demo-user', '12h');

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
    `Key console: open ${url}/console in a browser and sign in with the token above.`,
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
    await offline.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(`demo failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
