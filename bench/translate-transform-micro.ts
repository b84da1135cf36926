/**
 * Micro-benchmark: CPU time per streamed response translated from Anthropic's events and from
 * Gemini's SSE to OpenAI chunks, beside the OpenAI-compatible pass-through over a stream of the
 * same size (50 content deltas each, one SSE event per network chunk as the providers send them).
 * Each relay is measured three ways: as the gateway streams now (src/chat/client-stream.ts: one
 * ReadableStream pulling the upstream's chunks through the relay), as it streamed before (a source
 * ReadableStream piped through the relay as a TransformStream), and the relay alone (no stream).
 * Run: npx tsx bench/translate-transform-micro.ts
 */
import { clientStream } from '../src/chat/client-stream.js';
import { Deadline } from '../src/chat/deadline.js';
import { anthropicAdapter } from '../src/providers/anthropic/index.js';
import { googleAdapter } from '../src/providers/google/index.js';
import { openAICompatibleAdapter } from '../src/providers/openai-compatible/index.js';
import type {
  CallContext,
  ProviderAdapter,
  StreamHooks,
  StreamRelay,
  UpstreamResponse,
} from '../src/providers/types.js';
import { relayTransform } from '../test/helpers/relay-transform.js';

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
const hooks: StreamHooks = { onUsage: () => {} };

/** How one stream is driven; resolves to the bytes the client got. */
type Run = (chunks: Uint8Array[], relay: (hooks: StreamHooks) => StreamRelay) => Promise<number>;

async function drain(stream: ReadableStream<Uint8Array>): Promise<number> {
  const reader = stream.getReader();
  let out = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) out += r.value.length;
  return out;
}

/** An upstream answer over chunks already in memory (undici's body is an async iterable too). */
function fakeResponse(chunks: Uint8Array[]): UpstreamResponse {
  let i = 0;
  return {
    status: 200,
    headers: new Headers(),
    body: {
      [Symbol.asyncIterator]: () => ({
        next: async (): Promise<IteratorResult<Uint8Array>> => {
          const value = chunks[i++];
          return value ? { done: false, value } : { done: true, value: undefined };
        },
      }),
    },
    cancel: () => {},
  };
}

/** Now: the gateway's one client stream (idle timer included). */
const viaClientStream: Run = (chunks, relay) =>
  drain(
    clientStream(fakeResponse(chunks), {
      deadline: new Deadline(60_000, () => {}),
      idleTimeoutMs: 60_000,
      abortUpstream: () => {},
      relay: relay(hooks),
      onEnd: () => {},
    }),
  );

/** Before: a source stream piped through the relay as a TransformStream. */
const viaTransform: Run = (chunks, relay) => {
  let i = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(c) {
      const next = chunks[i++];
      if (next) c.enqueue(next);
      else c.close();
    },
  });
  return drain(source.pipeThrough(relayTransform(relay(hooks))));
};

/** The relay's own work, without any stream around it. */
const direct: Run = async (chunks, relay) => {
  const r = relay(hooks);
  let out = 0;
  for (const c of chunks) out += r.push(c)?.length ?? 0;
  return out + (r.finish()?.length ?? 0);
};

/** Best of ROUNDS rounds of CPU time (process.cpuUsage, user + system) per stream. */
async function time(label: string, chunks: Uint8Array[], run: () => Promise<number>): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await run();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < RUNS; i++) await run();
    const used = process.cpuUsage(start);
    best = Math.min(best, (used.user + used.system) / RUNS);
  }
  const bytes = chunks.reduce((n, c) => n + c.length, 0);
  console.log(
    `${label.padEnd(58)} ${best.toFixed(1).padStart(6)} µs CPU/stream  (${chunks.length} events, ${bytes} bytes in)`,
  );
  return best;
}

const WAYS: [string, Run][] = [
  ['client stream (now)', viaClientStream],
  ['TransformStream (before)', viaTransform],
  ['relay alone', direct],
];

async function main(): Promise<void> {
  console.log(
    `node ${process.version}, ${DELTAS} text deltas per stream, best of ${ROUNDS} rounds of ${RUNS}`,
  );
  const openai = openAIEvents().map((e) => encoder.encode(e));
  const identity = await time('baseline: identity TransformStream', openai, () =>
    drain(
      new ReadableStream<Uint8Array>({
        start(c) {
          for (const chunk of openai) c.enqueue(chunk);
          c.close();
        },
      }).pipeThrough(new TransformStream()),
    ),
  );
  const cases: [string, ProviderAdapter, keyof typeof MODELS, Uint8Array[]][] = [
    ['openai-compatible pass-through', openAICompatibleAdapter, 'openai', openai],
    ['anthropic → openai', anthropicAdapter, 'anthropic', anthropicEvents().map((e) => encoder.encode(e))],
    ['gemini → openai', googleAdapter, 'google', geminiEvents().map((e) => encoder.encode(e))],
  ];
  const results = new Map<string, number[]>();
  for (const [name, adapter, provider, chunks] of cases) {
    const figures: number[] = [];
    for (const [way, run] of WAYS) {
      figures.push(
        await time(`${name}, ${way}`, chunks, () =>
          run(chunks, (h) => adapter.streamRelay(call(provider), h)),
        ),
      );
    }
    results.set(name, figures);
  }
  console.log(`\nidentity TransformStream baseline: ${identity.toFixed(1)} µs`);
  for (const [name, [now = 0, before = 0, alone = 0]] of results) {
    console.log(
      `${name}: client stream ${now.toFixed(1)} µs vs TransformStream ${before.toFixed(1)} µs ` +
        `(${(now / before).toFixed(2)}×); streams add ${(now - alone).toFixed(1)} µs now, ${(before - alone).toFixed(1)} µs before`,
    );
  }
}

await main();
