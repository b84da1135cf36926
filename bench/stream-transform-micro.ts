/**
 * Micro-benchmark of the OpenAI-compatible stream transform: what one streamed chat costs the
 * gateway on top of the bytes it relays. A 50-chunk OpenAI stream (role, 47 content deltas, finish,
 * usage, then [DONE]), one SSE event per network chunk as OpenAI sends them.
 * Run: npx tsx bench/stream-transform-micro.ts
 */
import { createStreamRelay } from '../src/providers/openai-compatible/stream-transform.js';
import { relayTransform } from '../src/providers/relay-transform.js';
import type { CallContext, StreamHooks } from '../src/providers/types.js';

const RUNS = 2_000;
const ROUNDS = 7;
const WARMUP = 1_000;

const head =
  '{"id":"chatcmpl-CZk1rT0yFq7Xw2bNmP4sLd9aE3vHu","object":"chat.completion.chunk","created":1767225600,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559",';
const chunk = (choices: string, usage = 'null') =>
  `data: ${head}"choices":${choices},"usage":${usage},"obfuscation":"kD3x"}\n\n`;
const events: string[] = [
  chunk('[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]'),
];
for (let i = 0; i < 47; i++) {
  events.push(chunk(`[{"index":0,"delta":{"content":" word${i}"},"logprobs":null,"finish_reason":null}]`));
}
events.push(chunk('[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]'));
events.push(chunk('[]', '{"prompt_tokens":12,"completion_tokens":48,"total_tokens":60}'));
events.push('data: [DONE]\n\n');
const encoder = new TextEncoder();
const chunks = events.map((e) => encoder.encode(e));
const bytes = chunks.reduce((n, c) => n + c.length, 0);

const call = (includeUsage: boolean): CallContext => ({
  provider: 'openai',
  upstreamModel: 'gpt-4o-mini',
  apiKey: 'sk-bench',
  keyLabel: 'bench',
  keySource: 'user',
  baseUrl: 'https://api.openai.com/v1',
  stream: true,
  includeUsage,
  attribution: { referer: '', title: '' },
});
const hooks: StreamHooks = { onUsage: () => {}, interruption: () => undefined };

/** Through real Web Streams, as the server runs it (includes the streams machinery). */
async function piped(includeUsage: boolean): Promise<number> {
  let i = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(c) {
      const next = chunks[i++];
      if (next) c.enqueue(next);
      else c.close();
    },
  });
  const reader = source.pipeThrough(relayTransform(createStreamRelay(call(includeUsage), hooks))).getReader();
  let out = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) out += r.value.length;
  return out;
}

/** The relay's own work, without the Web Streams machinery around it. */
async function direct(includeUsage: boolean): Promise<number> {
  const relay = createStreamRelay(call(includeUsage), hooks);
  let out = 0;
  for (const c of chunks) out += relay.push(c)?.length ?? 0;
  return out + (relay.finish()?.length ?? 0);
}

/** Best of ROUNDS rounds: on a shared machine the minimum is the least noisy figure. */
async function time(label: string, fn: () => Promise<number>): Promise<void> {
  for (let i = 0; i < WARMUP; i++) await fn();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const start = performance.now();
    for (let i = 0; i < RUNS; i++) await fn();
    best = Math.min(best, ((performance.now() - start) * 1000) / RUNS);
  }
  console.log(
    `${label.padEnd(40)} ${best.toFixed(1)} µs/stream  (${(best / chunks.length).toFixed(2)} µs/chunk)`,
  );
}

async function main(): Promise<void> {
  console.log(
    `node ${process.version}, ${chunks.length} chunks, ${bytes} bytes per stream, best of ${ROUNDS} rounds of ${RUNS}`,
  );
  await time('baseline: identity TransformStream', async () => {
    let i = 0;
    const source = new ReadableStream<Uint8Array>({
      pull(c) {
        const next = chunks[i++];
        if (next) c.enqueue(next);
        else c.close();
      },
    });
    const reader = source.pipeThrough(new TransformStream<Uint8Array, Uint8Array>()).getReader();
    let out = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) out += r.value.length;
    return out;
  });
  await time('relay only, includeUsage true', () => direct(true));
  await time('relay only, includeUsage false', () => direct(false));
  await time('relayTransform, includeUsage true', () => piped(true));
  await time('relayTransform, includeUsage false', () => piped(false));
}

await main();
