import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { GatewayError } from '../../../../src/errors.js';
import type { CallContext, StreamHooks, Usage } from '../../../../src/providers/types.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/', import.meta.url));

export function fixtureBytes(path: string): Uint8Array {
  return new Uint8Array(readFileSync(`${FIXTURES}${path}`));
}

export function fixtureText(path: string): string {
  return readFileSync(`${FIXTURES}${path}`, 'utf8');
}

/** Keys shaped like real ones, built at run time so no key literal sits in a file. */
export const keys = {
  openai: `sk-proj-${'Ab1_'.repeat(20)}T3BlbkFJ${'Cd2-'.repeat(20)}`,
  openrouter: `sk-or-v1-${'ab'.repeat(32)}`,
  meta: `LLM|1234567890|${'Zy9'.repeat(10)}`,
} as const;

/** The token details OpenAI reports in the fixtures' usage. */
export const OPENAI_USAGE_DETAILS = {
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 0,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
};

export function callContext(overrides: Partial<CallContext> = {}): CallContext {
  return {
    provider: 'openai',
    upstreamModel: 'gpt-4o-mini',
    apiKey: keys.openai,
    keyLabel: 'work',
    keySource: 'user',
    baseUrl: 'https://api.openai.com/v1',
    stream: true,
    includeUsage: true,
    attribution: { referer: 'https://example.test/app', title: 'byok-gateway test' },
    ...overrides,
  };
}

export interface RecordingHooks extends StreamHooks {
  usages: Usage[];
  /** Why the upstream stopped early, handed to the relay's `finish` by the test's driver. */
  cause: GatewayError | undefined;
}

export function recordingHooks(cause?: GatewayError): RecordingHooks {
  const usages: Usage[] = [];
  return { usages, onUsage: (u) => usages.push(u), cause };
}

/** Cuts bytes into pieces of `size` (1 = one byte at a time). */
export function pieces(bytes: Uint8Array, size: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += size) out.push(bytes.slice(i, i + size));
  return out;
}

const encoder = new TextEncoder();
export const utf8 = (text: string): Uint8Array => encoder.encode(text);

/** Runs chunks through a transform; returns every output chunk and their concatenated text. */
export async function runTransform(
  transform: TransformStream<Uint8Array, Uint8Array>,
  chunks: Uint8Array[],
): Promise<{ chunks: Uint8Array[]; bytes: Uint8Array; text: string }> {
  const source = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  const out: Uint8Array[] = [];
  const reader = source.pipeThrough(transform).getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    out.push(value);
  }
  const bytes = new Uint8Array(out.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of out) {
    bytes.set(c, at);
    at += c.length;
  }
  return { chunks: out, bytes, text: new TextDecoder().decode(bytes) };
}

/** The `data:` payloads of an SSE text with `\n\n` framing. */
export function dataOf(sse: string): string[] {
  return sse
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice('data: '.length));
}
