/**
 * Micro-benchmark: CPU time per streamed response translated from Anthropic's events and from
 * Gemini's SSE to OpenAI chunks, beside the OpenAI-compatible pass-through over a stream of the
 * same size (50 content deltas each, one SSE event per network chunk as the providers send them).
 * Run: npx tsx bench/translate-transform-micro.ts
 */
import { streamTransform as anthropicTransform } from '../src/providers/anthropic/stream-transform.js';
import { googleAdapter } from '../src/providers/google/index.js';
import { streamTransform as passThroughTransform } from '../src/providers/openai-compatible/stream-transform.js';
import type { CallContext, StreamHooks } from '../src/providers/types.js';

const RUNS = 2_000;
const ROUNDS = 7;
const WARMUP = 1_000;
const DELTAS = 50;
const encoder = new TextEncoder();

function anthropicEvents(): string[] {
  const ev = (type: string, data: Record<string, unknown>) =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
  const usage = {
    input_tokens: 12,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: 1,
  };
  const message = {
    model: 'claude-sonnet-4-5-20250929',
    id: 'msg_01XFDUDYJgAACzvnptvVoYEL',
    type: 'message',
    role: 'assistant',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage,
  };
  const out = [
    ev('message_start', { message }),
    ev('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }),
    ev('ping', {}),
  ];
  for (let i = 0; i < DELTAS; i++) {
    out.push(ev('content_block_delta', { index: 0, delta: { type: 'text_delta', text: ` word${i}` } }));
  }
  out.push(ev('content_block_stop', { index: 0 }));
  out.push(
    ev('message_delta', {
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: { ...usage, output_tokens: DELTAS },
    }),
  );
  out.push(ev('message_stop', {}));
  return out;
}

/** Gemini's SSE: CRLF framing, no [DONE], usage in the last event. */
function geminiEvents(): string[] {
  const ev = (data: Record<string, unknown>) => `data: ${JSON.stringify(data)}\r\n\r\n`;
  const out: string[] = [];
  for (let i = 0; i < DELTAS; i++) {
    const last = i === DELTAS - 1;
    out.push(
      ev({
        candidates: [
          {
            content: { role: 'model', parts: [{ text: ` word${i}` }] },
            index: 0,
            ...(last ? { finishReason: 'STOP' } : {}),
          },
        ],
        ...(last
          ? {
              usageMetadata: {
                promptTokenCount: 12,
                candidatesTokenCount: DELTAS,
                totalTokenCount: 12 + DELTAS,
              },
            }
          : {}),
        modelVersion: 'gemini-2.5-flash',
        responseId: 'bench-response-id',
      }),
    );
  }
  return out;
}

function openAIEvents(): string[] {
  const head =
    '{"id":"chatcmpl-CZk1rT0yFq7Xw2bNmP4sLd9aE3vHu","object":"chat.completion.chunk","created":1767225600,"model":"gpt-4o-mini-2024-07-18","service_tier":"default","system_fingerprint":"fp_560af6e559",';
  const chunk = (choices: string, usage = 'null') =>
    `data: ${head}"choices":${choices},"usage":${usage}}\n\n`;
  const out = [
    chunk('[{"index":0,"delta":{"role":"assistant","content":""},"logprobs":null,"finish_reason":null}]'),
  ];
  for (let i = 0; i < DELTAS; i++) {
    out.push(chunk(`[{"index":0,"delta":{"content":" word${i}"},"logprobs":null,"finish_reason":null}]`));
  }
  out.push(chunk('[{"index":0,"delta":{},"logprobs":null,"finish_reason":"stop"}]'));
  out.push(chunk('[]', `{"prompt_tokens":12,"completion_tokens":${DELTAS},"total_tokens":${12 + DELTAS}}`));
  out.push('data: [DONE]\n\n');
  return out;
}

const MODELS = { anthropic: 'claude-sonnet-4-5', google: 'gemini-2.5-flash', openai: 'gpt-4o-mini' } as const;
const call = (provider: keyof typeof MODELS): CallContext => ({
  provider,
  upstreamModel: MODELS[provider],
  apiKey: 'bench-key',
  keyLabel: 'bench',
  keySource: 'user',
  baseUrl: 'https://example.invalid/v1',
  stream: true,
  includeUsage: true,
  attribution: { referer: '', title: '' },
});
const hooks: StreamHooks = { onUsage: () => {}, interruption: () => undefined };

type Make = () => TransformStream<Uint8Array, Uint8Array>;

async function run(chunks: Uint8Array[], make: Make): Promise<number> {
  let i = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(c) {
      const next = chunks[i++];
      if (next) c.enqueue(next);
      else c.close();
    },
  });
  const reader = source.pipeThrough(make()).getReader();
  let out = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) out += r.value.length;
  return out;
}

/** Best of ROUNDS rounds of CPU time (process.cpuUsage, user + system) per stream. */
async function time(label: string, chunks: Uint8Array[], make: Make): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await run(chunks, make);
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < RUNS; i++) await run(chunks, make);
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / RUNS);
  }
  const bytes = chunks.reduce((n, c) => n + c.length, 0);
  console.log(
    `${label.padEnd(44)} ${best.toFixed(1)} µs CPU/stream  (${chunks.length} events, ${bytes} bytes in)`,
  );
  return best;
}

async function main(): Promise<void> {
  console.log(
    `node ${process.version}, ${DELTAS} text deltas per stream, best of ${ROUNDS} rounds of ${RUNS}`,
  );
  const anthropic = anthropicEvents().map((e) => encoder.encode(e));
  const openai = openAIEvents().map((e) => encoder.encode(e));
  const identity = await time('baseline: identity TransformStream', openai, () => new TransformStream());
  const pass = await time('openai-compatible pass-through', openai, () =>
    passThroughTransform(call('openai'), hooks),
  );
  const gemini = geminiEvents().map((e) => encoder.encode(e));
  const translations: [string, number][] = [
    [
      'anthropic',
      await time('anthropic → openai translation', anthropic, () =>
        anthropicTransform(call('anthropic'), hooks),
      ),
    ],
    [
      'google',
      await time('gemini → openai translation', gemini, () =>
        googleAdapter.streamTransform(call('google'), hooks),
      ),
    ],
  ];
  for (const [name, translated] of translations) {
    console.log(
      `${name}: translation costs ${(translated - pass).toFixed(1)} µs more per stream than pass-through (${(translated / pass).toFixed(2)}×); ` +
        `over the identity baseline: pass-through ${(pass - identity).toFixed(1)} µs, translation ${(translated - identity).toFixed(1)} µs`,
    );
  }
}

await main();
