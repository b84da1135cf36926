/**
 * The requests the bench sends, and a probe that checks one answer before a target is loaded
 * (a misrouted or failing target must stop the bench, not produce fast figures).
 */
import type { LoadRequest } from './load.js';

export const MODELS = {
  openai: 'openai/gpt-4o-mini',
  anthropic: 'anthropic/claude-sonnet-4-5',
  slow: 'openai/gpt-4o-mini-slow-stream',
} as const;

export function chatBody(model: string, stream: boolean): string {
  return JSON.stringify({
    model,
    messages: [
      { role: 'system', content: 'You are a terse assistant.' },
      { role: 'user', content: 'Say hello in five words, then count to fifty.' },
    ],
    max_tokens: 128,
    ...(stream ? { stream: true } : {}),
  });
}

export function chatRequest(credential: string, model: string, stream: boolean): LoadRequest {
  return {
    method: 'POST',
    path: '/v1/chat/completions',
    headers: { authorization: `Bearer ${credential}`, 'content-type': 'application/json' },
    body: chatBody(model, stream),
  };
}

export interface ProbeAnswer {
  status: number;
  headers: Headers;
  text: string;
}

export async function probe(baseUrl: string, req: LoadRequest): Promise<ProbeAnswer> {
  const res = await fetch(new URL(req.path, baseUrl), {
    method: req.method,
    headers: req.headers,
    body: req.body,
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** Probes and throws unless the answer is a 200 chat answer (JSON or a stream ending in [DONE]). */
export async function expectChat(
  label: string,
  baseUrl: string,
  req: LoadRequest,
  expectHeaders: Record<string, string> = {},
): Promise<ProbeAnswer> {
  const a = await probe(baseUrl, req);
  const stream = req.body?.includes('"stream":true') ?? false;
  const complete = stream ? a.text.trimEnd().endsWith('data: [DONE]') : a.text.includes('"choices"');
  if (a.status !== 200 || !complete) {
    throw new Error(`${label}: probe answered ${a.status}: ${a.text.slice(0, 400)}`);
  }
  for (const [name, want] of Object.entries(expectHeaders)) {
    const got = a.headers.get(name);
    if (got !== want) throw new Error(`${label}: probe has ${name}: ${got}, expected ${want}`);
  }
  return a;
}
